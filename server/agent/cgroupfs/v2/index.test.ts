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
 * Driver tests on a copy of the v2 tree captured from Debian's 6.1 kernel in the VM (see its README):
 * bob has cpu.max 5000/100000 (5 % of the tree's 1 CPU), memory.max 80M, memory.high 64M, pids.max 64,
 * had one OOM kill, read 32 MiB from and wrote 8 MiB to the VM's scratch disk (254:0) with direct I/O
 * under an io.max rule, is frozen with `yes` in it, and holds bob/worker1 (a `sleep`, no controllers);
 * carol is unlimited, thawed and empty. The numbers below are the captured files' values.
 */
const FIXTURE = join(import.meta.dirname, '../../../../test/fixtures/cgroupfs/v2-debian12-6.1');

/**
 * A captured io.stat's counters per device, taken from the text with plain regexes (not parseIoStat):
 * what readStats() must report. Throws when a line lacks one of the four keys.
 */
function ioStatCounters(text: string): Record<string, { readBytes: bigint; writeBytes: bigint; readOps: bigint; writeOps: bigint }> {
  return Object.fromEntries(text.split('\n').filter(Boolean).map((line) => {
    const key = (k: string) => BigInt(new RegExp(` ${k}=(\\d+)`).exec(line)![1]);
    return [line.split(' ')[0], { readBytes: key('rbytes'), writeBytes: key('wbytes'), readOps: key('rios'), writeOps: key('wios') }];
  }));
}

describe('v2 driver on the captured v2-debian12-6.1 tree', () => {
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
      // cpu.stat usage_usec 6364359, user_usec 746795, system_usec 5617563, throttled_usec 1039611: µs × 1000.
      // (Mostly the OOM-killed hog's system time: copying /dev/zero through a pipe under emulation.)
      cpuUsageNs: 6364359000n,
      cpuUserNs: 746795000n,
      cpuSystemNs: 5617563000n,
      nrPeriods: 14n,
      nrThrottled: 12n,
      throttledNs: 1039611000n,
      cpuQuota: { quotaUsec: 5000n, periodUsec: 100000n },
      memoryUsageBytes: 495616n,
      memoryLimitBytes: 83886080n,
      inactiveFileBytes: 94208n,
      // memory.events oom_kill (the kernel counted 4 OOM events but killed once).
      oomKills: 1n,
      memoryAnonBytes: 73728n,
      memoryFileBytes: 180224n,
      memoryKernelBytes: 61440n,
      memorySwapBytes: 0n,
      // The hog filled bob up to memory.max before the OOM kill.
      memoryPeakBytes: 83886080n,
      memorySoftLimitBytes: 67108864n,
      memoryFailcnt: null,
      memoryEvents: { high: 0n, max: 134n, oom: 4n },
      freezer: 'frozen',
      // bob's own cgroup.procs/cgroup.threads: yes (worker1's sleep is in worker1's files).
      pids: 1,
      threads: 1,
      pidsLimit: 64n,
      // bob's io.stat line for the scratch disk (254:0), dbytes/dios not taken.
      io: ioStatCounters(file('cgdash/bob/io.stat')),
      pressure: {
        cpu: { some: { avg10: 27.38, avg60: 6.11 }, full: { avg10: 10.54, avg60: 1.97 } },
        memory: { some: { avg10: 0.47, avg60: 0.09 }, full: { avg10: 0.29, avg60: 0.06 } },
        // The direct I/O stalled bob's tasks for a moment.
        io: { some: { avg10: 0.72, avg60: 0.13 }, full: { avg10: 0.72, avg60: 0.13 } },
      },
      // No cpuset files below the root (cpuset is not enabled): the root's cpuset.cpus.effective "0".
      cpusetCpus: 1,
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
    // worker1's cpu.stat has only usage_usec 524, user_usec 524, system_usec 0 (no cpu controller below bob).
    assert.deepEqual([s.cpuUsageNs, s.cpuUserNs, s.cpuSystemNs, s.nrPeriods, s.cpuQuota], [524000n, 524000n, 0n, null, null]);
    assert.deepEqual([s.memoryUsageBytes, s.memoryLimitBytes, s.pidsLimit, s.io], [null, null, null, null]);
    assert.deepEqual(s.memoryEvents, { high: null, max: null, oom: null });
    // Frozen because its parent is (cgroup.freeze 0, cgroup.events frozen 1), with its sleep inside.
    assert.deepEqual([s.freezer, s.pids, s.threads, s.cpusetCpus], ['frozen', 1, 1, 1]);
    assert.deepEqual(s.pressure.cpu, { some: { avg10: 0.54, avg60: 0.09 }, full: { avg10: 0.54, avg60: 0.09 } });
    assert.deepEqual(await driver.listChildPids('bob/worker1'), [4194306]);
    assert.deepEqual(await driver.listPids('bob'), [4194305]);
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
    // slab 12784 + kernel_stack 0 + pagetables 28672 + percpu 0
    assert.equal((await driver.readStats('bob')).memoryKernelBytes, 41456n);
  });

  test('readStats() reports the captured io.stat line of the scratch disk: what bob\'s direct dd moved, per device', async () => {
    // The capture's dd in bob: 32 × 1 MiB direct reads of 254:0, then 8 × 1 MiB direct writes (see the README).
    // The counters come from the captured file; this checks they are the I/O the capture did, and that
    // the parent's io.stat (which counts its descendants) agrees.
    const want = ioStatCounters(file('cgdash/bob/io.stat'));
    assert.deepEqual(Object.keys(want), ['254:0']);
    assert.ok(want['254:0'].readBytes >= 32n * 1024n * 1024n && want['254:0'].writeBytes >= 8n * 1024n * 1024n, JSON.stringify(want, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
    assert.deepEqual((await driver.readStats('bob')).io, want);
    assert.deepEqual(ioStatCounters(file('cgdash/io.stat')), want, 'the parent counts bob\'s I/O and nothing else');
  });

  test('readStats() reports "max" pids/high as null, empty io.stat as no devices, and an old cpu.pressure without full', async () => {
    // carol did no I/O: io is enabled (the file exists) but lists no device.
    assert.equal(file('cgdash/carol/io.stat'), '');
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

  test('kill() falls back to the signal loop without cgroup.kill, and writes 1 to it when it is there', async () => {
    // cgroup.kill is write-only in the kernel, so the capture has none: the driver takes the fallback.
    assert.ok(!existsSync(path('cgdash/carol/cgroup.kill')));
    writeFileSync(path('cgdash/carol/cgroup.events'), 'populated 0\nfrozen 1\n');
    assert.equal(await driver.kill('carol'), 0);
    assert.ok(!existsSync(path('cgdash/carol/cgroup.kill')), 'the fallback must not create cgroup.kill');
    writeFileSync(path('cgdash/carol/cgroup.kill'), ''); // stands in for the kernel's write-only file
    writeFileSync(path('cgdash/carol/cgroup.events'), 'populated 0\nfrozen 0\n');
    assert.equal(await driver.kill('carol'), 0);
    assert.equal(file('cgdash/carol/cgroup.kill'), '1');
  });

  test('ensureParent() leaves the captured (complete) levels alone and enables only what a level lacks, in one write', async () => {
    // As captured: the driver had enabled cpu io memory pids at the root and in the parent.
    await driver.ensureParent();
    assert.equal(file('cgroup.subtree_control'), 'cpu io memory pids\n');
    assert.equal(file('cgdash/cgroup.subtree_control'), 'cpu io memory pids\n');
    // A parent where only cpu and memory are enabled (as an operator might leave it): pids and io are added.
    writeFileSync(path('cgdash/cgroup.subtree_control'), 'cpu memory\n');
    await driver.ensureParent();
    assert.equal(file('cgdash/cgroup.subtree_control'), '+pids +io');
    assert.equal(file('cgroup.subtree_control'), 'cpu io memory pids\n');
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
