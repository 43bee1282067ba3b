/**
 * Browser sessions: the login URL's token is exchanged once for a signed, HttpOnly cookie.
 *
 * Cookie value: `v1.<expiresAtSec>.<base64url HMAC-SHA256("v1.<expiresAtSec>")>`. The key is derived
 * from the web token, so sessions survive a web server restart and all die when the token changes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'cgdash_session';
/** Session lifetime: 7 days, long enough for an operator's week without re-login. */
export const SESSION_TTL_SEC = 7 * 24 * 60 * 60;

const VERSION = 'v1';

/** Derives the cookie signing key from the web token (a domain-separated HMAC, not the token itself). */
export function deriveSessionKey(webToken: string): Buffer {
  return createHmac('sha256', webToken).update('cgdash session cookie v1').digest();
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/** Builds a cookie value valid until `nowMs + ttlSec`. Pure apart from the HMAC. */
export function signSession(key: Buffer, nowMs: number, ttlSec = SESSION_TTL_SEC): string {
  const payload = `${VERSION}.${Math.floor(nowMs / 1000) + ttlSec}`;
  return `${payload}.${mac(key, payload)}`;
}

/** True when `value` carries a valid signature and has not expired at `nowMs`. */
export function verifySession(key: Buffer, value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const m = /^(v1\.(\d{1,12}))\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return false;
  const expected = Buffer.from(mac(key, m[1]));
  const given = Buffer.from(m[3]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
  return Number(m[2]) * 1000 > nowMs;
}

/** Constant-time comparison of a presented token with the real one (lengths may differ). */
export function tokenMatches(given: string, actual: string): boolean {
  // Hash both sides so timingSafeEqual sees equal lengths and leaks nothing about the length.
  const a = createHmac('sha256', 'cgdash token compare').update(given).digest();
  const b = createHmac('sha256', 'cgdash token compare').update(actual).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}

/** Reads one cookie from a Cookie header; undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Session checks and the HTTP routes the web server answers itself (before Next.js). */
export interface SessionGate {
  /** True when the request carries a valid session cookie. */
  isAuthenticated(cookieHeader: string | undefined): boolean;
  /**
   * Handles /login?token=, /logout and the auth redirects. Returns true when it answered the
   * request; false when the request should go on to Next.js.
   */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean;
}

/** Creates the gate for one web token. `now` is injectable for tests. */
export function createSessionGate(webToken: string, now: () => number = Date.now): SessionGate {
  const key = deriveSessionKey(webToken);
  const isAuthenticated = (cookieHeader: string | undefined) => verifySession(key, readCookie(cookieHeader, SESSION_COOKIE), now());

  return {
    isAuthenticated,
    handle(req, res, url) {
      const path = url.pathname;
      if (path === '/login' && req.method === 'GET' && url.searchParams.has('token')) {
        if (!tokenMatches(url.searchParams.get('token') ?? '', webToken)) return redirect(res, '/login?error=invalid'), true;
        res.setHeader('Set-Cookie', sessionCookie(signSession(key, now()), SESSION_TTL_SEC));
        return redirect(res, '/'), true;
      }
      if (path === '/logout') {
        if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'bad_request', message: 'Use POST /logout.' } }), true;
        res.setHeader('Set-Cookie', sessionCookie('', 0));
        return redirect(res, '/login'), true;
      }
      if (isPublic(path) || isAuthenticated(req.headers.cookie)) return false;
      if (path.startsWith('/api/')) {
        return sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'Log in first: open the login URL printed by the web server.' } }), true;
      }
      return redirect(res, '/login'), true;
    },
  };
}

/** Paths served without a session: the login page, Next.js static assets and the favicon. */
function isPublic(path: string): boolean {
  return path === '/login' || path.startsWith('/_next/') || path === '/favicon.ico';
}

function sessionCookie(value: string, maxAgeSec: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}`;
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

/** Writes a small JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
