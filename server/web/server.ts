/**
 * The web server without Next.js: one HTTP server carrying the session gate, /healthz and the
 * socket.io relay to the agent. main.ts injects Next.js's request handler with setPageHandler();
 * integration tests use it as is (test/integration/relay.test.ts).
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/protocol';
import type { WebConfig } from './config';
import { createRelay, type BrowserServer, type Relay } from './relay';
import { createSessionGate, sendJson } from './session';

/** Renders a page after the session gate let the request through (Next.js's request handler). */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface RunningWebServer {
  http: HttpServer;
  io: BrowserServer;
  relay: Relay;
  /** The port actually bound (config.port may be 0). */
  port: number;
  /** Base URL, e.g. http://127.0.0.1:3000 (also the Origin browsers send). */
  url: string;
  /** The URL that exchanges the web token for a session cookie. */
  loginUrl: string;
  /**
   * Installs the page handler. Until then every request is answered 503 "starting", so nothing is
   * served half-ready while Next.js prepares.
   */
  setPageHandler(handle: PageHandler): void;
  /** Closes the agent connection, every browser socket and the HTTP server; resolves once the port is free. */
  close(): Promise<void>;
}

export interface WebServerOptions {
  log?: (line: string) => void;
}

/** Creates the HTTP server, listens on config.host:config.port, attaches the session gate and the relay. */
export async function startWebServer(
  config: Pick<WebConfig, 'host' | 'port' | 'agentUrl' | 'agentToken' | 'webToken'>,
  opts: WebServerOptions = {},
): Promise<RunningWebServer> {
  const log = opts.log ?? (() => {});
  let page: PageHandler | undefined;
  const gate = createSessionGate(config.webToken);

  const http = createServer((req, res) => {
    if (!page) return sendJson(res, 503, { ok: false, error: { code: 'unavailable', message: 'The web server is starting.' } });
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && req.method === 'GET') return sendJson(res, 200, { ok: true, agent: { connected: relay.agentConnected() } });
    if (gate.handle(req, res, url)) return;
    page(req, res).catch((err: unknown) => {
      log(`request ${url.pathname} failed: ${String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'The page failed to render.' } });
    });
  });
  const io: BrowserServer = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    path: '/socket.io',
    serveClient: false,
    // Leave other upgrade requests (Next.js dev HMR) alone instead of closing them after 1 s.
    destroyUpgrade: false,
  });
  const relay = createRelay(io, { agentUrl: config.agentUrl, agentToken: config.agentToken, isAuthenticated: gate.isAuthenticated, log });
  try {
    await listen(http, config.port, config.host);
  } catch (err) {
    relay.close();
    await io.close();
    throw err;
  }
  const port = (http.address() as AddressInfo).port;

  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${shownHost}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    http,
    io,
    relay,
    port,
    url,
    loginUrl: `${url}/login?token=${encodeURIComponent(config.webToken)}`,
    setPageHandler(handle) {
      page = handle;
    },
    close() {
      closing ??= (async () => {
        relay.close();
        // Also closes the HTTP server (Node closes its idle keep-alive connections; requests in flight finish).
        await io.close();
      })();
      return closing;
    },
  };
}

function listen(http: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolveListen();
    });
  });
}

/** Headers every response carries: no framing, no referrer (URLs may hold the login token), no sniffing. */
function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}
