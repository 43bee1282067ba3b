import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  CreateSandbox, HTTP_STATUS, PatchSandbox, Pid, SandboxName, describeIssues, protocolError, type ProtocolError,
} from '../../../../lib/protocol';
import { z as zod } from 'zod';
import type { SandboxService } from '../../sandboxes/service';
import { toProtocolError } from '../../sandboxes/errors';
import { tokenMatches } from '../../token';
import type { Logger } from '../../log';
import type { Sampler } from '../../sampler/sampler';

const MAX_BODY_BYTES = 64 * 1024;
/** Requests whose body was refused part-way; their connection is closed after the answer instead of drained. */
const abandonedBodies = new WeakSet<IncomingMessage>();
const PidBody = zod.object({ pid: Pid }).strict();

/** A request that cannot be served, answered with its status and a `{error}` body. */
class HttpError extends Error {
  constructor(readonly body: ProtocolError) {
    super(body.message);
  }
}

type Handler = (name: string | null, body: () => Promise<unknown>) => Promise<{ status: number; json?: unknown }>;

/**
 * The JSON API for scripts. Same service and same error mapping as socket.io, so a command behaves the
 * same on both. Every route except GET /healthz needs `Authorization: Bearer <agent token>`.
 */
export function createHttpHandler(svc: SandboxService, sampler: Sampler, token: string, log: Logger) {
  const ok = (json: unknown, status = 200) => ({ status, json });
  const routes: Record<string, Handler> = {
    'GET /api/v1/sandboxes': async () => ok(await svc.list()),
    'POST /api/v1/sandboxes': async (_n, body) => ok(await svc.create(parse(CreateSandbox, await body())), 201),
    'GET /api/v1/sandboxes/:name': async (n) => ok(await svc.get(n!)),
    'PATCH /api/v1/sandboxes/:name': async (n, body) => ok(await svc.patch(n!, parse(PatchSandbox, await body()))),
    'DELETE /api/v1/sandboxes/:name': async (n) => { await svc.remove(n!); return { status: 204 }; },
    'POST /api/v1/sandboxes/:name/freeze': async (n) => ok(await svc.freeze(n!)),
    'POST /api/v1/sandboxes/:name/thaw': async (n) => ok(await svc.thaw(n!)),
    'POST /api/v1/sandboxes/:name/kill': async (n) => ok(await svc.kill(n!)),
    'POST /api/v1/sandboxes/:name/procs': async (n, body) => { await svc.movePid(n!, parse(PidBody, await body()).pid); return ok({ moved: true }); },
    'GET /api/v1/host': async () => ok(sampler.latest()?.host ?? null),
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // The raw path, not `new URL(...)`: that throws on some absolute-form targets ("http://[") — an
    // unhandled rejection that ended the agent — and it resolves "%2e%2e" segments before routing, so
    // /sandboxes/%2e%2e would become another endpoint instead of an invalid name.
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return send(res, 200, { ok: true, sampling: sampler.latest() !== null });
    try {
      if (!tokenMatches(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1], token)) {
        throw new HttpError(protocolError('unauthorized', 'A valid agent token is required: send "Authorization: Bearer <token>".'));
      }
      const { key, name } = match(req.method ?? 'GET', pathname, routes);
      const r = await routes[key](name, () => readJson(req));
      send(res, r.status, r.json);
    } catch (err) {
      const e = err instanceof HttpError ? err.body : toProtocolError(err, log);
      send(res, HTTP_STATUS[e.code], { error: e.message, code: e.code, ...(e.errno && { errno: e.errno }), ...(e.file && { file: e.file }) });
    }
  };
}

/** Finds the route for a method and path; the sandbox name segment is decoded and validated here. */
function match(method: string, pathname: string, routes: Record<string, Handler>): { key: string; name: string | null } {
  const m = /^\/api\/v1\/sandboxes\/([^/]+)(\/[a-z]+)?$/.exec(pathname);
  let pattern = pathname;
  let name: string | null = null;
  if (m) {
    pattern = `/api/v1/sandboxes/:name${m[2] ?? ''}`;
    try {
      name = decodeURIComponent(m[1]);
    } catch {
      throw new HttpError(protocolError('bad_request', 'The sandbox name in the URL is not valid percent-encoding.'));
    }
  }
  const key = `${method} ${pattern}`;
  if (!routes[key]) {
    const allowed = Object.keys(routes).some((k) => k.endsWith(` ${pattern}`));
    throw new HttpError(allowed
      ? protocolError('bad_request', `Method ${method} is not allowed on ${pathname}.`)
      : protocolError('not_found', `No such endpoint: ${method} ${pathname}.`));
  }
  if (name !== null) {
    const v = SandboxName.safeParse(name);
    if (!v.success) throw new HttpError(protocolError('bad_request', `Invalid sandbox name: ${describeIssues(v.error)}.`));
  }
  return { key, name };
}

function parse<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new HttpError(protocolError('bad_request', describeIssues(r.error)));
  return r.data;
}

/**
 * Reads a JSON body of at most 64 KiB; an empty body reads as {}. An oversized body is refused as
 * soon as it passes the limit, and the rest is read and discarded (leaving a `for await` early would
 * destroy the socket, and the 400 would be lost to a connection reset).
 */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      chunks.length = 0;
      abandonedBodies.add(req);
      reject(new HttpError(protocolError('bad_request', `Request body is larger than ${MAX_BODY_BYTES} bytes.`)));
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    // A client that hangs up mid-body: nothing to answer, but the handler must not wait forever.
    // ('close' also follows a normal 'end'; rejecting a settled promise does nothing.)
    const cutOff = () => reject(new HttpError(protocolError('bad_request', 'The request body was cut off before its end.')));
    req.once('error', cutOff);
    req.once('close', cutOff);
  });
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(protocolError('bad_request', 'Request body is not valid JSON.'));
  }
}

function send(res: ServerResponse, status: number, json?: unknown): void {
  if (res.headersSent || res.destroyed) return;
  if (abandonedBodies.has(res.req)) res.setHeader('connection', 'close');
  if (json === undefined) {
    res.writeHead(status).end();
    return;
  }
  const body = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
}
