/**
 * One command for the whole of cgdash on one host: builds the web app if needed, starts the agent (root)
 * and the web server (as an unprivileged user), prints the login URL. `--demo` also creates three
 * tenants with real load (bob burns CPU, alice grows memory, eve idles). `--agent-only` starts just the
 * agent (and the demo tenants), for a host whose dashboard runs elsewhere: the v2 VM lane's e2e run.
 * Ctrl-C stops every process this script started and leaves the cgroups as they are.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureToken } from '../server/agent/token';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const demo = process.argv.includes('--demo');
const agentOnly = process.argv.includes('--agent-only');
const env = process.env;
const stateDir = env.CGDASH_STATE_DIR || '/var/lib/cgdash';
const children: ChildProcess[] = [];
let stopping = false;

function log(msg: string) {
  process.stdout.write(`cgdash: ${msg}\n`);
}

/** Newest modification time under the folders that make up the web bundle. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['app', 'components', 'lib', 'public']) walk(join(root, d));
  for (const f of ['next.config.ts', 'package.json', 'postcss.config.mjs']) if (existsSync(join(root, f))) newest = Math.max(newest, statSync(join(root, f)).mtimeMs);
  return newest;
}

function buildIfNeeded() {
  const id = join(root, '.next', 'BUILD_ID');
  if (existsSync(id) && statSync(id).mtimeMs >= newestSource()) return;
  log('building the web app (next build) …');
  const r = spawnSync(join(root, 'node_modules/.bin/next'), ['build'], { cwd: root, stdio: 'inherit', env: { ...env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error('next build failed');
}

/** uid/gid of the user the web server runs as (CGDASH_WEB_USER, default "nobody"), when we are root. */
function webUser(): { uid: number; gid: number; name: string } | null {
  if (process.getuid?.() !== 0) return null;
  const name = env.CGDASH_WEB_USER || 'nobody';
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === name);
  if (!line) throw new Error(`CGDASH_WEB_USER "${name}" does not exist in /etc/passwd`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]), name };
}

/** Starts a child, echoes its output, resolves with the first stdout line matching `ready`. */
function startChild(name: string, args: string[], childEnv: Record<string, string | undefined>, ready: RegExp, user?: { uid: number; gid: number } | null): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], ...(user && { uid: user.uid, gid: user.gid }) });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      process.stdout.write(d);
      buf += d.toString();
      const m = ready.exec(buf);
      if (m) { resolve(m); buf = ''; }
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code, sig) => {
      reject(new Error(`${name} exited (${sig ?? code}) before it was ready`));
      if (!stopping) { log(`${name} exited (${sig ?? code}); stopping`); void shutdown(1); }
    });
  });
}

async function api(agentUrl: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${agentUrl}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/**
 * Creates (or reuses) a demo tenant and starts its load inside it, through the agent's own API. The
 * shell waits on stdin until it has been moved, then execs the load: on v1 memory is charged where a
 * page is first touched, so the load must start inside the sandbox, not be moved in after.
 */
async function startTenant(agentUrl: string, token: string, name: string, limits: object, shellCmd: string, cmdEnv: Record<string, string> = {}) {
  const r = await api(agentUrl, token, 'POST', '/api/v1/sandboxes', { name, ...limits });
  if (r.status === 409) {
    // Left from an earlier run: reset its limits to the demo's, whatever an operator set since.
    const p = await api(agentUrl, token, 'PATCH', `/api/v1/sandboxes/${name}`, limits);
    if (p.status !== 200) throw new Error(`resetting demo tenant ${name}: ${p.json?.error}`);
  } else if (r.status !== 201) throw new Error(`creating demo tenant ${name}: ${r.json?.error}`);
  const proc = spawn('sh', ['-c', `read _ ; exec ${shellCmd}`], { stdio: ['pipe', 'ignore', 'ignore'], env: { ...env, ...cmdEnv } });
  children.push(proc);
  const m = await api(agentUrl, token, 'POST', `/api/v1/sandboxes/${name}/procs`, { pid: proc.pid });
  if (m.status !== 200) throw new Error(`moving demo load into ${name}: ${m.json?.error}`);
  proc.stdin!.end('go\n');
  log(`demo tenant ${name}: ${shellCmd} (pid ${proc.pid})`);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping the processes this command started (cgroups are left as they are)');
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    process.exit(code);
  }, 1500).unref();
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r)))));
  process.exit(code);
}

async function main() {
  if (process.getuid?.() !== 0) throw new Error('the agent needs root to manage cgroups: run `sudo npm start` (or `sudo npm run demo`)');
  if (!agentOnly) buildIfNeeded();
  const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
  const agentToken = ensureToken(stateDir, 'agent.token');
  const [, agentUrl] = await startChild('agent', [tsx, 'server/agent/main.ts'], { ...env, CGDASH_STATE_DIR: stateDir }, /cgdash agent: listening on (\S+)/);
  const loginUrl = agentOnly ? null : await startWeb(tsx, agentUrl, agentToken);
  if (demo) {
    const unlimited = { cpuPercent: null, memoryBytes: null };
    await startTenant(agentUrl, agentToken, 'bob', unlimited, 'yes > /dev/null');
    // alice grows to ~180 MiB of buffers (+ ~45 MiB of Node itself) under 256 MiB: near her limit, not over it.
    await startTenant(agentUrl, agentToken, 'alice', { ...unlimited, memoryBytes: '256M' },
      `${process.execPath} --expose-gc ${join(root, 'scripts/demo/mem-grower.mjs')}`, { TARGET_MIB: '180' });
    await startTenant(agentUrl, agentToken, 'eve', { ...unlimited, cpuPercent: 25 }, 'sleep infinity');
  }
  log(loginUrl ? `ready. Open ${loginUrl}` : `ready. Agent at ${agentUrl} (token in ${join(stateDir, 'agent.token')}); no web server (--agent-only)`);
  log('Ctrl-C stops it.');
}

/** Starts the web server (as CGDASH_WEB_USER when root) against the agent; resolves with its login URL. */
async function startWeb(tsx: string, agentUrl: string, agentToken: string): Promise<string> {
  const webToken = ensureToken(stateDir, 'web.token');
  const user = webUser();
  const webEnv: Record<string, string | undefined> = {
    PATH: env.PATH, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', HOME: '/tmp',
    CGDASH_WEB_HOST: env.CGDASH_WEB_HOST, CGDASH_WEB_PORT: env.CGDASH_WEB_PORT, CGDASH_STATE_DIR: stateDir,
    CGDASH_AGENT_URL: agentUrl, CGDASH_AGENT_TOKEN: agentToken, CGDASH_WEB_TOKEN: webToken,
  };
  const webReady = startChild('web', [tsx, 'server/web/main.ts'], webEnv, /cgdash web: login at (\S+)/, user);
  if (user) log(`web server runs as user ${user.name} (uid ${user.uid}); only the agent runs as root`);
  const [, loginUrl] = await webReady;
  return loginUrl;
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
main().catch((err) => {
  process.stderr.write(`cgdash: ${err instanceof Error ? err.message : String(err)}\n`);
  void shutdown(1);
});
