import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CgroupDriver } from '../driver';
import { CgroupParseError, isVanished, KernelRefusedError, SandboxConflictError, SandboxNotFoundError } from '../errors';
import { loadLayout } from '../layout';
import { createV2Driver } from '.';

/**
 * Driver tests on a copy of the HAND-MADE v2 tree (no v2 host was available; see its README):
 * bob has cpu.max 10000/100000, memory.max 80M, is frozen, had one OOM kill; carol is unlimited,
 * thawed and empty.
 */
const FIXTURE = join(import.meta.dirname, '../../../../test/fixtures/cgroupfs/v2-handmade-from-docs');

describe('v2 driver on the hand-made v2 tree', () => {
  let root: string;
  let driver: CgroupDriver;
  const path = (rel: string) => join(root, 'sys/fs/cgroup', rel);
  const file = (rel: string) => readFileSync(path(rel), 'utf8');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cgdash-v2-'));
    cpSync(FIXTURE, root, { recursive: true });
    driver = createV2Driver({ hostRoot: root, layout: loadLayout(root), parent: 'cgdash', cpuCount: 2 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('readStats() returns the counters of the frozen, limited sandbox (usage_usec × 1000 = ns)', async () => {
    assert.deepEqual(await driver.readStats('bob'), {
      identity: statSync(path('cgdash/bob'), { bigint: true }).ino,
      // cpu.stat usage_usec 1115718, user_usec 1098210, system_usec 17508, throttled_usec 930963: µs × 1000.
      cpuUsageNs: 1115718000n,
      cpuUserNs: 1098210000n,
      cpuSystemNs: 17508000n,
      nrPeriods: 11n,
      nrThrottled: 11n,
      throttledNs: 930963000n,
      cpuQuota: { quotaUsec: 10000n, periodUsec: 100000n },
      memoryUsageBytes: 262144n,
      memoryLimitBytes: 83886080n,
      inactiveFileBytes: 4096n,
      oomKills: 1n,
      memoryAnonBytes: 135168n,
      memoryFileBytes: 16384n,
      memoryKernelBytes: 73728n,
      memorySwapBytes: 8192n,
      memoryPeakBytes: 524288n,
      memorySoftLimitBytes: 67108864n,
      memoryFailcnt: null,
      memoryEvents: { high: 0n, max: 3n, oom: 1n },
      freezer: 'frozen',
      pids: 1,
      threads: 1,
      pidsLimit: 64n,
      io: { '8:0': { readBytes: 1459200n, writeBytes: 314773504n, readOps: 192n, writeOps: 353n } },
      pressure: {
        cpu: { some: { avg10: 12.5, avg60: 3.2 }, full: { avg10: 0, avg60: 0 } },
        memory: { some: { avg10: 0, avg60: 0.15 }, full: { avg10: 0, avg60: 0.1 } },
        io: { some: { avg10: 0, avg60: 0 }, full: { avg10: 0, avg60: 0 } },
      },
      // No cpuset files below the root: the root's cpuset.cpus.effective 0-3.
      cpusetCpus: 4,
    });
  });

  test('listChildren() returns the child groups below a sandbox as paths; listSandboxes() still only the sandboxes', async () => {
    assert.deepEqual(await driver.listChildren('bob'), ['bob/worker1']);
    assert.deepEqual(await driver.listChildren('carol'), []);
    assert.deepEqual(await driver.listSandboxes(), ['bob', 'carol']);
  });

  test('readChildStats() reads the core files of a child without controllers as numbers and nulls', async () => {
    const s = await driver.readChildStats('bob/worker1');
    assert.equal(s.identity, statSync(path('cgdash/bob/worker1'), { bigint: true }).ino);
    assert.deepEqual([s.cpuUsageNs, s.cpuUserNs, s.cpuSystemNs, s.nrPeriods, s.cpuQuota], [400000000n, 390000000n, 10000000n, null, null]);
    assert.deepEqual([s.memoryUsageBytes, s.memoryLimitBytes, s.pidsLimit, s.io], [null, null, null, null]);
    // Frozen because its parent is (cgroup.freeze 0, cgroup.events frozen 1); no processes of its own.
    assert.deepEqual([s.freezer, s.pids, s.threads, s.cpusetCpus], ['frozen', 0, 0, 4]);
    assert.deepEqual(await driver.listChildPids('bob/worker1'), []);
    await assert.rejects(driver.readStats('bob/worker1'), /escapes the managed parent/);
    await assert.rejects(driver.readChildStats('bob'), Error);
  });

  test('readStats() reads the own cpuset.cpus.effective of a group that has cpuset enabled', async () => {
    writeFileSync(path('cgdash/bob/cpuset.cpus.effective'), '2-3\n');
    assert.equal((await driver.readStats('bob')).cpusetCpus, 2);
    // A child without its own file inherits bob's.
    assert.equal((await driver.readChildStats('bob/worker1')).cpusetCpus, 2);
    unlinkSync(path('cpuset.cpus.effective'));
    assert.equal((await driver.readStats('carol')).cpusetCpus, null);
  });

  test('readStats() sums slab, kernel_stack, pagetables and percpu when memory.stat has no kernel line', async () => {
    const stat = path('cgdash/bob/memory.stat');
    writeFileSync(stat, readFileSync(stat, 'utf8').replace(/^kernel \d+\n/m, ''));
    // slab 24576 + kernel_stack 16384 + pagetables 24576 + percpu 0
    assert.equal((await driver.readStats('bob')).memoryKernelBytes, 65536n);
  });

  test('readStats() reports "max" pids/high as null, empty io.stat as no devices, and an old cpu.pressure without full', async () => {
    writeFileSync(path('cgdash/carol/cpu.pressure'), 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
    const s = await driver.readStats('carol');
    assert.deepEqual([s.pidsLimit, s.memorySoftLimitBytes, s.threads, s.io], [null, null, 0, {}]);
    assert.deepEqual(s.pressure.cpu, { some: { avg10: 0, avg60: 0 }, full: null });
  });

  test('readStats() reports "max" as null and the thawed state for the unlimited sandbox', async () => {
    const s = await driver.readStats('carol');
    assert.equal(s.cpuQuota, null);
    assert.equal(s.memoryLimitBytes, null);
    assert.equal(s.freezer, 'thawed');
    assert.equal(s.pids, 0);
  });

  test('readStats() says freezing when cgroup.freeze is 1 but cgroup.events is not yet frozen', async () => {
    writeFileSync(path('cgdash/bob/cgroup.events'), 'populated 1\nfrozen 0\n');
    assert.equal((await driver.readStats('bob')).freezer, 'freezing');
  });

  test('readStats() gives nulls without the cpu and memory controllers and throws on a garbled file', async () => {
    for (const f of ['cpu.max', 'memory.current', 'memory.max', 'memory.stat', 'memory.events', 'cgroup.freeze', 'memory.high', 'memory.peak',
      'memory.swap.current', 'pids.max', 'io.stat', 'cpu.pressure', 'memory.pressure', 'io.pressure']) unlinkSync(path(`cgdash/carol/${f}`));
    writeFileSync(path('cgdash/carol/cpu.stat'), 'usage_usec 5\nuser_usec 4\nsystem_usec 1\n');
    const s = await driver.readStats('carol');
    assert.equal(s.cpuUsageNs, 5000n);
    assert.deepEqual([s.nrPeriods, s.nrThrottled, s.cpuQuota, s.memoryUsageBytes, s.memoryLimitBytes, s.inactiveFileBytes, s.oomKills, s.freezer],
      [null, null, null, null, null, null, null, null]);
    assert.deepEqual([s.throttledNs, s.memoryAnonBytes, s.memoryKernelBytes, s.memorySwapBytes, s.memoryPeakBytes, s.memorySoftLimitBytes, s.pidsLimit, s.io],
      [null, null, null, null, null, null, null, null]);
    assert.deepEqual(s.memoryEvents, { high: null, max: null, oom: null });
    assert.deepEqual(s.pressure, { cpu: null, memory: null, io: null });
    assert.equal(s.cpuUserNs, 4000n);
    writeFileSync(path('cgdash/bob/memory.max'), 'unlimited\n');
    await assert.rejects(driver.readStats('bob'), (e) => e instanceof CgroupParseError && e.file === 'memory.max');
  });

  test('readStats() of a missing sandbox throws SandboxNotFoundError, which isVanished() accepts', async () => {
    await assert.rejects(driver.readStats('nobody'), (e) => e instanceof SandboxNotFoundError && isVanished(e));
  });

  test('listSandboxes() returns the sorted child groups', async () => {
    assert.deepEqual(await driver.listSandboxes(), ['bob', 'carol']);
  });

  test('setCpuQuota() writes cpu.max in one go, "max <period>" for unlimited, and returns the value read back', async () => {
    const q = { quotaUsec: 20000n, periodUsec: 50000n };
    assert.deepEqual(await driver.setCpuQuota('carol', q), q);
    assert.equal(file('cgdash/carol/cpu.max'), '20000 50000');
    assert.equal(await driver.setCpuQuota('bob', null), null);
    assert.equal(file('cgdash/bob/cpu.max'), 'max 100000');
  });

  test('setMemoryLimit() writes memory.max, "max" for unlimited, and returns the value read back', async () => {
    assert.equal(await driver.setMemoryLimit('carol', 52428800n), 52428800n);
    assert.equal(file('cgdash/carol/memory.max'), '52428800');
    assert.equal(await driver.setMemoryLimit('bob', null), null);
    assert.equal(file('cgdash/bob/memory.max'), 'max');
  });

  test('freeze() writes 1 to cgroup.freeze and returns once cgroup.events says frozen', async () => {
    writeFileSync(path('cgdash/carol/cgroup.events'), 'populated 0\nfrozen 1\n');
    assert.equal(await driver.freeze('carol'), 'frozen');
    assert.equal(file('cgdash/carol/cgroup.freeze'), '1');
  });

  test('freeze() that never completes unfreezes again and throws KernelRefusedError', async () => {
    await assert.rejects(driver.freeze('carol'), (e) => e instanceof KernelRefusedError && /freeze did not complete/.test(e.message));
    assert.equal(file('cgdash/carol/cgroup.freeze'), '0');
  });

  test('thaw() writes 0 to cgroup.freeze and returns once cgroup.events says not frozen', async () => {
    writeFileSync(path('cgdash/bob/cgroup.events'), 'populated 1\nfrozen 0\n');
    assert.equal(await driver.thaw('bob'), 'thawed');
    assert.equal(file('cgdash/bob/cgroup.freeze'), '0');
  });

  test('kill() writes 1 to cgroup.kill, and falls back to the signal loop without it', async () => {
    assert.equal(await driver.kill('carol'), 0);
    assert.equal(file('cgdash/carol/cgroup.kill'), '1');
    unlinkSync(path('cgdash/carol/cgroup.kill'));
    writeFileSync(path('cgdash/carol/cgroup.events'), 'populated 0\nfrozen 1\n');
    assert.equal(await driver.kill('carol'), 0);
  });

  test('ensureParent() enables the missing wanted controllers in one write, and leaves a complete root alone', async () => {
    await driver.ensureParent();
    assert.equal(file('cgdash/cgroup.subtree_control'), '+pids +io');
    assert.equal(file('cgroup.subtree_control'), 'cpuset cpu io memory pids\n');
  });

  test('create() makes the directory, create() again gives SandboxConflictError, remove() deletes it', async () => {
    await driver.create('dave');
    assert.ok(existsSync(path('cgdash/dave')));
    await assert.rejects(driver.create('dave'), SandboxConflictError);
    await assert.rejects(driver.create('bob'), SandboxConflictError);
    await driver.remove('dave');
    assert.ok(!existsSync(path('cgdash/dave')));
    await assert.rejects(driver.remove('dave'), SandboxNotFoundError);
  });

  test('movePid() writes the PID to the one cgroup.procs', async () => {
    await driver.movePid('carol', 4242);
    assert.equal(file('cgdash/carol/cgroup.procs'), '4242');
  });

  test('every method on a missing sandbox throws SandboxNotFoundError', async () => {
    for (const call of [
      () => driver.remove('nobody'), () => driver.movePid('nobody', 1), () => driver.freeze('nobody'), () => driver.thaw('nobody'),
      () => driver.kill('nobody'), () => driver.setCpuQuota('nobody', null), () => driver.setMemoryLimit('nobody', null), () => driver.listPids('nobody'),
    ]) await assert.rejects(call(), SandboxNotFoundError);
    assert.equal(await driver.exists('nobody'), false);
  });

  test('a name that would leave the managed parent is refused before any path is used', async () => {
    for (const name of ['..', '../cgdash', 'a/b', '', '.']) {
      await assert.rejects(driver.readStats(name), /escapes the managed parent/);
      await assert.rejects(driver.create(name), /escapes the managed parent/);
    }
  });
});
