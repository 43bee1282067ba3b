/**
 * The agent end to end over its two transports, on real cgroups of this machine: HTTP JSON API and
 * socket.io, under a cgdash-test-<random> parent that is removed afterwards, also when a test fails.
 * Kernel files are read through test/helpers/kernel-files.ts, so the same tests run on v1 (here) and
 * on a real v2 kernel (`npm run test:v2`, scripts/vm/).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as ioClient } from 'socket.io-client';
import type { RunningAgent } from '../../server/agent/main';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import type { CgroupLayout } from '../../server/agent/cgroupfs/driver';
import type { OverviewBatch } from '../../lib/protocol';
import { isV2, kernelCpuQuotaUsec, kernelFrozen, kernelMemoryLimit, kernelMemoryUsage, kernelOomKills, kernelProcs, sandboxDirs } from '../helpers/kernel-files';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../helpers/test-parent';
import { startTestAgent } from '../helpers/test-agent';
import { agentRequest } from '../helpers/agent-http';

/**
 * Upper bound for one event or ack. Generous: answers take milliseconds here, but the v2 lane runs
 * this file under an emulated CPU (scripts/vm/), where a busy host can stretch them to seconds.
 */
const WAIT_MS = 20_000;

/** Resolves with the first `event` from `sock`, or rejects after `ms` (a hung wait must not skip cleanup). */
function nextEvent<T>(sock: { once(ev: string, fn: (v: T) => void): unknown }, event: string, ms = WAIT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    sock.once(event, (v: T) => { clearTimeout(timer); resolve(v); });
  });
}

const isRoot = process.getuid?.() === 0;
const skip = !isRoot && process.env.CGDASH_REQUIRE_REAL_CGROUPS !== '1' ? 'needs root and real cgroups' : false;

describe('agent over HTTP and socket.io on real cgroups', { skip }, () => {
  const parent = `cgdash-test-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-agent-'));
  const started: ChildProcess[] = [];
  let agent: RunningAgent;
  let layout: CgroupLayout;

  const api = (method: string, path: string, body?: unknown, token: string | null = agent.token) =>
    agentRequest(agent.url, token, method, path, body);
  /** The layout and parent the kernel-file readers need. */
  const lp = () => ({ layout, parent });
  const spawnYes = () => {
    const p = spawn('sh', ['-c', 'exec yes > /dev/null'], { stdio: 'ignore' });
    started.push(p);
    return p;
  };

  before(async () => {
    await sweepStaleTestParents();
    registerTestParent(parent);
    layout = await loadLayout('/');
    agent = await startTestAgent({ parent, stateDir, intervalMs: 250, name: 'agent-test' });
  });

  after(async () => {
    for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await agent?.close();
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('GET /healthz answers without a token; the API answers 401 without or with a wrong token', async () => {
    assert.equal((await api('GET', '/healthz', undefined, null)).status, 200);
    const none = await api('GET', '/api/v1/sandboxes', undefined, null);
    assert.equal(none.status, 401);
    assert.match(none.json.error, /token/);
    assert.equal((await api('GET', '/api/v1/sandboxes', undefined, 'wrong')).status, 401);
  });

  test('the token file is created with mode 0600', () => {
    assert.equal(statSync(join(stateDir, 'agent.token')).mode & 0o777, 0o600);
  });

  test('POST /api/v1/sandboxes refuses bad names with 400 and creates nothing', async () => {
    for (const name of ['../evil', 'a/b', '..', '.hidden', '', 'x'.repeat(65), 'a..b']) {
      const r = await api('POST', '/api/v1/sandboxes', { name });
      assert.equal(r.status, 400, `name ${JSON.stringify(name)}`);
      assert.equal(typeof r.json.error, 'string');
    }
    assert.equal(existsSync(join(isV2(lp()) ? layout.unified! : layout.v1.cpu!, 'evil')), false);
    assert.equal((await api('GET', '/api/v1/sandboxes')).json.length, 0);
    assert.equal((await api('POST', '/api/v1/sandboxes', '{not json')).status, 400);
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'ok1', memoryBytes: '80Q' })).status, 400);
    assert.equal((await api('GET', '/api/v1/sandboxes/ok1')).status, 404, 'a bad memory size must not leave a sandbox behind');
  });

  test('POST creates a sandbox with limits that the kernel files hold, and answers 201 with them read back', async () => {
    const r = await api('POST', '/api/v1/sandboxes', { name: 'web1', cpuPercent: 5, memoryBytes: '80M' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.memory.limitBytes, 80 * 1024 * 1024);
    assert.ok(Math.abs(r.json.cpu.limitPercent - 5) < 0.01);
    assert.equal(kernelMemoryLimit(lp(), 'web1'), 80n * 1024n * 1024n);
    const cpus = Number(readFileSync('/sys/devices/system/cpu/online', 'utf8').trim().split('-').pop()) + 1;
    assert.equal(kernelCpuQuotaUsec(lp(), 'web1'), BigInt(5 * cpus * 1000));
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'web1' })).status, 409);
  });

  test('a sandbox object has the documented fields; unlimited limits are null', async () => {
    await api('POST', '/api/v1/sandboxes', { name: 'plain' });
    const s = (await api('GET', '/api/v1/sandboxes')).json.find((x: { name: string }) => x.name === 'plain');
    assert.equal(s.cpu.limitPercent, null);
    assert.equal(s.memory.limitBytes, null);
    for (const key of ['usagePercent', 'usageCores']) assert.ok(key in s.cpu);
    for (const key of ['usageBytes', 'workingSetBytes', 'oomKills']) assert.ok(key in s.memory);
    assert.equal(s.frozen, false);
    assert.equal(s.pids, 0);
  });

  test('PATCH validates all input before writing any, and null removes a limit', async () => {
    assert.equal((await api('PATCH', '/api/v1/sandboxes/web1', { cpuPercent: 0 })).status, 400);
    assert.equal((await api('PATCH', '/api/v1/sandboxes/web1', { cpuPercent: 101 })).status, 400);
    assert.equal((await api('PATCH', '/api/v1/sandboxes/web1', { cpuPercent: 50, memoryBytes: 'lots' })).status, 400);
    assert.notEqual(kernelCpuQuotaUsec(lp(), 'web1'), null);
    assert.equal((await api('PATCH', '/api/v1/sandboxes/web1', { bogus: 1 })).status, 400);
    assert.equal((await api('PATCH', '/api/v1/sandboxes/nope', { cpuPercent: 10 })).status, 404);
    const r = await api('PATCH', '/api/v1/sandboxes/web1', { cpuPercent: null, memoryBytes: null });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.cpu.limitPercent, null);
    assert.equal(r.json.memory.limitBytes, null);
    assert.equal(kernelCpuQuotaUsec(lp(), 'web1'), null);
  });

  test('procs, process list, freeze, thaw, kill and delete work on a loaded sandbox', async () => {
    const yes = spawnYes();
    assert.equal((await api('POST', '/api/v1/sandboxes/web1/procs', { pid: yes.pid })).status, 200);
    assert.equal((await api('POST', '/api/v1/sandboxes/web1/procs', { pid: 'x' })).status, 400);
    const one = await api('GET', '/api/v1/sandboxes/web1');
    assert.equal(one.status, 200);
    const p = one.json.processes.find((x: { pid: number }) => x.pid === yes.pid);
    assert.ok(p, JSON.stringify(one.json.processes));
    assert.equal(p.command, 'yes');
    assert.equal(p.user, 'root');
    assert.ok(p.cpuPercent > 20, `a busy yes uses most of a core, got ${p.cpuPercent}`);
    assert.ok(p.rssBytes > 0);

    const fr = await api('POST', '/api/v1/sandboxes/web1/freeze');
    assert.deepEqual(fr.json, { freezer: 'frozen' });
    assert.equal(kernelFrozen(lp(), 'web1'), true);
    assert.equal((await api('GET', '/api/v1/sandboxes/web1')).json.frozen, true);
    assert.deepEqual((await api('POST', '/api/v1/sandboxes/web1/thaw')).json, { freezer: 'thawed' });

    assert.equal((await api('DELETE', '/api/v1/sandboxes/web1')).status, 409, 'a sandbox with processes cannot be removed');
    const k = await api('POST', '/api/v1/sandboxes/web1/kill');
    assert.equal(k.status, 200);
    assert.ok(k.json.killed >= 1);
    assert.deepEqual(kernelProcs(lp(), 'web1'), []);
    assert.equal((await api('DELETE', '/api/v1/sandboxes/web1')).status, 204);
    assert.equal((await api('GET', '/api/v1/sandboxes/web1')).status, 404);
    assert.equal((await api('POST', '/api/v1/sandboxes/web1/freeze')).status, 404);
  });

  test('a memory limit below what the kernel can reclaim: v1 answers 409 with the kernel\'s EBUSY; v2 accepts it and OOM-kills inside the sandbox', async () => {
    await api('POST', '/api/v1/sandboxes', { name: 'mem1' });
    const grower = spawn(process.execPath, [join(import.meta.dirname, '../../scripts/demo/mem-grower.mjs')], { stdio: 'ignore', env: { ...process.env, TARGET_MIB: '64' } });
    started.push(grower);
    await api('POST', '/api/v1/sandboxes/mem1/procs', { pid: grower.pid });
    // 10 s here is ample; a node process under the VM lane's emulated CPU needs longer to start.
    for (let i = 0; i < 300 && kernelMemoryUsage(lp(), 'mem1') < 40n * 1024n * 1024n; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(kernelMemoryUsage(lp(), 'mem1') >= 40n * 1024n * 1024n, 'the grower reached 40 MiB');
    if (isV2(lp())) {
      const oomBefore = kernelOomKills(lp(), 'mem1');
      const r = await api('PATCH', '/api/v1/sandboxes/mem1', { memoryBytes: '4M' });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.memory.limitBytes, 4 * 1024 * 1024);
      for (let i = 0; i < 100 && grower.exitCode === null && grower.signalCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(grower.signalCode, 'SIGKILL', 'the grower was OOM-killed');
      assert.ok(kernelOomKills(lp(), 'mem1') > oomBefore, 'memory.events oom_kill rose');
    } else {
      const r = await api('PATCH', '/api/v1/sandboxes/mem1', { memoryBytes: '4M' });
      assert.equal(r.status, 409, JSON.stringify(r.json));
      assert.equal(r.json.errno, 'EBUSY');
      assert.match(r.json.error, /memory\.limit_in_bytes.*EBUSY/);
    }
    grower.kill('SIGKILL');
  });

  test('a cgroup made by another tool appears within one sample, and disappears when removed', async () => {
    for (const dir of sandboxDirs(lp(), 'external')) mkdirSync(dir);
    await new Promise((r) => setTimeout(r, 600));
    const names = (await api('GET', '/api/v1/sandboxes')).json.map((s: { name: string }) => s.name);
    assert.ok(names.includes('external'), names.join(','));
    assert.equal((await api('DELETE', '/api/v1/sandboxes/external')).status, 204);
  });

  test('a GET right after a sampling round reports rates over at least half an interval, not over the few ms since the round', async () => {
    // yes held to 5 % of the machine by CFS: it runs in bursts (quota per 100 ms period), so CPU time
    // over a few ms is 0 or a whole core. A GET issued the moment a batch arrives must still say ~5 %.
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'rate1', cpuPercent: 5 })).status, 201);
    const yes = spawnYes();
    assert.equal((await api('POST', '/api/v1/sandboxes/rate1/procs', { pid: yes.pid })).status, 200);
    const sock = ioClient(agent.url, { auth: { token: agent.token }, reconnection: false });
    try {
      await nextEvent<OverviewBatch>(sock, 'samples:overview');
      await nextEvent<OverviewBatch>(sock, 'samples:overview'); // the sandbox now has two rounds behind it
      const seen: number[] = [];
      for (let i = 0; i < 6; i++) {
        await nextEvent<OverviewBatch>(sock, 'samples:overview');
        const got = await api('GET', '/api/v1/sandboxes/rate1');
        assert.equal(got.status, 200);
        seen.push(got.json.cpu.usagePercent);
      }
      // 250 ms windows hold 2 or 3 periods' quota (4–6 %); allow scheduling slack, not a 0 or a whole core.
      for (const v of seen) assert.ok(v !== null && v >= 2 && v <= 9, `usagePercent per GET: ${seen.join(', ')}`);
    } finally {
      sock.close();
      yes.kill('SIGKILL');
      await api('POST', '/api/v1/sandboxes/rate1/kill');
      await api('DELETE', '/api/v1/sandboxes/rate1');
    }
  });

  test('socket.io refuses a wrong token and streams overview batches with an ack for every command', async () => {
    const bad = ioClient(agent.url, { auth: { token: 'nope' }, reconnection: false });
    const err = await nextEvent<Error>(bad, 'connect_error');
    assert.match(err.message, /unauthorized/);
    bad.close();

    const sock = ioClient(agent.url, { auth: { token: agent.token }, reconnection: false });
    try {
      const batch = await nextEvent<OverviewBatch>(sock, 'samples:overview');
      assert.ok(batch.host.cpuCount >= 1);
      assert.equal(batch.host.layout, layout.kind);
      const badAck = await sock.timeout(WAIT_MS).emitWithAck('sandbox:setCpuLimit', { name: '../x', percent: 5 });
      assert.equal(badAck.ok, false);
      assert.equal(badAck.error.code, 'bad_request');
      const created = await sock.timeout(WAIT_MS).emitWithAck('sandbox:create', { name: 'sock1' });
      assert.equal(created.ok, true, JSON.stringify(created));
      const set = await sock.timeout(WAIT_MS).emitWithAck('sandbox:setCpuLimit', { name: 'sock1', percent: 25 });
      assert.equal(set.ok, true);
      assert.ok(Math.abs(set.data.cpu.limitPercent - 25) < 0.01);
      const mem = await sock.timeout(WAIT_MS).emitWithAck('sandbox:setMemoryLimit', { name: 'sock1', bytes: '64M' });
      assert.equal(mem.data.memory.limitBytes, 64 * 1024 * 1024);
      const sub = await sock.timeout(WAIT_MS).emitWithAck('subscribe:sandbox', { name: 'sock1' });
      assert.equal(sub.ok, true);
      assert.deepEqual(sub.data.processes, []);
      const detail = await nextEvent<{ name: string }>(sock, 'samples:sandbox');
      assert.equal(detail.name, 'sock1');
      // An unsubscribe sent while the subscribe is still reading its snapshot wins: no more details.
      const [resub, unsub] = await Promise.all([
        sock.timeout(WAIT_MS).emitWithAck('subscribe:sandbox', { name: 'sock1' }),
        sock.timeout(WAIT_MS).emitWithAck('unsubscribe:sandbox', { name: 'sock1' }),
      ]);
      assert.equal(resub.ok && unsub.ok, true);
      await new Promise((r) => setTimeout(r, 300)); // a detail already in flight may still land
      let late = 0;
      sock.on('samples:sandbox', () => late++);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(late, 0, 'details kept coming after unsubscribe');
      const missing = await sock.timeout(WAIT_MS).emitWithAck('sandbox:freeze', { name: 'ghost' });
      assert.equal(missing.error.code, 'not_found');
      assert.equal((await sock.timeout(WAIT_MS).emitWithAck('sandbox:remove', { name: 'sock1' })).ok, true);
    } finally {
      sock.close();
    }
  });
});
