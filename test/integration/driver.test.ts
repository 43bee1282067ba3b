/**
 * The cgroup driver against the real kernel, as root, under a private cgdash-test-<hex> parent. Each
 * test asserts a measured effect and reads the kernel's own files (test/helpers/kernel-files.ts) on
 * whichever layout the machine has: v1 hybrid on the build machine (Linux 6.18, 2 CPUs), pure v2 in
 * the VM lane (`npm run test:v2`, scripts/vm/). Skips (with the reason) without root or without the
 * needed controllers, unless CGDASH_REQUIRE_REAL_CGROUPS=1.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CgroupFileError, KernelRefusedError, SandboxConflictError, SandboxNotFoundError } from '../../server/agent/cgroupfs/errors';
import {
  isV2, kernelCpuQuotaUsec, kernelFrozen, kernelMemoryPeak, kernelOomKills, kernelProcs, procCgroupMismatches, sandboxDirs,
} from '../helpers/kernel-files';
import { createTestParent, realCgroupsUnavailableReason, spawnGated, spawnInSandbox, sweepStaleTestParents, type TestParent } from '../helpers/test-parent';
import { loadLayout } from '../../server/agent/cgroupfs/layout';

const unavailable = realCgroupsUnavailableReason();
if (unavailable !== null && process.env.CGDASH_REQUIRE_REAL_CGROUPS === '1') {
  throw new Error(`CGDASH_REQUIRE_REAL_CGROUPS=1 but real cgroup tests cannot run: ${unavailable}`);
}
const hasCgTools = spawnSync('cgget', ['-h'], { stdio: 'ignore' }).error === undefined;
const cgToolsSkip = hasCgTools ? false : 'requires cgroup-tools (apt-get install -y cgroup-tools)';
if (!hasCgTools && process.env.CGDASH_REQUIRE_REAL_CGROUPS === '1') throw new Error(`CGDASH_REQUIRE_REAL_CGROUPS=1 but ${cgToolsSkip}`);

/** CPU time used by the sandbox (ns) over `ms` of monotonic time, as % of the whole machine. */
async function measureCpuPercent(tp: TestParent, name: string, ms: number): Promise<number> {
  const u0 = (await tp.driver.readStats(name)).cpuUsageNs!;
  const t0 = process.hrtime.bigint();
  await sleep(ms);
  const u1 = (await tp.driver.readStats(name)).cpuUsageNs!;
  const t1 = process.hrtime.bigint();
  return (Number(u1 - u0) / Number(t1 - t0) / tp.cpuCount) * 100;
}

async function cpuNsOver(tp: TestParent, name: string, ms: number): Promise<bigint> {
  const u0 = (await tp.driver.readStats(name)).cpuUsageNs!;
  await sleep(ms);
  return (await tp.driver.readStats(name)).cpuUsageNs! - u0;
}

/** The layout the tests run on, for the suite's name ('v1' on v1 and hybrid hosts). */
const kind = unavailable === null ? (loadLayout('/').kind === 'v2' ? 'v2' : 'v1') : 'real';

describe(`${kind} driver on real cgroups`, { skip: unavailable ?? false }, () => {
  let tp: TestParent;
  before(async () => {
    await sweepStaleTestParents();
    tp = await createTestParent();
  });
  after(async () => {
    await tp?.cleanup();
  });

  test('create() makes the sandbox (v1: in every managed hierarchy; v2: one dir with cpu/memory/pids), and again gives SandboxConflictError', async () => {
    await tp.driver.create('alice');
    for (const dir of sandboxDirs(tp, 'alice')) assert.ok(existsSync(dir), `missing ${dir}`);
    if (isV2(tp)) {
      // ensureParent() enabled the controllers from the root down, so the sandbox has their files.
      const controllers = readFileSync(join(sandboxDirs(tp, 'alice')[0], 'cgroup.controllers'), 'utf8').trim().split(' ');
      for (const c of ['cpu', 'memory', 'pids']) assert.ok(controllers.includes(c), `${c} not in the sandbox's cgroup.controllers: ${controllers.join(' ')}`);
      assert.ok(!controllers.includes('cpuset'), 'cpuset must not be enabled');
    } else {
      assert.ok(!existsSync(join(tp.layout.v1.cpuset!, tp.parent, 'alice')), 'cpuset must not be used');
    }
    assert.deepEqual(await tp.driver.listSandboxes(), ['alice']);
    await assert.rejects(tp.driver.create('alice'), SandboxConflictError);
    const stats = await tp.driver.readStats('alice');
    assert.equal(stats.pids, 0);
    assert.equal(stats.freezer, 'thawed');
    assert.equal(stats.cpuQuota, null);
    assert.equal(stats.memoryLimitBytes, null);
  });

  test('setCpuQuota() at 5 % of the machine holds `yes` within a few points of 5 %', async () => {
    await tp.driver.create('cpu5');
    const quota = { quotaUsec: BigInt(Math.round(0.05 * tp.cpuCount * 100_000)), periodUsec: 100_000n };
    assert.deepEqual(await tp.driver.setCpuQuota('cpu5', quota), quota);
    assert.equal(kernelCpuQuotaUsec(tp, 'cpu5'), quota.quotaUsec);
    await spawnInSandbox(tp, 'cpu5', 'yes');
    await sleep(300);
    const percent = await measureCpuPercent(tp, 'cpu5', 3000);
    console.log(`# measured ${percent.toFixed(2)} % of the machine under a 5 % quota`);
    assert.ok(Math.abs(percent - 5) < 1.5, `measured ${percent} %`);
    const stats = await tp.driver.readStats('cpu5');
    assert.ok(stats.nrThrottled! > 0n, 'the group was throttled');
    assert.deepEqual(await tp.driver.setCpuQuota('cpu5', null), null);
    assert.equal(kernelCpuQuotaUsec(tp, 'cpu5'), null);
    await tp.driver.kill('cpu5');
  });

  test('setMemoryLimit(80M) keeps the memory grower under 80M, or the OOM killer fires and oomKills rises', async () => {
    await tp.driver.create('mem80');
    const limit = 80n * 1024n * 1024n;
    assert.equal(await tp.driver.setMemoryLimit('mem80', limit), limit);
    const oomBefore = (await tp.driver.readStats('mem80')).oomKills!;
    const grower = await spawnInSandbox(tp, 'mem80', 'memory-grower');
    let maxSeen = 0n;
    // Generous: the grower needs ~1 s here, but 10-20 s under the VM lane's emulated CPU.
    const deadline = Date.now() + 60_000;
    let oomKills = oomBefore;
    while (Date.now() < deadline && grower.exitCode === null && grower.signalCode === null) {
      const s = await tp.driver.readStats('mem80');
      if (s.memoryUsageBytes! > maxSeen) maxSeen = s.memoryUsageBytes!;
      oomKills = s.oomKills!;
      if (oomKills > oomBefore) break;
      await sleep(20);
    }
    oomKills = (await tp.driver.readStats('mem80')).oomKills!;
    const peak = kernelMemoryPeak(tp, 'mem80');
    console.log(`# peak ${peak} bytes (sampled max ${maxSeen}), oomKills ${oomBefore} → ${oomKills}`);
    assert.ok(peak <= limit && maxSeen <= limit, `peak ${peak} over the limit`);
    assert.ok(oomKills > oomBefore, 'a 1000 MB grower under 80M must be OOM-killed');
    assert.equal(kernelOomKills(tp, 'mem80'), oomKills, 'the driver reports the kernel\'s oom_kill count');
    await tp.driver.kill('mem80');
    assert.equal(await tp.driver.setMemoryLimit('mem80', null), null, 'unlimited reads back as null (v1: page-aligned LONG_MAX; v2: "max")');
  });

  test(`setMemoryLimit() below unreclaimable usage: ${kind === 'v2' ? 'v2 accepts it and OOM-kills inside the group' : 'v1 fails with EBUSY as CgroupFileError'}`, async () => {
    await tp.driver.create('holder');
    const holder = await spawnInSandbox(tp, 'holder', 'memory-holder');
    // The holder is a node process: ~1 s to start here, up to ~10 s under the VM lane's emulated CPU.
    const deadline = Date.now() + 30_000;
    while ((await tp.driver.readStats('holder')).memoryUsageBytes! < 64n * 1024n * 1024n && Date.now() < deadline) await sleep(50);
    const usage = (await tp.driver.readStats('holder')).memoryUsageBytes!;
    assert.ok(usage >= 64n * 1024n * 1024n, `holder uses ${usage}`);
    const t0 = process.hrtime.bigint();
    if (isV2(tp)) {
      // Documentation/admin-guide/cgroup-v2.rst, memory.max: lowering it below usage reclaims, then OOM-kills.
      const oomBefore = kernelOomKills(tp, 'holder');
      const limit = 16n * 1024n * 1024n;
      assert.equal(await tp.driver.setMemoryLimit('holder', limit), limit);
      console.log(`# memory.max below usage (${usage}) returned after ${Number(process.hrtime.bigint() - t0) / 1e6} ms`);
      const killDeadline = Date.now() + 10_000;
      while (holder.exitCode === null && holder.signalCode === null && Date.now() < killDeadline) await sleep(20);
      assert.equal(holder.signalCode, 'SIGKILL', 'the holder was OOM-killed');
      assert.ok(kernelOomKills(tp, 'holder') > oomBefore, 'memory.events oom_kill rose');
      assert.equal((await tp.driver.readStats('holder')).memoryLimitBytes, limit);
      assert.equal(await tp.driver.setMemoryLimit('holder', null), null);
    } else {
      await assert.rejects(tp.driver.setMemoryLimit('holder', 16n * 1024n * 1024n), (e) => {
        console.log(`# EBUSY after ${Number(process.hrtime.bigint() - t0) / 1e6} ms of kernel reclaim attempts (usage ${usage})`);
        assert.ok(e instanceof CgroupFileError, String(e));
        assert.equal(e.errno, 'EBUSY');
        assert.equal(e.file, 'memory.limit_in_bytes');
        return true;
      });
      assert.equal((await tp.driver.readStats('holder')).memoryLimitBytes, null, 'the limit stays as it was');
    }
    await tp.driver.kill('holder');
  });

  test('freeze() stops CPU usage, the kernel reports it frozen, and thaw() restarts it', async () => {
    await tp.driver.create('ice');
    await spawnInSandbox(tp, 'ice', 'yes');
    await sleep(200);
    assert.ok((await cpuNsOver(tp, 'ice', 300)) > 100_000_000n, 'yes runs before freezing');
    const t0 = process.hrtime.bigint();
    assert.equal(await tp.driver.freeze('ice'), 'frozen');
    console.log(`# freeze() of a running yes took ${Number(process.hrtime.bigint() - t0) / 1e6} ms`);
    assert.equal((await tp.driver.readStats('ice')).freezer, 'frozen');
    assert.equal(kernelFrozen(tp, 'ice'), true, isV2(tp) ? 'cgroup.events frozen 1' : 'freezer.state FROZEN');
    assert.equal(await cpuNsOver(tp, 'ice', 500), 0n);
    assert.equal(await tp.driver.thaw('ice'), 'thawed');
    assert.equal(kernelFrozen(tp, 'ice'), false);
    assert.ok((await cpuNsOver(tp, 'ice', 300)) > 100_000_000n, 'yes runs again after thaw');
  });

  test('kill() empties the group, and a frozen group ends empty and thawed', async () => {
    await spawnInSandbox(tp, 'ice', 'yes');
    assert.equal((await tp.driver.listPids('ice')).length, 2);
    assert.equal(await tp.driver.kill('ice'), 2);
    assert.deepEqual(await tp.driver.listPids('ice'), []);
    assert.deepEqual(kernelProcs(tp, 'ice'), []);

    await spawnInSandbox(tp, 'ice', 'yes');
    await spawnInSandbox(tp, 'ice', 'yes');
    await tp.driver.freeze('ice');
    const t0 = process.hrtime.bigint();
    assert.equal(await tp.driver.kill('ice'), 2);
    console.log(`# kill() of a frozen group of 2 took ${Number(process.hrtime.bigint() - t0) / 1e6} ms`);
    const stats = await tp.driver.readStats('ice');
    assert.equal(stats.pids, 0);
    assert.equal(stats.freezer, 'thawed');
    assert.deepEqual(kernelProcs(tp, 'ice'), []);
    assert.equal(kernelFrozen(tp, 'ice'), false);
  });

  test('movePid() puts a process in the sandbox (v1: in every hierarchy), ESRCH says the process does not exist', async () => {
    await tp.driver.create('mover');
    const child = spawnGated(tp);
    await tp.driver.movePid('mover', child.pid!);
    assert.deepEqual(procCgroupMismatches(tp, 'mover', child.pid!), []);
    assert.deepEqual(await tp.driver.listPids('mover'), [child.pid]);
    assert.deepEqual(kernelProcs(tp, 'mover'), [child.pid]);
    // pid_max is at most 2^22 on Linux, so this PID cannot exist.
    await assert.rejects(tp.driver.movePid('mover', 4_194_305), (e) => e instanceof KernelRefusedError && e.errno === 'ESRCH' && /does not exist/.test(e.message));
    await assert.rejects(tp.driver.movePid('nobody', child.pid!), SandboxNotFoundError);
  });

  test('remove() refuses while processes remain, then removes everywhere; missing sandboxes are SandboxNotFoundError', async () => {
    const t0 = Date.now();
    await assert.rejects(tp.driver.remove('mover'), (e) => e instanceof KernelRefusedError && /still has processes/.test(e.message));
    console.log(`# remove() gave up on a busy group after ${Date.now() - t0} ms`);
    await tp.driver.kill('mover');
    await tp.driver.remove('mover');
    for (const dir of sandboxDirs(tp, 'mover')) assert.ok(!existsSync(dir), `${dir} is still there`);
    assert.equal(await tp.driver.exists('mover'), false);
    await assert.rejects(tp.driver.remove('mover'), SandboxNotFoundError);
    await assert.rejects(tp.driver.readStats('mover'), SandboxNotFoundError);
    await assert.rejects(tp.driver.freeze('mover'), SandboxNotFoundError);
    await assert.rejects(tp.driver.setCpuQuota('mover', null), SandboxNotFoundError);
  });

  test('a sandbox made by cgcreate shows up in listSandboxes(), and cgget sees the quota the driver set', { skip: cgToolsSkip }, async () => {
    // cgroup-tools names v2 controllers as the kernel does (no cpuacct or freezer), and v2 files.
    const controllers = isV2(tp) ? 'cpu,memory,pids' : 'cpu,cpuacct,memory,freezer,pids';
    execFileSync('cgcreate', ['-g', `${controllers}:/${tp.parent}/eve`]);
    assert.ok((await tp.driver.listSandboxes()).includes('eve'));
    assert.equal((await tp.driver.readStats('eve')).pids, 0);

    await tp.driver.create('frank');
    await tp.driver.setCpuQuota('frank', { quotaUsec: 20_000n, periodUsec: 100_000n });
    const file = isV2(tp) ? 'cpu.max' : 'cpu.cfs_quota_us';
    const out = execFileSync('cgget', ['-r', file, `${tp.parent}/frank`], { encoding: 'utf8' });
    assert.match(out, isV2(tp) ? /cpu\.max: 20000 100000\b/ : /cpu\.cfs_quota_us: 20000\b/);
  });
});
