/**
 * The web relay end to end with real processes only: a real agent on real cgroups (under its own
 * cgdash-test-<random> parent), the web server's HTTP server + session gate + relay without Next.js
 * (server/web/server.ts), and socket.io-client sockets that connect the way a browser does (websocket,
 * session cookie, Origin). Covers auth, relaying of samples and commands, that the agent token never
 * reaches a browser, and recovery when the agent or the web server restarts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { startAgent, type RunningAgent } from '../../server/agent/main';
import { createLogger } from '../../server/agent/log';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import type { CgroupLayout } from '../../server/agent/cgroupfs/driver';
import { startWebServer, type RunningWebServer } from '../../server/web/server';
import { deriveSessionKey, SESSION_COOKIE, signSession } from '../../server/web/session';
import type { AgentStatus, ClientToServerEvents, OverviewBatch, SandboxDetail, ServerToClientEvents } from '../../lib/protocol';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../helpers/test-parent';
import { kernelCpuQuotaUsec, timeFactor } from '../helpers/kernel-files';

type Browser = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
/** An Ack read loosely, so tests can look at `data` or `error` without narrowing first. */
interface LooseAck { ok: boolean; data: any; error: { code: string; message: string } }
/** Commands are sent untyped so that payloads and acks can be inspected as plain JSON. */
interface Untyped { emitWithAck(event: string, payload: unknown): Promise<LooseAck> }

/** Stretches every wait below on the emulated v2 lane (timeFactor() in kernel-files.ts); set in before(). */
let slow = 1;

/** Rejects after `ms` (× slow) unless `p` settles first: a hung wait fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  ms *= slow;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The first `event` on `sock` whose payload passes `match`, or a rejection after `ms`. */
function nextEvent<T>(sock: ClientSocket, event: string, ms = 5_000, match: (v: T) => boolean = () => true): Promise<T> {
  let listener: ((v: T) => void) | undefined;
  const seen = new Promise<T>((resolve) => {
    listener = (v: T) => { if (match(v)) resolve(v); };
    sock.on(event, listener);
  });
  const result = within(seen, ms, `event ${event}`).finally(() => sock.off(event, listener));
  // Armed waits may be abandoned when an earlier assertion fails; their timeout must not become an
  // unhandled rejection after the test ended. Awaiting `result` still sees the rejection.
  result.catch(() => {});
  return result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isRoot = process.getuid?.() === 0;
const skip = !isRoot && process.env.CGDASH_REQUIRE_REAL_CGROUPS !== '1' ? 'needs root and real cgroups' : false;

describe('web relay between browser sockets and a real agent', { skip }, () => {
  const parent = `cgdash-test-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-relay-'));
  const webToken = randomBytes(32).toString('hex');
  const cookie = `${SESSION_COOKIE}=${signSession(deriveSessionKey(webToken), Date.now())}`;
  const agentLog = createLogger('agent-relay-test', 'error');
  const sockets: ClientSocket[] = [];
  /** Every payload a browser socket received (events, acks, connect errors), serialized. */
  const received: string[] = [];
  let layout: CgroupLayout;
  let agent: RunningAgent | undefined;
  let agentPort = 0;
  let web: RunningWebServer | undefined;
  let webPort = 0;
  let browser: Browser;

  const runAgent = async (port: number) => {
    agent = await startAgent({ hostRoot: '/', parent, intervalMs: 250, host: '127.0.0.1', port, stateDir, logLevel: 'error' }, agentLog);
    return agent;
  };
  const runWeb = async (port: number) => {
    const a = agent!;
    web = await startWebServer({ host: '127.0.0.1', port, agentUrl: a.url, agentToken: a.token, webToken });
    // Stands in for Next.js: only reached by requests the session gate lets through.
    web.setPageHandler(async (_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('page'); });
    return web;
  };
  /** A socket.io-client configured like lib/client/socket.ts, with the headers a browser would send. */
  const connectBrowser = (headers: Record<string, string>, reconnection = true): Browser => {
    const sock: Browser = ioClient(web!.url, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: headers,
      reconnection,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    sock.onAny((event: string, ...args: unknown[]) => received.push(`${event} ${JSON.stringify(args)}`));
    sock.on('connect_error', (err) => received.push(`connect_error ${err.message}`));
    sockets.push(sock);
    return sock;
  };
  const command = async (sock: Browser, event: string, payload: unknown, ms = 5_000) => {
    const ack = await (sock.timeout(ms * slow) as unknown as Untyped).emitWithAck(event, payload);
    received.push(`ack ${event} ${JSON.stringify(ack)}`);
    return ack;
  };
  const refused = async (headers: Record<string, string>) => {
    const sock = connectBrowser(headers, false);
    try {
      return await nextEvent<Error>(sock, 'connect_error');
    } finally {
      sock.close();
    }
  };
  /** CFS quota in µs, null = unlimited (v1 cpu.cfs_quota_us, v2 cpu.max: see kernel-files.ts). */
  const cpuQuota = (name: string) => kernelCpuQuotaUsec({ layout, parent }, name);
  /** The agent's CPU count (from its batches): limits are % of the whole machine. */
  let cpuCount = 0;
  const cpus = () => cpuCount;
  const assertNoTokenLeak = () => {
    assert.ok(received.length > 0);
    const leaks = received.filter((s) => s.includes(agent!.token));
    assert.deepEqual(leaks, [], 'a browser received the agent token');
  };

  before(async () => {
    await within(sweepStaleTestParents(), 10_000, 'sweep');
    registerTestParent(parent);
    layout = await loadLayout('/');
    slow = timeFactor({ layout });
    const a = await within(runAgent(0), 10_000, 'agent start');
    agentPort = Number(new URL(a.url).port);
    webPort = (await within(runWeb(0), 5_000, 'web start')).port;
  });

  after(async () => {
    for (const s of sockets) s.close();
    await within(web?.close() ?? Promise.resolve(), 5_000, 'web close').catch((err) => console.error(err));
    await within(agent?.close() ?? Promise.resolve(), 5_000, 'agent close').catch((err) => console.error(err));
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('the session gate: the login URL sets the cookie, pages need it, /healthz reports the agent', async () => {
    const login = await fetch(web!.loginUrl, { redirect: 'manual' });
    assert.equal(login.status, 303);
    assert.match(login.headers.get('set-cookie') ?? '', new RegExp(`^${SESSION_COOKIE}=v1\\.\\d+\\.[\\w-]{43}; .*HttpOnly`));
    assert.equal((await fetch(`${web!.url}/`, { redirect: 'manual' })).status, 303);
    const page = await fetch(`${web!.url}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.equal(await page.text(), 'page');
    const health = await fetch(`${web!.url}/healthz`);
    const body = await health.text();
    assert.ok(!body.includes(agent!.token));
    assert.equal(JSON.parse(body).ok, true);
  });

  test('a socket without a valid session cookie, or from a foreign Origin, gets connect_error', async () => {
    const origin = web!.url;
    assert.match((await refused({ origin })).message, /unauthorized/);
    const [name, value] = cookie.split('=');
    const [ver, exp, sig] = value.split('.');
    assert.match((await refused({ origin, cookie: `${name}=${ver}.${Number(exp) + 1000}.${sig}` })).message, /unauthorized/);
    const otherKey = deriveSessionKey('x'.repeat(64));
    assert.match((await refused({ origin, cookie: `${name}=${signSession(otherKey, Date.now())}` })).message, /unauthorized/);
    assert.match((await refused({ origin: 'http://evil.example', cookie })).message, /Origin/);
    assert.match((await refused({ origin: `http://127.0.0.1:${webPort + 1}`, cookie })).message, /Origin/);
    assert.match((await refused({ cookie })).message, /Origin/);
  });

  test('an authenticated socket gets agent:status and relayed overview batches', async () => {
    browser = connectBrowser({ cookie, origin: web!.url });
    const status = nextEvent<AgentStatus>(browser, 'agent:status', 5_000, (s) => s.connected);
    const batch = await nextEvent<OverviewBatch>(browser, 'samples:overview');
    assert.ok(batch.host.cpuCount >= 1);
    cpuCount = batch.host.cpuCount;
    assert.equal(batch.host.layout, layout.kind);
    assert.deepEqual(await status, { connected: true, message: null });
    // Batches keep coming at the agent's interval (250 ms).
    await nextEvent<OverviewBatch>(browser, 'samples:overview', 2_000, (b) => b !== batch);
  });

  test('commands round-trip through the relay with their Ack, and reach the kernel', async () => {
    const bad = await command(browser, 'sandbox:setCpuLimit', { name: '../x', percent: 5 });
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, 'bad_request');
    const created = await command(browser, 'sandbox:create', { name: 'relay1' });
    assert.equal(created.ok, true, JSON.stringify(created));
    assert.equal(created.data.name, 'relay1');
    const set = await command(browser, 'sandbox:setCpuLimit', { name: 'relay1', percent: 25 });
    assert.equal(set.ok, true, JSON.stringify(set));
    assert.ok(Math.abs(set.data.cpu.limitPercent - 25) < 0.01);
    assert.equal(cpuQuota('relay1'), BigInt(25 * cpus() * 1000));
    const missing = await command(browser, 'sandbox:freeze', { name: 'ghost' });
    assert.equal(missing.error.code, 'not_found');
    const seen = await nextEvent<OverviewBatch>(browser, 'samples:overview', 3_000, (b) => b.sandboxes.some((s) => s.name === 'relay1'));
    assert.ok(seen);
  });

  test('subscribe:sandbox answers with a snapshot, then samples:sandbox updates follow', async () => {
    const sub = await command(browser, 'subscribe:sandbox', { name: 'relay1' });
    assert.equal(sub.ok, true, JSON.stringify(sub));
    assert.equal(sub.data.name, 'relay1');
    assert.deepEqual(sub.data.processes, []);
    const first = await nextEvent<SandboxDetail>(browser, 'samples:sandbox', 3_000, (d) => d.name === 'relay1');
    await nextEvent<SandboxDetail>(browser, 'samples:sandbox', 3_000, (d) => d.name === 'relay1' && d !== first);
    const unknown = await command(browser, 'subscribe:sandbox', { name: 'ghost' });
    assert.equal(unknown.error.code, 'not_found');
  });

  test('no payload a browser received contains the agent token', () => {
    assertNoTokenLeak();
  });

  test('agent restart: the browser sees it go and come back, and its streams resume by themselves', async () => {
    const down = nextEvent<AgentStatus>(browser, 'agent:status', 5_000, (s) => !s.connected);
    // A command racing with the shutdown is answered quickly either way, never left to the 10 s timeout.
    const racing = command(browser, 'sandbox:setMemoryLimit', { name: 'relay1', bytes: '64M' }, 3_000);
    await within(agent!.close(), 5_000, 'agent close');
    const raced = await racing;
    assert.ok(raced.ok || raced.error.code === 'unavailable', JSON.stringify(raced));
    const status = await down;
    assert.match(status.message ?? '', /agent/);

    const t0 = performance.now();
    const refusedAck = await command(browser, 'sandbox:setCpuLimit', { name: 'relay1', percent: 30 }, 2_000);
    assert.equal(refusedAck.ok, false);
    assert.equal(refusedAck.error.code, 'unavailable');
    assert.ok(performance.now() - t0 < 1_000, 'an unavailable agent must be reported at once, not after a timeout');

    // A second tab subscribes while the agent is gone: 'unavailable' now, the stream once it is back.
    const tab2 = connectBrowser({ cookie, origin: web!.url });
    const tab2Status = await nextEvent<AgentStatus>(tab2, 'agent:status');
    assert.equal(tab2Status.connected, false);
    await within(command(tab2, 'sandbox:create', { name: 'x' }).then((a) => assert.equal(a.error.code, 'unavailable')), 3_000, 'tab2 command');
    const early = await command(tab2, 'subscribe:sandbox', { name: 'relay1' });
    assert.equal(early.error.code, 'unavailable');
    await sleep(300);

    const up = nextEvent<AgentStatus>(browser, 'agent:status', 10_000, (s) => s.connected);
    const overview = nextEvent<OverviewBatch>(browser, 'samples:overview', 10_000);
    const detail = nextEvent<SandboxDetail>(browser, 'samples:sandbox', 10_000, (d) => d.name === 'relay1');
    const tab2Detail = nextEvent<SandboxDetail>(tab2, 'samples:sandbox', 10_000, (d) => d.name === 'relay1');
    const restarted = await within(runAgent(agentPort), 10_000, 'agent restart');
    assert.equal(Number(new URL(restarted.url).port), agentPort);
    assert.deepEqual(await up, { connected: true, message: null });
    const batch = await overview;
    assert.ok(batch.sandboxes.some((s) => s.name === 'relay1'));
    assert.equal((await detail).name, 'relay1');
    assert.equal((await tab2Detail).name, 'relay1');
    // And updates keep coming, not just the re-subscription snapshot.
    await nextEvent<SandboxDetail>(browser, 'samples:sandbox', 3_000, (d) => d.name === 'relay1');

    const set = await command(browser, 'sandbox:setCpuLimit', { name: 'relay1', percent: 30 });
    assert.equal(set.ok, true, JSON.stringify(set));
    assert.equal(cpuQuota('relay1'), BigInt(30 * cpus() * 1000));
    tab2.close();
  });

  test('web server restart: the browser socket reconnects by itself with its old cookie', async () => {
    const gone = nextEvent<string>(browser, 'disconnect', 5_000);
    await within(web!.close(), 5_000, 'web close');
    assert.equal(await gone, 'transport close');
    assert.equal(browser.active, true, 'the browser socket must keep trying');
    await sleep(300);

    const back = nextEvent<void>(browser, 'connect', 10_000);
    const up = nextEvent<AgentStatus>(browser, 'agent:status', 10_000, (s) => s.connected);
    await within(runWeb(webPort), 5_000, 'web restart');
    assert.equal(web!.port, webPort);
    await back;
    await up;
    await nextEvent<OverviewBatch>(browser, 'samples:overview', 5_000);
    const page = await fetch(`${web!.url}/`, { headers: { cookie } });
    assert.equal(page.status, 200, 'the old session cookie survives a restart');

    // The browser re-subscribes after a web restart (the new relay has no watchers); that works too.
    const sub = await command(browser, 'subscribe:sandbox', { name: 'relay1' });
    assert.equal(sub.ok, true);
    await nextEvent<SandboxDetail>(browser, 'samples:sandbox', 3_000, (d) => d.name === 'relay1');
    assert.equal((await command(browser, 'sandbox:setCpuLimit', { name: 'relay1', percent: null })).ok, true);
    assert.equal(cpuQuota('relay1'), null, 'unlimited: v1 -1, v2 max');
  });

  test('still no payload a browser received contains the agent token', () => {
    assertNoTokenLeak();
  });
});
