/**
 * The cgroup driver against the real kernel of this machine (v1 hybrid, Linux 6.18, 2 CPUs), as
 * root, under a private cgdash-test-<hex> parent. Each test asserts a measured effect.
 * Skips (with the reason) without root or v1 controllers, unless CGDASH_REQUIRE_REAL_CGROUPS=1.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CgroupFileError, KernelRefusedError, SandboxConflictError, SandboxNotFoundError } from '../../server/agent/cgroupfs/errors';
import { createTestParent, realCgroupsUnavailableReason, spawnGated, spawnInSandbox, sweepStaleTestParents, type TestParent } from '../helpers/test-parent';

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

describe('v1 driver on real cgroups', { skip: unavailable ?? false }, () => {
  let tp: TestParent;
  before(async () => {
    await sweepStaleTestParents();
    tp = await createTestParent();
  });
  after(async () => {
    await tp?.cleanup();
  });

  test('create() makes the sandbox in every managed hierarchy, and again gives SandboxConflictError', async () => {
    await tp.driver.create('alice');
    for (const c of ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio'] as const) {
      const mount = tp.layout.v1[c];
      if (mount) assert.ok(existsSync(join(mount, tp.parent, 'alice')), `missing in ${c}`);
    }
    assert.ok(!existsSync(join(tp.layout.v1.cpuset!, tp.parent, 'alice')), 'cpuset must not be used');
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
    assert.equal(readFileSync(join(tp.layout.v1.cpu!, tp.parent, 'cpu5', 'cpu.cfs_quota_us'), 'utf8').trim(), String(quota.quotaUsec));
    await spawnInSandbox(tp, 'cpu5', 'yes');
    await sleep(300);
    const percent = await measureCpuPercent(tp, 'cpu5', 3000);
    console.log(`# measured ${percent.toFixed(2)} % of the machine under a 5 % quota`);
    assert.ok(Math.abs(percent - 5) < 1.5, `measured ${percent} %`);
    const stats = await tp.driver.readStats('cpu5');
    assert.ok(stats.nrThrottled! > 0n, 'the group was throttled');
    assert.deepEqual(await tp.driver.setCpuQuota('cpu5', null), null);
    await tp.driver.kill('cpu5');
  });

  test('setMemoryLimit(80M) keeps the memory grower under 80M, or the OOM killer fires and oomKills rises', async () => {
    await tp.driver.create('mem80');
    const limit = 80n * 1024n * 1024n;
    assert.equal(await tp.driver.setMemoryLimit('mem80', limit), limit);
    const oomBefore = (await tp.driver.readStats('mem80')).oomKills!;
    const grower = await spawnInSandbox(tp, 'mem80', 'memory-grower');
    let maxSeen = 0n;
    const deadline = Date.now() + 15_000;
    let oomKills = oomBefore;
    while (Date.now() < deadline && grower.exitCode === null && grower.signalCode === null) {
      const s = await tp.driver.readStats('mem80');
      if (s.memoryUsageBytes! > maxSeen) maxSeen = s.memoryUsageBytes!;
      oomKills = s.oomKills!;
      if (oomKills > oomBefore) break;
      await sleep(20);
    }
    oomKills = (await tp.driver.readStats('mem80')).oomKills!;
    const peak = BigInt(readFileSync(join(tp.layout.v1.memory!, tp.parent, 'mem80', 'memory.max_usage_in_bytes'), 'utf8').trim());
    console.log(`# peak ${peak} bytes (sampled max ${maxSeen}), oomKills ${oomBefore} → ${oomKills}`);
    assert.ok(peak <= limit && maxSeen <= limit, `peak ${peak} over the limit`);
    assert.ok(oomKills > oomBefore, 'a 1000 MB grower under 80M must be OOM-killed');
    await tp.driver.kill('mem80');
    assert.equal(await tp.driver.setMemoryLimit('mem80', null), null, 'unlimited reads back as null (page-aligned LONG_MAX)');
  });

  test('setMemoryLimit() below unreclaimable usage fails with EBUSY as CgroupFileError', async () => {
    await tp.driver.create('holder');
    await spawnInSandbox(tp, 'holder', 'memory-holder');
    const deadline = Date.now() + 10_000;
    while ((await tp.driver.readStats('holder')).memoryUsageBytes! < 64n * 1024n * 1024n && Date.now() < deadline) await sleep(50);
    const usage = (await tp.driver.readStats('holder')).memoryUsageBytes!;
    assert.ok(usage >= 64n * 1024n * 1024n, `holder uses ${usage}`);
    const t0 = process.hrtime.bigint();
    await assert.rejects(tp.driver.setMemoryLimit('holder', 16n * 1024n * 1024n), (e) => {
      console.log(`# EBUSY after ${Number(process.hrtime.bigint() - t0) / 1e6} ms of kernel reclaim attempts (usage ${usage})`);
      assert.ok(e instanceof CgroupFileError, String(e));
      assert.equal(e.errno, 'EBUSY');
      assert.equal(e.file, 'memory.limit_in_bytes');
      return true;
    });
    assert.equal((await tp.driver.readStats('holder')).memoryLimitBytes, null, 'the limit stays as it was');
    await tp.driver.kill('holder');
  });

  test('freeze() stops cpuacct.usage and thaw() restarts it', async () => {
    await tp.driver.create('ice');
    await spawnInSandbox(tp, 'ice', 'yes');
    await sleep(200);
    assert.ok((await cpuNsOver(tp, 'ice', 300)) > 100_000_000n, 'yes runs before freezing');
    const t0 = process.hrtime.bigint();
    assert.equal(await tp.driver.freeze('ice'), 'frozen');
    console.log(`# freeze() of a running yes took ${Number(process.hrtime.bigint() - t0) / 1e6} ms`);
    assert.equal((await tp.driver.readStats('ice')).freezer, 'frozen');
    assert.equal(await cpuNsOver(tp, 'ice', 500), 0n);
    assert.equal(await tp.driver.thaw('ice'), 'thawed');
    assert.ok((await cpuNsOver(tp, 'ice', 300)) > 100_000_000n, 'yes runs again after thaw');
  });

  test('kill() empties the group, and a frozen group ends empty and thawed', async () => {
    await spawnInSandbox(tp, 'ice', 'yes');
    assert.equal((await tp.driver.listPids('ice')).length, 2);
    assert.equal(await tp.driver.kill('ice'), 2);
    assert.deepEqual(await tp.driver.listPids('ice'), []);

    await spawnInSandbox(tp, 'ice', 'yes');
    await spawnInSandbox(tp, 'ice', 'yes');
    await tp.driver.freeze('ice');
    const t0 = process.hrtime.bigint();
    assert.equal(await tp.driver.kill('ice'), 2);
    console.log(`# kill() of a frozen group of 2 took ${Number(process.hrtime.bigint() - t0) / 1e6} ms`);
    const stats = await tp.driver.readStats('ice');
    assert.equal(stats.pids, 0);
    assert.equal(stats.freezer, 'thawed');
  });

  test('movePid() puts a process in every hierarchy, ESRCH says the process does not exist', async () => {
    await tp.driver.create('mover');
    const child = spawnGated(tp);
    await tp.driver.movePid('mover', child.pid!);
    const cgroupFile = readFileSync(`/proc/${child.pid}/cgroup`, 'utf8');
    for (const c of ['cpu', 'cpuacct', 'memory', 'freezer', 'pids', 'blkio']) {
      assert.match(cgroupFile, new RegExp(`:${c}:/${tp.parent}/mover\\n`), `${c} in ${cgroupFile}`);
    }
    assert.deepEqual(await tp.driver.listPids('mover'), [child.pid]);
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
    assert.ok(!existsSync(join(tp.layout.v1.memory!, tp.parent, 'mover')));
    assert.ok(!existsSync(join(tp.layout.v1.cpuacct!, tp.parent, 'mover')));
    assert.equal(await tp.driver.exists('mover'), false);
    await assert.rejects(tp.driver.remove('mover'), SandboxNotFoundError);
    await assert.rejects(tp.driver.readStats('mover'), SandboxNotFoundError);
    await assert.rejects(tp.driver.freeze('mover'), SandboxNotFoundError);
    await assert.rejects(tp.driver.setCpuQuota('mover', null), SandboxNotFoundError);
  });

  test('a sandbox made by cgcreate shows up in listSandboxes(), and cgget sees the quota the driver set', { skip: cgToolsSkip }, async () => {
    execFileSync('cgcreate', ['-g', `cpu,cpuacct,memory,freezer,pids:/${tp.parent}/eve`]);
    assert.ok((await tp.driver.listSandboxes()).includes('eve'));
    assert.equal((await tp.driver.readStats('eve')).pids, 0);

    await tp.driver.create('frank');
    await tp.driver.setCpuQuota('frank', { quotaUsec: 20_000n, periodUsec: 100_000n });
    const out = execFileSync('cgget', ['-r', 'cpu.cfs_quota_us', `${tp.parent}/frank`], { encoding: 'utf8' });
    assert.match(out, /cpu\.cfs_quota_us: 20000\b/);
  });
});
