/**
 * Hostile and careless input against a real agent on this machine's cgroups: malformed request
 * targets, encoded path traversal, wrong JSON types, oversized bodies, socket.io misuse, floods and
 * races. Each test asserts the contract (clear 400/401/404/409 answers, nothing changed, the agent
 * still answering). Everything happens under a cgdash-test-<random> parent that is removed
 * afterwards; the only processes touched are the ones started here, killed by PID.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { RunningAgent } from '../../server/agent/main';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import type { CgroupDriver, CgroupLayout } from '../../server/agent/cgroupfs/driver';
import { SandboxService } from '../../server/agent/sandboxes/service';
import { BadInputError } from '../../server/agent/sandboxes/errors';
import type { Sampler } from '../../server/agent/sampler/sampler';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../helpers/test-parent';
import { startTestAgent } from '../helpers/test-agent';
import {
  isV2, kernelCpuQuotaUsec, kernelMemoryLimit, kernelMemoryUsage, kernelOomKills, kernelProcs, parentKernelFiles, sandboxDirs, timeFactor,
} from '../helpers/kernel-files';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends raw bytes to the agent and resolves with what came back once the server closes, or after `ms`. */
function rawHttp(url: string, data: string, ms = 1500): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = connect(Number(port), hostname);
    let out = '';
    const done = () => { clearTimeout(timer); sock.destroy(); resolve(out); };
    const timer = setTimeout(done, ms);
    sock.on('data', (d) => { out += d.toString('utf8'); });
    sock.on('error', done);
    sock.on('close', done);
    sock.write(data);
  });
}

/** Status code and JSON body of a raw HTTP/1.1 answer ("" status when nothing came back). */
function parseRaw(text: string): { status: number | null; json: { error?: string; code?: string } | null } {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  const body = text.split('\r\n\r\n')[1] ?? '';
  let json = null;
  try { json = body ? JSON.parse(body) : null; } catch { json = null; }
  return { status: m ? Number(m[1]) : null, json };
}

const isRoot = process.getuid?.() === 0;
const skip = !isRoot && process.env.CGDASH_REQUIRE_REAL_CGROUPS !== '1' ? 'needs root and real cgroups' : false;

describe('agent under attack on real cgroups', { skip }, () => {
  const parent = `cgdash-test-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-attack-'));
  const started: ChildProcess[] = [];
  const sockets: Socket[] = [];
  let agent: RunningAgent;
  let layout: CgroupLayout;
  let mounts: string[];
  let mountEntriesBefore: Map<string, Set<string>>;

  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> | null = {}) => {
    const res = await fetch(`${agent.url}${path}`, {
      method,
      headers: headers === null ? { 'content-type': 'application/json' } : { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const auth = () => `Authorization: Bearer ${agent.token}\r\n`;
  const sandboxes = async (): Promise<string[]> => (await api('GET', '/api/v1/sandboxes')).json.map((s: { name: string }) => s.name);
  /** The layout and parent the kernel-file readers (test/helpers/kernel-files.ts) need. */
  const lp = () => ({ layout, parent });
  /** Stretches waits (not measured bounds) on the emulated v2 lane: timeFactor() in kernel-files.ts. */
  const slow = () => timeFactor(lp());
  /** Children of the managed parent in every hierarchy (what the agent may have created). */
  const parentChildren = () => new Set(mounts.filter((m) => existsSync(join(m, parent)))
    .flatMap((m) => readdirSync(join(m, parent), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)));
  /** Runs `fn` and asserts the managed parent has the same children afterwards (independent of other tests' leftovers). */
  const createsNothing = async (fn: () => Promise<void>) => {
    const before = [...parentChildren()].sort();
    await fn();
    assert.deepEqual([...parentChildren()].sort(), before);
  };
  const assertHealthy = async () => {
    const h = await api('GET', '/healthz', undefined, null);
    assert.equal(h.status, 200);
    assert.equal(h.json.ok, true);
  };
  /** A clear error: a JSON body whose `error` is a sentence, never a stack or an empty string. */
  const assertClearError = (r: { status: number; json: { error?: unknown } | null }, status: number, pattern?: RegExp) => {
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(typeof r.json?.error, 'string');
    assert.ok((r.json!.error as string).length > 10 && !(r.json!.error as string).includes('\n    at '), String(r.json!.error));
    if (pattern) assert.match(r.json!.error as string, pattern);
  };
  /** `sh` that waits on stdin, so it can be moved before it starts working; killed by PID in after(). */
  const spawnGated = (script: string) => {
    const child = spawn('sh', ['-c', `read _ ; ${script}`], { stdio: ['pipe', 'ignore', 'ignore'] });
    started.push(child);
    return child;
  };
  const socket = async () => {
    const s = ioClient(agent.url, { auth: { token: agent.token }, reconnection: false, transports: ['websocket'] });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('socket.io did not connect')), 5000 * slow());
      s.once('connect', () => { clearTimeout(t); resolve(); });
    });
    return s;
  };

  before(async () => {
    await sweepStaleTestParents();
    registerTestParent(parent);
    layout = loadLayout('/');
    mounts = layout.kind === 'v2' ? [layout.unified!] : [...new Set(Object.values(layout.v1))];
    mountEntriesBefore = new Map([...new Set(mounts.map((m) => dirname(m)))].map((d) => [d, new Set(readdirSync(d))]));
    agent = await startTestAgent({ parent, stateDir, intervalMs: 250, name: 'agent-attack-test' });
  });

  after(async () => {
    for (const s of sockets) s.close();
    for (const p of started) if (p.pid !== undefined && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await agent?.close();
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('a request target that is not a URL gets an answer, and the agent keeps serving', async () => {
    for (const target of ['http://[', 'http://a:b:c/']) {
      const r = parseRaw(await rawHttp(agent.url, `GET ${target} HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`));
      assert.ok(r.status !== null && r.status >= 400 && r.status < 500, `no 4xx answer for ${target}`);
    }
    await assertHealthy();
  });

  test('encoded, raw and look-alike traversal in the URL answers 400 with the name rule, and creates nothing', async () => {
    await createsNothing(async () => {
      const segments = ['%2e%2e', '%2E%2e', '..', '..%2f..%2fetc', '%2e%2e%2fcpu', 'ab%2fcd', 'a%00b', 'a%0Ab', '%E2%80%A4%E2%80%A4', '%EF%BC%8E%EF%BC%8E', 'x'.repeat(65)];
      for (const seg of segments) {
        for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['POST', '/freeze'], ['POST', '/kill'], ['PATCH', '']] as const) {
          const body = method === 'PATCH' ? '{"cpuPercent":5}' : '';
          const text = await rawHttp(agent.url, `${method} /api/v1/sandboxes/${seg}${suffix} HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
          const r = parseRaw(text);
          assert.equal(r.status, 400, `${method} ${seg}${suffix}: ${text}`);
          assert.match(r.json?.error ?? '', /^Invalid sandbox name: /);
        }
      }
      assert.equal(parseRaw(await rawHttp(agent.url, `GET /api/v1/sandboxes/%ZZ HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`)).status, 400);
      await assertHealthy();
    });
  });

  test('hostile names in a create body answer 400 and create nothing anywhere', async () => {
    await createsNothing(async () => {
      const names: unknown[] = ['../../evil', '..', 'a/b', '/abs', 'a\nb', 'a\u0000b', 'ａｂｃ', '\u2024\u2024', 'é', ' lead', 'x'.repeat(65), 'a..b', '', 5, null, ['a'], { n: 1 }];
      for (const name of names) assertClearError(await api('POST', '/api/v1/sandboxes', { name }), 400);
      for (const m of mounts) assert.equal(existsSync(join(m, 'evil')), false);
    });
  });

  test('401 without a valid token on every route, and nothing is created', async () => {
    await createsNothing(async () => {
      const routes: Array<[string, string, unknown?]> = [
        ['GET', '/api/v1/sandboxes'], ['POST', '/api/v1/sandboxes', { name: 'noauth' }], ['GET', '/api/v1/host'],
        ['POST', '/api/v1/sandboxes/noauth/freeze'], ['DELETE', '/api/v1/sandboxes/noauth'], ['POST', '/api/v1/sandboxes/noauth/procs', { pid: 4_194_303 }],
      ];
      const badHeaders: Array<Record<string, string> | null> = [null, { authorization: 'Bearer wrong' }, { authorization: 'Bearer ' }, { authorization: `Basic ${agent.token}` }, { authorization: `Bearer ${agent.token}x` }];
      for (const [method, path, body] of routes) {
        for (const h of badHeaders) {
          const res = await fetch(`${agent.url}${path}`, { method, headers: { 'content-type': 'application/json', ...h }, body: body === undefined ? undefined : JSON.stringify(body) });
          assert.equal(res.status, 401, `${method} ${path} with ${JSON.stringify(h)}`);
          assert.match((await res.json()).error, /token/);
        }
      }
      // Duplicate Authorization headers: only the first one counts, a wrong first one is refused.
      const dup = parseRaw(await rawHttp(agent.url, `POST /api/v1/sandboxes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n${auth()}Content-Length: 17\r\nConnection: close\r\n\r\n{"name":"noauth"}`));
      assert.equal(dup.status, 401);
    });
  });

  test('an oversized body answers 400 without resetting the connection, and the next request works', async () => {
    await createsNothing(async () => {
      for (let i = 0; i < 3; i++) {
        const r = await api('POST', '/api/v1/sandboxes', JSON.stringify({ name: 'big', pad: 'x'.repeat(200_000) }));
        assertClearError(r, 400, /larger than 65536 bytes/);
        assert.equal((await api('GET', '/api/v1/sandboxes')).status, 200);
      }
    });
  });

  test('a long memory string is refused at once with a clear message (no regex backtracking)', async () => {
    await createsNothing(async () => {
      const t0 = performance.now();
      const r = await api('POST', '/api/v1/sandboxes', { name: 'redos', memoryBytes: `1${' '.repeat(60_000)}x` });
      const tookMs = performance.now() - t0;
      assertClearError(r, 400, /at most 32 characters/);
      assert.ok(tookMs < 1000, `took ${tookMs.toFixed(0)} ms`);
      assert.ok(r.json.error.length < 200, 'the error must not echo the whole input');
    });
  });

  test('wrong JSON types and values answer 400 and leave the kernel files as they were', async () => {
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'types1', cpuPercent: 20, memoryBytes: '64M' })).status, 201);
    const quota = kernelCpuQuotaUsec(lp(), 'types1');
    const limit = kernelMemoryLimit(lp(), 'types1');
    assert.equal(limit, 64n * 2n ** 20n);
    const bad = [
      '{"cpuPercent":"50"}', '{"cpuPercent":-0}', '{"cpuPercent":0}', '{"cpuPercent":1e308}', '{"cpuPercent":100.0001}', '{"cpuPercent":true}', '{"cpuPercent":[50]}',
      '{"memoryBytes":"0"}', '{"memoryBytes":"-1"}', '{"memoryBytes":"1e3"}', '{"memoryBytes":"  "}', '{"memoryBytes":"9999999T"}', '{"memoryBytes":""}',
      '{"memoryBytes":0}', '{"memoryBytes":-1}', '{"memoryBytes":1.5}', '{"memoryBytes":9007199254740992}', '{"memoryBytes":{}}',
      '{"cpuPercent":30,"memoryBytes":"lots"}', '{"cpuPercent":30,"extra":1}', '{"__proto__":{"cpuPercent":30}}', '{}',
      'null', '[]', '"str"', '42', '{not json', '{"cpuPercent":30',
    ];
    for (const body of bad) assertClearError(await api('PATCH', '/api/v1/sandboxes/types1', body), 400);
    assert.equal(kernelCpuQuotaUsec(lp(), 'types1'), quota);
    assert.equal(kernelMemoryLimit(lp(), 'types1'), limit);
    for (const m of ['PUT', 'DELETE', 'PATCH']) assertClearError(await api(m, '/api/v1/sandboxes'), 400, /not allowed/);
    assert.equal((await api('DELETE', '/api/v1/sandboxes/types1')).status, 204);
  });

  test('POST procs refuses pids that cannot exist or are malformed with 400, before any write', async () => {
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'pids1' })).status, 201);
    for (const pid of ['"12"', '1.5', '-1', '0', '1e20', '1099511627776', '4194304', '4194305', 'null', 'true', '[1]']) {
      assertClearError(await api('POST', '/api/v1/sandboxes/pids1/procs', `{"pid":${pid}}`), 400, /pid/);
    }
    assertClearError(await api('POST', '/api/v1/sandboxes/pids1/procs', '{"pid":4194303,"x":1}'), 400);
    // Below the PID limit but at or above this machine's pid_max, so no process can have it: the
    // kernel's ESRCH, reported as such. (Never a PID that may belong to a process we did not start.)
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    if (pidMax < 4_194_304) {
      const r = await api('POST', '/api/v1/sandboxes/pids1/procs', { pid: pidMax });
      assertClearError(r, 409, /does not exist/);
      assert.equal(r.json.errno, 'ESRCH');
    }
    assert.deepEqual(kernelProcs(lp(), 'pids1'), []);
    assert.equal((await api('DELETE', '/api/v1/sandboxes/pids1')).status, 204);
  });

  test('a name that is one of the parent\'s kernel files is refused with a true message, and nothing is left', async () => {
    // Each layout's own file names: v1's cpu hierarchy has tasks, cpu.shares, …; a v2 directory has
    // cpu.max, memory.max, … and no `tasks` (checked below: there it is an ordinary name).
    const names = isV2(lp()) ? ['cgroup.procs', 'cpu.max', 'memory.max', 'cgroup.freeze'] : ['tasks', 'cpu.shares', 'cgroup.procs', 'cpu.cfs_quota_us'];
    const files = parentKernelFiles(lp());
    for (const name of names) assert.ok(files.includes(name), `${name} is not a kernel file of the parent: ${files.join(' ')}`);
    await createsNothing(async () => {
      for (const name of names) {
        assertClearError(await api('POST', '/api/v1/sandboxes', { name }), 409, /kernel file of that name/);
        assert.equal((await api('GET', `/api/v1/sandboxes/${name}`)).status, 404);
      }
    });
    if (isV2(lp())) {
      // v2 has no `tasks` file in a non-root group (cgroup.threads replaced it): the name is free.
      assert.ok(!files.includes('tasks'));
      assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'tasks' })).status, 201);
      assert.equal((await api('DELETE', '/api/v1/sandboxes/tasks')).status, 204);
    }
  });

  test('concurrent creates of one name: exactly one 201, the others 409, one sandbox', async () => {
    const rs = await Promise.all(Array.from({ length: 12 }, () => api('POST', '/api/v1/sandboxes', { name: 'race1', cpuPercent: 10 })));
    assert.deepEqual(rs.map((r) => r.status).sort(), [201, ...Array(11).fill(409)]);
    for (const r of rs.filter((x) => x.status === 409)) assert.match(r.json.error, /already exists/);
    assert.equal((await sandboxes()).filter((n) => n === 'race1').length, 1);
    assert.equal((await api('DELETE', '/api/v1/sandboxes/race1')).status, 204);
  });

  test('freeze/kill of an empty group, remove of a frozen group, a busy DELETE, and two racing DELETEs', async () => {
    await api('POST', '/api/v1/sandboxes', { name: 'life1' });
    assert.deepEqual((await api('POST', '/api/v1/sandboxes/life1/freeze')).json, { freezer: 'frozen' });
    assert.deepEqual((await api('POST', '/api/v1/sandboxes/life1/kill')).json, { killed: 0 });
    assert.equal((await api('DELETE', '/api/v1/sandboxes/life1')).status, 204, 'an empty frozen group can be removed');

    await api('POST', '/api/v1/sandboxes', { name: 'life2' });
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    started.push(sleeper);
    assert.equal((await api('POST', '/api/v1/sandboxes/life2/procs', { pid: sleeper.pid })).status, 200);
    assert.equal((await api('POST', '/api/v1/sandboxes/life2/freeze')).status, 200);
    // A DELETE of a group with processes is refused at once, saying how many it has.
    const busy = await api('DELETE', '/api/v1/sandboxes/life2');
    assert.equal(busy.status, 409);
    assert.match(busy.json.error, /still has 1 process/);
    assert.equal((await api('POST', '/api/v1/sandboxes/life2/kill')).json.killed, 1);
    // Two DELETEs race: one removes the group, the other must say it is gone (it once answered
    // 409 "The kernel refused to rmdir .: ENOENT").
    const d1 = api('DELETE', '/api/v1/sandboxes/life2');
    const d2 = api('DELETE', '/api/v1/sandboxes/life2');
    const statuses = (await Promise.all([d1, d2])).map((r) => r.status).sort();
    assert.deepEqual(statuses, [204, 404]);
    for (const dir of sandboxDirs(lp(), 'life2')) assert.equal(existsSync(dir), false, dir);
    await assertHealthy();
  });

  test('a PATCH with a memory limit below what cannot be reclaimed: v1 refuses it (409 EBUSY) and puts the CPU limit back; v2 applies both and OOM-kills', async () => {
    await api('POST', '/api/v1/sandboxes', { name: 'patch1' });
    const holder = spawnGated(`exec ${JSON.stringify(process.execPath)} -e "globalThis.b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => {}, 1000)"`);
    assert.equal((await api('POST', '/api/v1/sandboxes/patch1/procs', { pid: holder.pid })).status, 200);
    holder.stdin!.end('go\n');
    for (let i = 0; i < 100 * slow() && kernelMemoryUsage(lp(), 'patch1') < 60n * 2n ** 20n; i++) await sleep(50);
    assert.ok(kernelMemoryUsage(lp(), 'patch1') >= 60n * 2n ** 20n, 'the holder touched its 64 MiB');
    const quota = kernelCpuQuotaUsec(lp(), 'patch1');
    const oomBefore = kernelOomKills(lp(), 'patch1');
    const r = await api('PATCH', '/api/v1/sandboxes/patch1', { cpuPercent: 7, memoryBytes: '4M' });
    if (isV2(lp())) {
      // v2 never refuses memory.max below usage: it reclaims, then OOM-kills inside the group
      // (cgroup-v2.rst, memory.max). Nothing was refused, so both limits stay as written.
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(kernelMemoryLimit(lp(), 'patch1'), 4n * 2n ** 20n);
      assert.notEqual(kernelCpuQuotaUsec(lp(), 'patch1'), quota);
      assert.ok(Math.abs(r.json.cpu.limitPercent - 7) < 0.01, JSON.stringify(r.json.cpu));
      for (let i = 0; i < 100 * slow() && holder.exitCode === null && holder.signalCode === null; i++) await sleep(50);
      assert.equal(holder.signalCode, 'SIGKILL', 'the holder was OOM-killed');
      assert.ok(kernelOomKills(lp(), 'patch1') > oomBefore, 'memory.events oom_kill counts it');
    } else {
      assertClearError(r, 409, /memory\.limit_in_bytes.*EBUSY/);
      assert.equal(r.json.errno, 'EBUSY');
      assert.equal(kernelCpuQuotaUsec(lp(), 'patch1'), quota, 'the CPU limit must be put back');
      assert.equal(holder.exitCode, null, 'a refused limit kills nothing');
      assert.equal(kernelOomKills(lp(), 'patch1'), oomBefore);
    }
    assert.equal((await api('POST', '/api/v1/sandboxes/patch1/kill')).status, 200);
    assert.equal((await api('DELETE', '/api/v1/sandboxes/patch1')).status, 204);
  });

  test('processes exiting between listing and reading never break GET or the detail stream', async () => {
    await api('POST', '/api/v1/sandboxes', { name: 'churn1' });
    const churn = spawnGated('while :; do /bin/true; done');
    assert.equal((await api('POST', '/api/v1/sandboxes/churn1/procs', { pid: churn.pid })).status, 200);
    churn.stdin!.end('go\n');
    const s = await socket();
    let details = 0;
    s.on('samples:sandbox', () => { details++; });
    assert.equal((await s.timeout(5000 * slow()).emitWithAck('subscribe:sandbox', { name: 'churn1' })).ok, true);
    for (let i = 0; i < 10; i++) assert.equal((await api('GET', '/api/v1/sandboxes/churn1')).status, 200);
    await sleep(800 * slow());
    assert.ok(details >= 2, `detail samples: ${details}`);
    assert.equal((await api('POST', '/api/v1/sandboxes/churn1/kill')).status, 200);
    // Removed while subscribed: the subscriber keeps its overview stream, the agent keeps sampling.
    assert.equal((await api('DELETE', '/api/v1/sandboxes/churn1')).status, 204);
    const batch = await new Promise<{ sandboxes: Array<{ name: string }> }>((resolve) => s.once('samples:overview', resolve));
    assert.ok(!batch.sandboxes.some((x) => x.name === 'churn1'));
    await assertHealthy();
  });

  test('socket.io: malformed commands are answered with bad_request, never left hanging', async () => {
    await createsNothing(async () => {
      const s = await socket();
      const ack = (ev: string, ...args: unknown[]) => s.timeout(3000 * slow()).emitWithAck(ev, ...args);
      for (const payload of [null, 'x', 42, [], { name: '../x' }, { name: 'a', percent: '50' }, { name: 'a', extra: 1 }]) {
        const a = await ack('sandbox:freeze', payload);
        assert.equal(a.ok, false);
        assert.equal(a.error.code, 'bad_request', JSON.stringify(a));
      }
      const two = await ack('sandbox:create', { name: 'two1' }, { name: 'two2' });
      assert.equal(two.error.code, 'bad_request');
      assert.match(two.error.message, /exactly one payload/);
      const unknown = await ack('sandbox:explode', { name: 'x' });
      assert.equal(unknown.error.code, 'bad_request');
      assert.match(unknown.error.message, /Unknown command "sandbox:explode"/);
      const pid = await ack('sandbox:movePid', { name: 'x', pid: 2 ** 40 });
      assert.equal(pid.error.code, 'bad_request');
      // Without an ack callback a command cannot be answered, so it is not run at all.
      s.emit('sandbox:create', { name: 'noack1' });
      s.emit('sandbox:create');
      await sleep(300);
      assert.ok(s.connected);
      await assertHealthy();
    });
  });

  test('socket.io: 1000 commands at once are all answered and the agent stays responsive', async () => {
    const s = await socket();
    assert.equal((await s.timeout(5000 * slow()).emitWithAck('sandbox:create', { name: 'flood1' })).ok, true);
    const t0 = performance.now();
    const events = ['sandbox:freeze', 'sandbox:thaw', 'subscribe:sandbox', 'unsubscribe:sandbox', 'sandbox:setCpuLimit', 'sandbox:nope'];
    const acks = await Promise.all(Array.from({ length: 1000 }, (_, i) => {
      const ev = events[i % events.length];
      const payload = ev === 'sandbox:setCpuLimit' ? { name: 'flood1', percent: 1 + (i % 50) } : i % 7 === 0 ? { name: '../bad' } : { name: 'flood1' };
      return s.timeout(15_000 * slow()).emitWithAck(ev, payload);
    }));
    assert.equal(acks.length, 1000);
    for (const a of acks) assert.ok(a.ok === true || ['bad_request'].includes(a.error.code), JSON.stringify(a));
    // 1000 commands take ~1 s here; the emulated v2 lane gets its time factor.
    assert.ok(performance.now() - t0 < 15_000 * slow(), `took ${(performance.now() - t0).toFixed(0)} ms`);
    await assertHealthy();
    assert.equal((await s.timeout(5000 * slow()).emitWithAck('sandbox:thaw', { name: 'flood1' })).ok, true);
    assert.equal((await s.timeout(5000 * slow()).emitWithAck('sandbox:remove', { name: 'flood1' })).ok, true);
  });

  test('nothing was created outside the managed parent', () => {
    // The directory above the mounts (a tmpfs on v1) changes only when a hierarchy is mounted.
    for (const [dir, before] of mountEntriesBefore) assert.deepEqual(readdirSync(dir).filter((e) => !before.has(e)), [], dir);
    // The hierarchy roots belong to the whole machine; look only for what the attacks above aimed at.
    for (const m of mounts) {
      for (const e of ['evil', 'etc', 'abs', 'cd', 'b', 'x', 'noauth', 'noack1', 'two1', 'redos', 'big']) assert.equal(existsSync(join(m, e)), false, join(m, e));
    }
  });
});

describe('SandboxService.movePid() refuses PID 1 and the agent itself before touching the driver', () => {
  const moved: Array<[string, number]> = [];
  const driver = {
    movePid: async (name: string, pid: number) => { moved.push([name, pid]); },
    exists: async () => true,
  } as unknown as CgroupDriver;
  const svc = new SandboxService(driver, {} as Sampler, 1);

  test('movePid() throws BadInputError for pid 1 and for process.pid, and moves nothing', async () => {
    await assert.rejects(svc.movePid('s1', 1), (e) => e instanceof BadInputError && /PID 1/.test(e.message));
    await assert.rejects(svc.movePid('s1', process.pid), (e) => e instanceof BadInputError && /agent itself/.test(e.message));
    assert.deepEqual(moved, []);
    await svc.movePid('s1', 4242);
    assert.deepEqual(moved, [['s1', 4242]]);
  });
});
