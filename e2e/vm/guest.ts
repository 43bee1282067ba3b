/**
 * Runs inside the cgroup v2 VM for the e2e suite's VM run (e2e/global-setup.ts with
 * CGDASH_E2E_TARGET=vm, started through scripts/vm/run.sh). It starts the agent and the demo tenants
 * exactly as operators do (scripts/start.ts --agent-only --demo), and a small test-control server
 * through which the specs on the host read this guest's kernel files (e2e/kernel-probe.ts) and start
 * tenant load inside this guest. Both listen on the guest's eth0; run.sh forwards host ports to them.
 *
 * Test-only: the control server starts processes as root, so every request needs the random token
 * global-setup passed in (CGDASH_E2E_CONTROL_TOKEN), and it is reachable only from the host's
 * loopback through QEMU's restricted user network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import { PROBES, isProbeName } from '../kernel-probe';

const env = (key: string) => {
  const v = process.env[key];
  if (!v) throw new Error(`${key} is not set (e2e/global-setup.ts passes it through scripts/vm/run.sh --env)`);
  return v;
};
const token = Buffer.from(env('CGDASH_E2E_CONTROL_TOKEN'));
const port = Number(env('CGDASH_E2E_CONTROL_PORT'));
const tp = { layout: loadLayout('/'), parent: env('CGDASH_PARENT') };
const root = join(import.meta.dirname, '..', '..');
const log = (msg: string) => process.stdout.write(`cgdash-e2e-guest: ${msg}\n`);

/** Tenant load started for the specs, by PID: only these can be released or killed through /kill. */
const loads = new Map<number, ChildProcess>();

const agent = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts', '--agent-only', '--demo'], {
  cwd: root, stdio: ['ignore', 'inherit', 'inherit'],
});
agent.once('exit', (code, sig) => { log(`start.ts exited (${sig ?? code})`); shutdown(code ?? 1); });

function shutdown(code: number) {
  for (const p of loads.values()) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  if (agent.exitCode === null && agent.signalCode === null) {
    agent.removeAllListeners('exit');
    agent.once('exit', () => process.exit(code));
    agent.kill('SIGTERM');
    setTimeout(() => process.exit(code), 5000).unref();
  } else process.exit(code);
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  const parsed: unknown = text ? JSON.parse(text) : {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function ownLoad(b: Record<string, unknown>): ChildProcess {
  const p = loads.get(Number(b.pid));
  if (!p) throw new Error(`pid ${String(b.pid)} was not started through /spawn`);
  return p;
}

const routes: Record<string, (b: Record<string, unknown>) => unknown> = {
  '/probe': (b) => {
    if (!isProbeName(b.probe) || typeof b.name !== 'string') throw new Error('probe needs {probe, name}');
    return { value: PROBES[b.probe](tp, b.name) };
  },
  // Same shape as e2e/fixtures.ts on the host: sh waits on stdin until it is in the sandbox, then execs yes.
  '/spawn': () => {
    const p = spawn('sh', ['-c', 'read _ ; exec yes > /dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
    loads.set(p.pid!, p);
    p.once('exit', () => loads.delete(p.pid!));
    return { pid: p.pid };
  },
  '/release': (b) => { ownLoad(b).stdin!.end('go\n'); return { released: true }; },
  '/kill': (b) => {
    const p = loads.get(Number(b.pid));
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    return { killed: !!p };
  },
  '/shutdown': () => { setTimeout(() => shutdown(0), 50); return { stopping: true }; },
};

createServer(async (req, res) => {
  const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  const send = (status: number, json: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
  if (auth.length !== token.length || !timingSafeEqual(auth, token)) return send(401, { error: 'bad token' });
  const route = req.method === 'POST' ? routes[req.url ?? ''] : undefined;
  if (!route) return send(404, { error: `no ${req.method} ${req.url}` });
  try {
    send(200, route(await body(req)));
  } catch (err) {
    send(400, { error: err instanceof Error ? err.message : String(err) });
  }
}).listen(port, '0.0.0.0', () => log(`control listening on ${port}`));

process.once('SIGTERM', () => shutdown(0));
