import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { CgroupDriver, DriverOptions } from '../driver';
import { CgroupParseError, isVanished, SandboxConflictError, SandboxNotFoundError } from '../errors';
import { detectLayout, loadLayout } from '../layout';
import { createV1Driver } from '.';

/**
 * Driver tests on a copy of the real capture (see its README): bob has a 10000/100000 µs quota,
 * an 80M limit, ran `yes` for ~1 s and was captured FROZEN; carol is unlimited, THAWED and empty.
 * Both also have a group in the hybrid host's unified (cgroup2) hierarchy, which the capture made
 * (cgdash never does) with bob's `yes` in it, so their pressure comes from real PSI files.
 * The capture rewrote bob's PID to 4194305 (above any possible pid_max), so signalling it can only
 * give ESRCH; kill() on bob is still not tested here, as a plain file never empties like cgroup.procs.
 */
const FIXTURE = join(import.meta.dirname, '../../../../test/fixtures/cgroupfs/v1-hybrid-debian12-6.18');
const CG = 'sys/fs/cgroup';

describe('v1 driver on the captured v1-hybrid-debian12-6.18 tree', () => {
  let root: string;
  let driver: CgroupDriver;
  const file = (controller: string, rel: string) => readFileSync(join(root, CG, controller, 'cgdash', rel), 'utf8');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cgdash-v1-'));
    cpSync(FIXTURE, root, { recursive: true });
    const opts: DriverOptions = { hostRoot: root, layout: loadLayout(root), parent: 'cgdash', cpuCount: 2 };
    driver = createV1Driver(opts);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('readStats() returns the captured counters of the frozen, limited sandbox', async () => {
    assert.deepEqual(await driver.readStats('bob'), {
      identity: statSync(join(root, CG, 'cpuacct/cgdash/bob'), { bigint: true }).ino,
      // cpuacct.usage, usage_user and usage_sys are ns as captured; cpu.stat throttled_time is ns too.
      cpuUsageNs: 106120210n,
      cpuUserNs: 56000000n,
      cpuSystemNs: 80000000n,
      nrPeriods: 13n,
      nrThrottled: 10n,
      throttledNs: 583055799n,
      cpuQuota: { quotaUsec: 10000n, periodUsec: 100000n },
      memoryUsageBytes: 262144n,
      memoryLimitBytes: 83886080n,
      inactiveFileBytes: 0n,
      oomKills: 0n,
      // memory.stat total_rss / total_cache / total_swap (swap accounting is on: the memsw files exist).
      memoryAnonBytes: 118784n,
      memoryFileBytes: 0n,
      memoryKernelBytes: 65536n,
      memorySwapBytes: 0n,
      memoryPeakBytes: 262144n,
      // memory.soft_limit_in_bytes 9223372036854771712 = page-aligned LONG_MAX = unlimited.
      memorySoftLimitBytes: null,
      memoryFailcnt: 0n,
      memoryEvents: { high: null, max: null, oom: null },
      freezer: 'frozen',
      pids: 1,
      threads: 1,
      pidsLimit: null,
      // blkio.throttle.io_service_bytes / io_serviced read "Total 0": no device listed yet.
      io: {},
      // unified/cgdash/bob/{cpu,memory,io}.pressure as captured: cpu "some/full avg10=4.16 avg60=0.75" from
      // the throttled 1 s run (full = some with one task), memory and io all 0.00.
      pressure: {
        cpu: { some: { avg10: 4.16, avg60: 0.75 }, full: { avg10: 4.16, avg60: 0.75 } },
        memory: { some: { avg10: 0, avg60: 0 }, full: { avg10: 0, avg60: 0 } },
        io: { some: { avg10: 0, avg60: 0 }, full: { avg10: 0, avg60: 0 } },
      },
      // The capture has no cpuset hierarchy (only the managed ones were copied).
      cpusetCpus: null,
    });
  });

  test('readStats() reads blkio throttle counters per device, Read and Write of bytes and operations', async () => {
    // Contents read on this machine (virtio disk 254:0) after dd bs=1M count=64 oflag=direct in a blkio group.
    writeFileSync(join(root, CG, 'blkio/cgdash/bob/blkio.throttle.io_service_bytes'),
      '254:0 Read 0\n254:0 Write 67108864\n254:0 Sync 67108864\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 67108864\nTotal 67108864\n');
    writeFileSync(join(root, CG, 'blkio/cgdash/bob/blkio.throttle.io_serviced'),
      '254:0 Read 0\n254:0 Write 128\n254:0 Sync 128\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 128\nTotal 128\n');
    assert.deepEqual((await driver.readStats('bob')).io, { '254:0': { readBytes: 0n, writeBytes: 67108864n, readOps: 0n, writeOps: 128n } });
    unlinkSync(join(root, CG, 'blkio/cgdash/bob/blkio.throttle.io_serviced'));
    assert.equal((await driver.readStats('bob')).io, null);
  });

  test('readStats() reads pressure from the group of the same path in the unified hierarchy only when it exists', async () => {
    const unified = join(root, CG, 'unified/cgdash/bob');
    // Real content of this machine's /sys/fs/cgroup/unified/cpu.pressure; memory.pressure without "full"
    // and no io.pressure, to see null per resource.
    writeFileSync(join(unified, 'cpu.pressure'), 'some avg10=1.14 avg60=15.86 avg300=25.18 total=716153180\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
    writeFileSync(join(unified, 'memory.pressure'), 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
    unlinkSync(join(unified, 'io.pressure'));
    assert.deepEqual((await driver.readStats('bob')).pressure, {
      cpu: { some: { avg10: 1.14, avg60: 15.86 }, full: { avg10: 0, avg60: 0 } },
      memory: { some: { avg10: 0, avg60: 0 }, full: null },
      io: null,
    });
    // Without a group of that path in the unified hierarchy (cgdash never creates one): all null.
    rmSync(unified, { recursive: true });
    assert.deepEqual((await driver.readStats('bob')).pressure, { cpu: null, memory: null, io: null });
  });

  test('readStats() reads the empty sandbox\'s captured unified pressure files: all 0.00, not null', async () => {
    const zero = { some: { avg10: 0, avg60: 0 }, full: { avg10: 0, avg60: 0 } };
    assert.deepEqual((await driver.readStats('carol')).pressure, { cpu: zero, memory: zero, io: zero });
  });

  test('readStats() reports a numeric pids.max and a real soft limit, and "max"/LONG_MAX as null', async () => {
    writeFileSync(join(root, CG, 'pids/cgdash/bob/pids.max'), '64\n');
    writeFileSync(join(root, CG, 'memory/cgdash/bob/memory.soft_limit_in_bytes'), '67108864\n');
    const s = await driver.readStats('bob');
    assert.equal(s.pidsLimit, 64n);
    assert.equal(s.memorySoftLimitBytes, 67108864n);
    const carol = await driver.readStats('carol');
    assert.equal(carol.pidsLimit, null);
    assert.equal(carol.memorySoftLimitBytes, null);
    assert.equal(carol.threads, 0);
  });

  test('readStats() gives null swap without swap accounting (no total_swap in memory.stat), not 0', async () => {
    const stat = join(root, CG, 'memory/cgdash/bob/memory.stat');
    writeFileSync(stat, readFileSync(stat, 'utf8').split('\n').filter((l) => !/^(total_)?swap /.test(l)).join('\n'));
    const s = await driver.readStats('bob');
    assert.equal(s.memorySwapBytes, null);
    assert.equal(s.memoryAnonBytes, 118784n);
  });

  test('readStats() reports unlimited as null and the thawed state for the unlimited sandbox', async () => {
    const s = await driver.readStats('carol');
    assert.equal(s.cpuQuota, null);
    assert.equal(s.memoryLimitBytes, null);
    assert.equal(s.freezer, 'thawed');
    assert.equal(s.pids, 0);
  });

  test('readStats() gives null for a missing optional file and throws CgroupParseError for a garbled one', async () => {
    unlinkSync(join(root, CG, 'memory/cgdash/bob/memory.stat'));
    const s = await driver.readStats('bob');
    assert.equal(s.inactiveFileBytes, null);
    assert.equal(s.memoryUsageBytes, 262144n);
    writeFileSync(join(root, CG, 'cpuacct/cgdash/bob/cpuacct.usage'), 'lots\n');
    await assert.rejects(driver.readStats('bob'), (e) => e instanceof CgroupParseError && e.file === 'cpuacct.usage');
  });

  test('readStats() of a missing sandbox throws SandboxNotFoundError, which isVanished() accepts', async () => {
    await assert.rejects(driver.readStats('nobody'), (e) => e instanceof SandboxNotFoundError && isVanished(e));
  });

  test('listSandboxes() returns the sorted union of child groups across hierarchies', async () => {
    assert.deepEqual(await driver.listSandboxes(), ['bob', 'carol']);
    cpSync(join(root, CG, 'memory/cgdash/carol'), join(root, CG, 'memory/cgdash/eve'), { recursive: true });
    assert.deepEqual(await driver.listSandboxes(), ['bob', 'carol', 'eve']);
  });

  test('setCpuQuota() writes period and quota and returns the value read back', async () => {
    const q = { quotaUsec: 20000n, periodUsec: 50000n };
    assert.deepEqual(await driver.setCpuQuota('carol', q), q);
    assert.equal(file('cpu', 'carol/cpu.cfs_quota_us'), '20000');
    assert.equal(file('cpu', 'carol/cpu.cfs_period_us'), '50000');
    assert.equal(await driver.setCpuQuota('bob', null), null);
    assert.equal(file('cpu', 'bob/cpu.cfs_quota_us'), '-1');
    assert.equal(file('cpu', 'bob/cpu.cfs_period_us'), '100000\n', 'unlimited keeps the period');
  });

  test('setMemoryLimit() writes bytes, and -1 for unlimited', async () => {
    assert.equal(await driver.setMemoryLimit('carol', 52428800n), 52428800n);
    assert.equal(file('memory', 'carol/memory.limit_in_bytes'), '52428800');
    // A plain file echoes "-1" back where the kernel answers LONG_MAX, so only the write is checked here;
    // the real read-back (null) is asserted in test/integration/driver.test.ts.
    await assert.rejects(driver.setMemoryLimit('bob', null), CgroupParseError);
    assert.equal(file('memory', 'bob/memory.limit_in_bytes'), '-1');
  });

  test('freeze() and thaw() write freezer.state and return the state read back', async () => {
    assert.equal(await driver.freeze('carol'), 'frozen');
    assert.equal(file('freezer', 'carol/freezer.state'), 'FROZEN');
    assert.equal(await driver.thaw('bob'), 'thawed');
    assert.equal(file('freezer', 'bob/freezer.state'), 'THAWED');
  });

  test('kill() of an empty sandbox signals nobody and leaves it thawed', async () => {
    assert.equal(await driver.kill('carol'), 0);
    assert.equal(file('freezer', 'carol/freezer.state'), 'THAWED\n');
  });

  test('create() makes the group in the six managed hierarchies but not cpuset; again gives SandboxConflictError', async () => {
    await driver.create('dave');
    for (const c of ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio']) assert.ok(existsSync(join(root, CG, c, 'cgdash/dave')), c);
    assert.ok(!existsSync(join(root, CG, 'cpuset/cgdash')));
    await assert.rejects(driver.create('dave'), SandboxConflictError);
    await assert.rejects(driver.create('bob'), SandboxConflictError);
    await driver.remove('dave');
    for (const c of ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio']) assert.ok(!existsSync(join(root, CG, c, 'cgdash/dave')), c);
  });

  test('movePid() writes the PID to cgroup.procs in every hierarchy of the sandbox', async () => {
    await driver.movePid('carol', 4242);
    for (const c of ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio']) assert.equal(file(c, 'carol/cgroup.procs'), '4242', c);
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

  test('listChildren() returns the union of child groups across hierarchies, sorted, as paths below the parent', async () => {
    assert.deepEqual(await driver.listChildren('bob'), []);
    // As `cgcreate -g cpu,cpuacct,memory:/cgdash/bob/worker1` and `cgcreate -g memory:/cgdash/bob/a/deep` would leave it.
    for (const c of ['cpu', 'cpuacct', 'memory']) mkdirSync(join(root, CG, c, 'cgdash/bob/worker1'));
    mkdirSync(join(root, CG, 'memory/cgdash/bob/a/deep'), { recursive: true });
    mkdirSync(join(root, CG, 'freezer/cgdash/bob/bad name'));
    assert.deepEqual(await driver.listChildren('bob'), ['bob/a', 'bob/a/deep', 'bob/worker1']);
    assert.deepEqual(await driver.listChildren('nobody'), []);
    // Children are not sandboxes: the top-level list is unchanged.
    assert.deepEqual(await driver.listSandboxes(), ['bob', 'carol']);
  });

  test('listChildren() stops at 4 levels below the sandbox and at 256 descendants', async () => {
    mkdirSync(join(root, CG, 'cpuacct/cgdash/carol/l1/l2/l3/l4/l5'), { recursive: true });
    assert.deepEqual(await driver.listChildren('carol'), ['carol/l1', 'carol/l1/l2', 'carol/l1/l2/l3', 'carol/l1/l2/l3/l4']);
    for (let i = 0; i < 300; i++) mkdirSync(join(root, CG, 'memory/cgdash/carol', `w${String(i).padStart(3, '0')}`));
    const many = await driver.listChildren('carol');
    assert.equal(many.length, 256);
    // Breadth first: the first level is taken before anything deeper.
    assert.ok(many.includes('carol/l1') && !many.includes('carol/l1/l2'));
  });

  test('readChildStats() reads a child group in each hierarchy it exists in; the sandbox methods refuse child paths', async () => {
    for (const c of ['cpu', 'cpuacct', 'memory']) cpSync(join(root, CG, c, 'cgdash/carol'), join(root, CG, c, 'cgdash/bob/worker1'), { recursive: true });
    writeFileSync(join(root, CG, 'cpuacct/cgdash/bob/worker1/cpuacct.usage'), '5000\n');
    writeFileSync(join(root, CG, 'cpuacct/cgdash/bob/worker1/cgroup.procs'), '4194399\n');
    const s = await driver.readChildStats('bob/worker1');
    assert.equal(s.identity, statSync(join(root, CG, 'cpuacct/cgdash/bob/worker1'), { bigint: true }).ino);
    assert.equal(s.cpuUsageNs, 5000n);
    assert.equal(s.pids, 1);
    assert.equal(s.freezer, null); // made without the freezer controller
    assert.deepEqual(await driver.listChildPids('bob/worker1'), [4194399]);
    await assert.rejects(driver.readChildStats('bob/nobody'), (e) => e instanceof SandboxNotFoundError && isVanished(e));
    for (const path of ['bob', 'bob/..', 'bob/../carol', '../x/y', 'bob/a b', 'bob//x']) await assert.rejects(driver.readChildStats(path), Error);
    for (const call of [() => driver.readStats('bob/worker1'), () => driver.freeze('bob/worker1'), () => driver.setCpuQuota('bob/worker1', null),
      () => driver.kill('bob/worker1'), () => driver.movePid('bob/worker1', 1), () => driver.remove('bob/worker1'), () => driver.listPids('bob/worker1')]) {
      await assert.rejects(call(), /escapes the managed parent/);
    }
  });

  test('readStats() counts the CPUs of the nearest cpuset group: same path, else the managed parent, else the hierarchy root', async () => {
    const cpuset = join(root, CG, 'cpuset');
    mkdirSync(join(cpuset, 'cgdash/bob/worker1'), { recursive: true });
    writeFileSync(join(cpuset, 'cpuset.effective_cpus'), '0-1\n');
    assert.equal((await driver.readStats('carol')).cpusetCpus, 2); // root
    writeFileSync(join(cpuset, 'cgdash/cpuset.effective_cpus'), '1\n');
    assert.equal((await driver.readStats('carol')).cpusetCpus, 1); // managed parent
    writeFileSync(join(cpuset, 'cgdash/bob/cpuset.effective_cpus'), '\n'); // never filled in: skipped
    assert.equal((await driver.readStats('bob')).cpusetCpus, 1);
    writeFileSync(join(cpuset, 'cgdash/bob/cpuset.effective_cpus'), '0-1\n');
    assert.equal((await driver.readStats('bob')).cpusetCpus, 2); // its own
    writeFileSync(join(cpuset, 'cgdash/bob/cpuset.effective_cpus'), 'zero\n');
    await assert.rejects(driver.readStats('bob'), (e) => e instanceof CgroupParseError && e.file === 'cpuset.effective_cpus');
  });

  test('ensureParent() creates the parent in every managed hierarchy of an empty tree', async () => {
    const d = createV1Driver({ hostRoot: root, layout: loadLayout(root), parent: 'tenants', cpuCount: 2 });
    await d.ensureParent();
    for (const c of ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio']) assert.ok(existsSync(join(root, CG, c, 'tenants')), c);
    assert.deepEqual(await d.listSandboxes(), []);
  });
});

describe('v1 driver with cpu and cpuacct co-mounted (the common distro layout)', () => {
  let root: string;
  let driver: CgroupDriver;
  const CO = join(CG, 'cpu,cpuacct');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cgdash-v1co-'));
    cpSync(FIXTURE, root, { recursive: true });
    // Merge the captured cpu and cpuacct groups into one co-mounted hierarchy.
    cpSync(join(root, CG, 'cpu'), join(root, CO), { recursive: true });
    cpSync(join(root, CG, 'cpuacct'), join(root, CO), { recursive: true });
    const mountinfo = readFileSync(join(root, 'proc/self/mountinfo'), 'utf8')
      .replace(/^.* \/sys\/fs\/cgroup\/cpu .*\n/m, '')
      .replace(/ \/sys\/fs\/cgroup\/cpuacct (.*) rw,cpuacct$/m, ' /sys/fs/cgroup/cpu,cpuacct $1 rw,cpu,cpuacct');
    driver = createV1Driver({ hostRoot: root, layout: detectLayout(mountinfo, root), parent: 'cgdash', cpuCount: 2 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('readStats() reads cpuacct.usage and cpu.cfs_quota_us from the one shared directory', async () => {
    const s = await driver.readStats('bob');
    assert.equal(s.cpuUsageNs, 106120210n);
    assert.deepEqual(s.cpuQuota, { quotaUsec: 10000n, periodUsec: 100000n });
    assert.equal(s.identity, statSync(join(root, CO, 'cgdash/bob'), { bigint: true }).ino);
  });

  test('create() makes the shared directory once (no EEXIST conflict with itself)', async () => {
    await driver.create('dave');
    assert.ok(existsSync(join(root, CO, 'cgdash/dave')));
    assert.ok(!existsSync(join(root, CG, 'cpu/cgdash/dave')));
    // The kernel populates a new group; mkdir on a plain fs does not.
    for (const h of ['cpu,cpuacct', 'memory', 'freezer', 'pids', 'blkio']) writeFileSync(join(root, CG, h, 'cgdash/dave/cgroup.procs'), '');
    await driver.movePid('dave', 7);
    assert.equal(readFileSync(join(root, CO, 'cgdash/dave/cgroup.procs'), 'utf8'), '7');
  });
});
