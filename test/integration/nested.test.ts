/**
 * Nested sandboxes and the cpuset ceiling on real cgroups, through the agent's HTTP API, under a
 * cgdash-test-<random> parent that is removed afterwards (also when a test fails).
 *
 * The child groups are made here with mkdir, as `cgcreate -g cpu,cpuacct,memory,freezer,pids:...`
 * would, inside the test's own sandbox (on v2, after enabling cpu/memory/pids in the sandbox's
 * cgroup.subtree_control, as systemd or cgcreate do); the busy process is one this test started. In
 * the v1 cpuset hierarchy (which the agent never touches) the test makes its own `<parent>` and
 * `<parent>/pinned`, copying cpuset.cpus/mems from the level above first, as the kernel requires
 * before any task can join. On v2 it enables cpuset from the root down to the sandbox (the root only
 * when it was not enabled already, and put back afterwards). Everything made here is removed here,
 * before removeTestParent().
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningAgent } from '../../server/agent/main';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import type { CgroupLayout, V1Controller } from '../../server/agent/cgroupfs/driver';
import type { SandboxDetail, SandboxSample } from '../../lib/protocol';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../helpers/test-parent';
import { startTestAgent } from '../helpers/test-agent';
import { agentRequest } from '../helpers/agent-http';
import { isV2, kernelProcs, timeFactor } from '../helpers/kernel-files';

const isRoot = process.getuid?.() === 0;
const skip = !isRoot && process.env.CGDASH_REQUIRE_REAL_CGROUPS !== '1' ? 'needs root and real cgroups' : false;
const INTERVAL_MS = 250;
/** The controllers a `cgcreate -g cpu,cpuacct,memory,freezer,pids:` child gets on v1. */
const CHILD_CONTROLLERS: readonly V1Controller[] = ['cpu', 'cpuacct', 'memory', 'freezer', 'pids'];

describe('nested sandboxes and the cpuset ceiling through the agent on real cgroups', { skip }, () => {
  const parent = `cgdash-test-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-nested-'));
  const started: ChildProcess[] = [];
  /** Directories this test made itself, removed deepest first in after(). */
  const made: string[] = [];
  let agent: RunningAgent;
  let layout: CgroupLayout;

  const api = (method: string, path: string, body?: unknown) => agentRequest(agent.url, agent.token, method, path, body);
  const detail = async (name: string): Promise<SandboxDetail> => {
    const r = await api('GET', `/api/v1/sandboxes/${name}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as SandboxDetail;
  };
  const listed = async (name: string): Promise<SandboxSample> => {
    const r = await api('GET', '/api/v1/sandboxes');
    assert.equal(r.status, 200);
    return (r.json as SandboxSample[]).find((s) => s.name === name)!;
  };
  /** Where a child group of `path` (relative to the parent) lives: every hierarchy cgcreate would use. */
  const childDirs = (path: string): string[] =>
    layout.kind === 'v2' ? [join(layout.unified!, parent, path)] : CHILD_CONTROLLERS.flatMap((c) => (layout.v1[c] ? [join(layout.v1[c]!, parent, path)] : []));
  const makeDir = (dir: string) => { mkdirSync(dir); made.push(dir); };
  /** The layout and parent the kernel-file readers (test/helpers/kernel-files.ts) need. */
  const lp = () => ({ layout, parent });
  /** Stretches waits (not measured bounds) on the emulated v2 lane: timeFactor() in kernel-files.ts. */
  const slow = () => timeFactor(lp());
  /** On v2, a cgroup2 dir whose subtree_control this test changed with +cpuset only because it was not enabled yet (the root). */
  let cpusetEnabledAt: string | null = null;
  const subtreeControl = (dir: string) => readFileSync(join(dir, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/).filter(Boolean);
  const removeDir = async (dir: string) => {
    for (let i = 0; ; i++) {
      try { rmdirSync(dir); break; } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY' || i === 7) throw err;
        await sleep(10 * 2 ** i); // a just-killed task pins the group for a moment
      }
    }
    made.splice(made.indexOf(dir), 1);
  };
  /** Starts a busy loop (our own process) and moves it into `dirs` (each hierarchy) before it starts working. */
  const startBusyIn = (dirs: string[]) => {
    const child = spawn('sh', ['-c', 'read _ ; while :; do :; done'], { stdio: ['pipe', 'ignore', 'ignore'] });
    started.push(child);
    for (const dir of dirs) writeFileSync(join(dir, 'cgroup.procs'), String(child.pid));
    child.stdin!.end('go\n');
    return child;
  };
  const stop = async (child: ChildProcess) => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid!, 'SIGKILL');
      await exited;
    }
  };

  before(async () => {
    await sweepStaleTestParents();
    registerTestParent(parent);
    layout = loadLayout('/');
    agent = await startTestAgent({ parent, stateDir, intervalMs: INTERVAL_MS, name: 'nested-test' });
  });

  after(async () => {
    for (const p of started) await stop(p);
    for (const dir of [...made].sort((a, b) => b.length - a.length)) await removeDir(dir).catch((err) => console.error(`rmdir ${dir}:`, err));
    await agent?.close();
    await removeTestParent(parent);
    // Only after the parent (which had cpuset enabled below the root) is gone can the root give it up.
    if (cpusetEnabledAt !== null) writeFileSync(join(cpusetEnabledAt, 'cgroup.subtree_control'), '-cpuset');
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('a child group with a busy process appears in its sandbox within one sample, with its CPU inside the parent total; kill reaches it; it goes after rmdir', async (t) => {
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'tenant' })).status, 201);
    if (isV2(lp())) {
      // v2: a child group gets only the controllers its parent enables for children.
      writeFileSync(join(layout.unified!, parent, 'tenant', 'cgroup.subtree_control'), '+cpu +memory +pids');
      assert.deepEqual(subtreeControl(join(layout.unified!, parent, 'tenant')).sort(), ['cpu', 'memory', 'pids']);
    }
    const dirs = childDirs('tenant/worker1');
    for (const d of dirs) makeDir(d);
    const busy = startBusyIn(dirs);
    await sleep(2 * INTERVAL_MS * slow()); // one sampling round to see the child, one more for a rate
    const first = await listed('tenant');
    assert.deepEqual(first.children?.map((c) => c.name), ['tenant/worker1']);

    await sleep(4 * INTERVAL_MS * slow());
    const s = await detail('tenant');
    const child = s.children!.find((c) => c.name === 'tenant/worker1')!;
    // The rates of the sampling rounds over a window (each round once): one sample's parent and child
    // rates cover windows shifted by the time between the two reads, which on a contended (emulated)
    // CPU makes single samples of a busy loop differ by tens of percent; the sums do not.
    const rounds = new Map<number, [number, number]>();
    for (const end = Date.now() + 2000 * slow(); Date.now() < end; await sleep(INTERVAL_MS / 2)) {
      const l = await listed('tenant');
      const c = l.children?.find((x) => x.name === 'tenant/worker1');
      if (l.cpu.usageCores !== null && c?.cpu.usageCores != null) rounds.set(l.t, [l.cpu.usageCores, c.cpu.usageCores]);
    }
    assert.ok(rounds.size >= 4, `${rounds.size} sampling rounds with rates`);
    const parentSum = [...rounds.values()].reduce((a, [p]) => a + p, 0);
    const childSum = [...rounds.values()].reduce((a, [, c]) => a + c, 0);
    const cores = childSum / rounds.size;
    // One busy loop: about one core (less when the VM is contended), never more than the machine.
    assert.ok(cores > 0.3 && cores <= availableParallelism() + 0.05, `child usageCores ${cores} on average`);
    // The sandbox's counters include the child's (each read a moment apart, so allow 10 %).
    assert.ok(parentSum >= childSum * 0.9, `parent ${parentSum} vs child ${childSum} summed over ${rounds.size} rounds`);
    // Both layouts account the child's memory itself (v2: because memory is in tenant's subtree_control).
    assert.equal(typeof child.memory.usageBytes, 'number', JSON.stringify(child.memory));
    assert.ok(s.memory.usageBytes! >= child.memory.usageBytes!, `memory parent ${s.memory.usageBytes} vs child ${child.memory.usageBytes}`);
    assert.equal(child.pids, 1);
    assert.equal(s.pids, 1, 'pids of the sandbox count its child groups');
    assert.deepEqual(child.children, []);
    // The process list of the sandbox covers the child, and says where each process is.
    assert.deepEqual(s.processes.map((p) => [p.pid, p.cgroup]), [[busy.pid, 'tenant/worker1']]);
    t.diagnostic(`measured over ${rounds.size} rounds: child ${(cores * 100).toFixed(0)} % of a core, sandbox ${(parentSum / rounds.size * 100).toFixed(0)} %`);

    // Commands stay on sandboxes: a child path is not a sandbox name (refused before any cgroup is touched).
    const refused = await api('POST', `/api/v1/sandboxes/${encodeURIComponent('tenant/worker1')}/freeze`);
    assert.deepEqual([refused.status, refused.json.code], [400, 'bad_request']);
    assert.equal((await detail('tenant')).children![0].freezer, 'thawed');

    // DELETE is refused at once while a child group exists.
    const del = await api('DELETE', '/api/v1/sandboxes/tenant');
    assert.equal(del.status, 409);
    assert.match(del.json.error, /child groups .*tenant\/worker1/);

    // A process moved into the sandbox itself, next to its child group: v1 allows it; v2's
    // no-internal-process rule refuses it (EBUSY: tenant enables controllers for its children).
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    started.push(sleeper);
    const moved = await api('POST', '/api/v1/sandboxes/tenant/procs', { pid: sleeper.pid });
    if (isV2(lp())) {
      assert.equal(moved.status, 409, JSON.stringify(moved.json));
      assert.equal(moved.json.errno, 'EBUSY', JSON.stringify(moved.json));
      assert.deepEqual(kernelProcs(lp(), 'tenant'), []);
      await stop(sleeper);
    } else {
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
      assert.deepEqual(kernelProcs(lp(), 'tenant'), [sleeper.pid]);
    }

    const exited = new Promise((r) => busy.once('exit', r));
    // kill ends the child group's process too, and counts it (on v1 also the sleeper in tenant itself).
    assert.deepEqual(await api('POST', '/api/v1/sandboxes/tenant/kill'), { status: 200, json: { killed: isV2(lp()) ? 1 : 2 } });
    await exited;
    assert.equal(busy.signalCode, 'SIGKILL');
    if (!isV2(lp())) assert.equal(sleeper.signalCode ?? (await new Promise((r) => sleeper.once('exit', (_c, sig) => r(sig)))), 'SIGKILL');
    for (const d of dirs) await removeDir(d);
    await sleep(2 * INTERVAL_MS * slow());
    assert.deepEqual((await listed('tenant')).children, []);
    assert.deepEqual((await detail('tenant')).children, []);
  });

  test('a sandbox pinned to one CPU by its own cpuset group reports cpusetCpus 1 and an effective ceiling of one CPU', async (t) => {
    const online = availableParallelism();
    assert.ok(online >= 2, `pinning to one CPU only shows with 2 or more online CPUs, have ${online}`);
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'pinned' })).status, 201);
    // Without a cpuset group of its own, the root's CPUs (all of them) are the ceiling.
    const unpinned = await detail('pinned');
    assert.equal(unpinned.cpu.cpusetCpus, online);
    assert.equal(unpinned.cpu.effectiveLimitPercent, 100);

    let groupDir: string;
    if (isV2(lp())) {
      // v2: the sandbox's own cpuset.cpus, once cpuset is enabled from the root down to the parent
      // (the root only if it was not already; put back in after()). The agent never enables cpuset.
      const root = layout.unified!;
      if (!subtreeControl(root).includes('cpuset')) {
        writeFileSync(join(root, 'cgroup.subtree_control'), '+cpuset');
        cpusetEnabledAt = root;
      }
      writeFileSync(join(root, parent, 'cgroup.subtree_control'), '+cpuset');
      groupDir = join(root, parent, 'pinned');
      assert.equal(readFileSync(join(groupDir, 'cpuset.cpus.effective'), 'utf8').trim(), readFileSync(join(root, 'cpuset.cpus.effective'), 'utf8').trim());
      writeFileSync(join(groupDir, 'cpuset.cpus'), '0');
      assert.equal(readFileSync(join(groupDir, 'cpuset.cpus.effective'), 'utf8').trim(), '0');
    } else {
      const cpuset = layout.v1.cpuset;
      assert.ok(cpuset, 'no v1 cpuset hierarchy mounted');
      const copy = (from: string, to: string, file: string) => writeFileSync(join(to, file), readFileSync(join(from, file), 'utf8').trim() || '\n');
      const parentDir = join(cpuset, parent);
      groupDir = join(parentDir, 'pinned');
      if (!existsSync(parentDir)) makeDir(parentDir);
      copy(cpuset, parentDir, 'cpuset.cpus');
      copy(cpuset, parentDir, 'cpuset.mems');
      makeDir(groupDir);
      writeFileSync(join(groupDir, 'cpuset.cpus'), '0');
      copy(parentDir, groupDir, 'cpuset.mems');
    }

    const s = await detail('pinned');
    assert.equal(s.cpu.cpusetCpus, 1);
    assert.equal(s.cpu.effectiveLimitPercent, 100 / online);
    assert.equal(s.cpu.limitPercent, null);
    // A CPU quota below one CPU's share wins.
    assert.equal((await api('PATCH', '/api/v1/sandboxes/pinned', { cpuPercent: 10 })).status, 200);
    const limited = await detail('pinned');
    assert.equal(limited.cpu.effectiveLimitPercent, limited.cpu.limitPercent);
    t.diagnostic(`measured: ${online} online CPUs; pinned to 1 → effectiveLimitPercent ${s.cpu.effectiveLimitPercent}, with 10 % quota ${limited.cpu.effectiveLimitPercent}`);
    // v1: the test's own cpuset group goes; v2: the sandbox itself is the cpuset group (removed with the parent).
    if (!isV2(lp())) await removeDir(groupDir);
  });
});
