/**
 * Composition root of the unprivileged web server: config → Next.js (custom server) → session gate
 * → socket.io relay to the agent, all on one HTTP server. Run with `tsx server/web/main.ts`.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/protocol';
import { loadWebConfig, WebConfigError, type WebConfig } from './config';
import { createRelay } from './relay';
import { createSessionGate, sendJson } from './session';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Grace period for open sockets on shutdown before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 3_000;

const logErr = (line: string) => process.stderr.write(`cgdash web: ${line}\n`);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function main(): Promise<void> {
  const config = readConfig();
  if (!config.dev && !existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    logErr(`no production build in ${join(ROOT, '.next')}. Run \`npm run build\` first (or set CGDASH_DEV=1 for development mode).`);
    process.exit(1);
  }

  let handler: Handler = (_req, res) => sendJson(res, 503, { ok: false, error: { code: 'unavailable', message: 'The web server is starting.' } });
  const http = createServer((req, res) => handler(req, res));
  await listen(http, config.port, config.host);
  const port = (http.address() as AddressInfo).port;

  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    path: '/socket.io',
    serveClient: false,
    // Leave other upgrade requests (Next.js dev HMR) alone instead of closing them after 1 s.
    destroyUpgrade: false,
  });
  const gate = createSessionGate(config.webToken);
  const relay = createRelay(io, { agentUrl: config.agentUrl, agentToken: config.agentToken, isAuthenticated: gate.isAuthenticated, log: logErr });

  const app = next({ dev: config.dev, dir: ROOT, hostname: config.host, port, httpServer: http });
  await app.prepare();
  const handle = app.getRequestHandler();

  handler = (req, res) => {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz' && req.method === 'GET') return sendJson(res, 200, { ok: true, agent: { connected: relay.agentConnected() } });
    if (gate.handle(req, res, url)) return;
    handle(req, res).catch((err: unknown) => {
      logErr(`request ${url.pathname} failed: ${String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'The page failed to render.' } });
    });
  };

  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`cgdash web: login at http://${shownHost}:${port}/login?token=${encodeURIComponent(config.webToken)}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logErr(`${signal}: shutting down`);
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    relay.close();
    io.close(() => {
      void app.close().finally(() => process.exit(0));
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function readConfig(): Readonly<WebConfig> {
  try {
    return loadWebConfig();
  } catch (err) {
    if (err instanceof WebConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

function listen(http: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
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

main().catch((err: unknown) => {
  logErr(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
