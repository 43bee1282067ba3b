import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../test/helpers/test-parent';
import { ensureToken } from '../server/agent/token';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
/** Inside the VM: the agent's and the test-control server's TCP ports (forwarded from free host ports). */
const GUEST_AGENT_PORT = 7070;
const GUEST_CONTROL_PORT = 7071;

/**
 * Starts cgdash for the specs and hands them its URLs through the environment; returns the teardown.
 * - default: exactly as `npm start` does (scripts/start.ts --demo) on this host, on free loopback
 *   ports, with its own state dir and a cgdash-test-<random> parent;
 * - CGDASH_E2E_TARGET=vm: the agent and the demo tenants inside the cgroup v2 VM (e2e/vm/guest.ts via
 *   scripts/vm/run.sh), the web server on this host against the forwarded agent port, Chromium here.
 */
export default async function globalSetup() {
  return process.env.CGDASH_E2E_TARGET === 'vm' ? startInVm() : startOnHost();
}

async function startOnHost() {
  await sweepStaleTestParents();
  const parent = `cgdash-test-e2e${randomBytes(4).toString('hex')}`;
  registerTestParent(parent);
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-e2e-'));
  const child = spawn(process.execPath, [tsx, 'scripts/start.ts', '--demo'], {
    cwd: root,
    env: { ...process.env, CGDASH_PARENT: parent, CGDASH_STATE_DIR: stateDir, CGDASH_AGENT_PORT: '0', CGDASH_WEB_PORT: '0', CGDASH_WEB_HOST: '127.0.0.1', CGDASH_AGENT_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [agent, login] = await waitForLines(child, 'cgdash', 180_000, [/cgdash agent: listening on (\S+)/, /cgdash: ready\. Open (\S+)/]);
  setSpecEnv({ parent, stateDir, agent, login });

  return async () => {
    await stop(child);
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
  };
}

async function startInVm() {
  // The guest's cgroups vanish with the VM; the name only has to be a test parent's.
  const parent = `cgdash-test-e2e${randomBytes(4).toString('hex')}`;
  const results = mkdtempSync(join(tmpdir(), 'cgdash-e2e-vm-'));
  const webState = mkdtempSync(join(tmpdir(), 'cgdash-e2e-web-'));
  const [agentPort, controlPort] = [await freePort(), await freePort()];
  const controlToken = randomBytes(24).toString('hex');
  const vm = spawn('bash', [join(root, 'scripts/vm/run.sh'), '--timeout', process.env.CGDASH_V2_TIMEOUT || '1800', '--cwd', root,
    '--forward', `${agentPort}:${GUEST_AGENT_PORT}`, '--forward', `${controlPort}:${GUEST_CONTROL_PORT}`,
    '--env', `CGDASH_PARENT=${parent}`, '--env', 'CGDASH_STATE_DIR=/run/cgdash-vm/state',
    '--env', 'CGDASH_AGENT_HOST=0.0.0.0', '--env', `CGDASH_AGENT_PORT=${GUEST_AGENT_PORT}`,
    '--env', `CGDASH_E2E_CONTROL_PORT=${GUEST_CONTROL_PORT}`, '--env', `CGDASH_E2E_CONTROL_TOKEN=${controlToken}`,
    '--', process.execPath, '--import', 'tsx', 'e2e/vm/guest.ts'], {
    cwd: root, env: { ...process.env, CGDASH_VM_RESULTS: results }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLines(vm, 'the v2 VM', 600_000, [/cgdash-e2e-guest: control (listening)/, /cgdash: (ready)\. Agent at/], true);
  const agent = `http://127.0.0.1:${agentPort}`;
  const agentToken = readFileSync(join(results, 'state', 'agent.token'), 'utf8').trim();
  const web = spawn(process.execPath, [tsx, 'server/web/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', HOME: webState,
      CGDASH_WEB_HOST: '127.0.0.1', CGDASH_WEB_PORT: '0', CGDASH_STATE_DIR: webState,
      CGDASH_AGENT_URL: agent, CGDASH_AGENT_TOKEN: agentToken, CGDASH_WEB_TOKEN: ensureToken(webState, 'web.token'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [login] = await waitForLines(web, 'the web server', 120_000, [/cgdash web: login at (\S+)/], true);
  setSpecEnv({ parent, stateDir: join(results, 'state'), agent, login });
  process.env.CGDASH_E2E_CONTROL_URL = `http://127.0.0.1:${controlPort}`;
  process.env.CGDASH_E2E_CONTROL_TOKEN = controlToken;

  return async () => {
    await stop(web);
    // Ask the guest to stop (the VM then ends by itself); only if it does not, end run.sh (it ends QEMU).
    await fetch(`http://127.0.0.1:${controlPort}/shutdown`, { method: 'POST', headers: { authorization: `Bearer ${controlToken}` }, signal: AbortSignal.timeout(5000) }).catch(() => {});
    await stop(vm, 60_000);
    rmSync(results, { recursive: true, force: true });
    rmSync(webState, { recursive: true, force: true });
  };
}

function setSpecEnv(o: { parent: string; stateDir: string; agent: string; login: string }) {
  process.env.CGDASH_E2E_PARENT = o.parent;
  process.env.CGDASH_E2E_STATE_DIR = o.stateDir;
  process.env.CGDASH_E2E_AGENT_URL = o.agent;
  process.env.CGDASH_E2E_LOGIN_URL = o.login;
  process.env.CGDASH_E2E_WEB_URL = new URL(o.login).origin;
}

/**
 * Resolves with the first capture group of each pattern once all have appeared on the child's stdout.
 * Keeps draining stdout afterwards (a full pipe would block the child); `echo` copies it to ours.
 */
function waitForLines(child: ChildProcess, what: string, timeoutMs: number, patterns: RegExp[], echo = false): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      if (echo) process.stdout.write(d);
      if (ready) return;
      out += d.toString();
      const found = patterns.map((p) => p.exec(out));
      if (found.every(Boolean)) { ready = true; clearTimeout(timer); resolve(found.map((m) => m![1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); if (!ready) reject(new Error(`${what} exited (${code}) during start:\n${out}`)); });
  });
}

/**
 * Ends a child we started, by its PID: waits up to `exitWithinMs` for it to exit by itself, then
 * SIGTERM, then SIGKILL 10 s later. Resolves once it has exited.
 */
function stop(child: ChildProcess, exitWithinMs = 0): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timers: NodeJS.Timeout[] = [];
    child.once('exit', () => { timers.forEach(clearTimeout); resolve(); });
    timers.push(setTimeout(() => child.kill('SIGTERM'), exitWithinMs));
    timers.push(setTimeout(() => child.kill('SIGKILL'), exitWithinMs + 10_000));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
