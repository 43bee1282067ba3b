import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { loadAgentConfig, type AgentConfig } from './config';
import { createLogger, type Logger } from './log';
import { loadLayout } from './cgroupfs/layout';
import { createDriver } from './cgroupfs/create-driver';
import { HostReader, ProcessReader, readClockTicks, readOnlineCpus } from './procfs/read';
import { startSampler } from './sampler/sampler';
import { systemClock } from './sampler/clock';
import { SandboxService } from './sandboxes/service';
import { ensureToken } from './token';
import { createHttpHandler } from './transport/http/routes';
import { createPublishers, createSocketTransport, registerHandlers, watchedSandboxes } from './transport/socket';

export interface RunningAgent {
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Composition root: config → layout → driver → sampler → service → transports. */
export async function startAgent(config: AgentConfig, log: Logger = createLogger('agent', config.logLevel)): Promise<RunningAgent> {
  const token = ensureToken(config.stateDir, 'agent.token');
  const layout = await loadLayout(config.hostRoot);
  const cpuCount = readOnlineCpus(config.hostRoot);
  const driver = createDriver({ hostRoot: config.hostRoot, layout, parent: config.parent, cpuCount });
  await driver.ensureParent();

  // A client gets 30 s to send a whole request (Node's default is 300 s): slow bodies cannot pin sockets.
  const http = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 });
  const io = createSocketTransport(http, token, log);
  const sampler = startSampler({
    driver,
    host: new HostReader(config.hostRoot, layout.kind, cpuCount),
    processes: new ProcessReader(config.hostRoot, readClockTicks()),
    clock: systemClock,
    intervalMs: config.intervalMs,
    cpuCount,
    log,
    detailNames: () => watchedSandboxes(io),
    ...createPublishers(io),
  });
  const svc = new SandboxService(driver, sampler, cpuCount);
  registerHandlers(io, svc, sampler, log);
  const handle = createHttpHandler(svc, sampler, token, log);
  http.on('request', (req, res) => {
    if (req.url?.startsWith('/socket.io/')) return; // socket.io answers these itself
    void handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info(`listening on ${url} (layout ${layout.kind}, ${cpuCount} CPUs, parent "${config.parent}", every ${config.intervalMs} ms)`);
  return {
    url,
    token,
    close: async () => {
      sampler.stop();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

async function main(): Promise<void> {
  let config: AgentConfig;
  try {
    config = loadAgentConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  if (process.getuid?.() !== 0 && config.hostRoot === '/') {
    process.stderr.write('cgdash agent: needs root to write cgroup files (run with sudo).\n');
    process.exit(2);
  }
  const log = createLogger('agent', config.logLevel);
  const agent = await startAgent(config, log);
  process.stdout.write(`cgdash agent: listening on ${agent.url} (token in ${config.stateDir}/agent.token)\n`);
  const stop = () => {
    log.info('stopping');
    void agent.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    process.stderr.write(`cgdash agent: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
