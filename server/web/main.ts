/**
 * Composition root of the unprivileged web server: config → Next.js (custom server) → session gate
 * → socket.io relay to the agent, all on one HTTP server. Run with `tsx server/web/main.ts`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';
import { loadWebConfig, WebConfigError, type WebConfig } from './config';
import { startWebServer } from './server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Grace period for open sockets on shutdown before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 3_000;

const logErr = (line: string) => process.stderr.write(`cgdash web: ${line}\n`);

async function main(): Promise<void> {
  const config = readConfig();
  if (!config.dev && !existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    logErr(`no production build in ${join(ROOT, '.next')}. Run \`npm run build\` first (or set CGDASH_DEV=1 for development mode).`);
    process.exit(1);
  }

  // HTTP server + session gate + relay (server.ts); every request is answered 503 until Next.js is ready.
  const web = await startWebServer(config, { log: logErr });

  const app = next({ dev: config.dev, dir: ROOT, hostname: config.host, port: web.port, httpServer: web.http });
  await app.prepare();
  web.setPageHandler(app.getRequestHandler());

  process.stdout.write(`cgdash web: login at ${web.loginUrl}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logErr(`${signal}: shutting down`);
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    void web.close().then(() => {
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

main().catch((err: unknown) => {
  logErr(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
