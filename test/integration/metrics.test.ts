/**
 * The operator's numbers measured on real cgroups of this machine, read through the agent's HTTP API
 * under a cgdash-test-<random> parent that is removed afterwards (also when a test fails).
 *
 * Block I/O on v1: the blkio.throttle.* counters only count on a disk whose request queue has
 * blk-throttle set up, and this kernel sets it up lazily, when some group first configures a throttle
 * rule on that disk. Measured on this machine (Linux 6.18, virtio disk 254:0, scheduler "none"):
 * `dd bs=1M count=64 oflag=direct` in a fresh blkio group left "Total 0" in both files; with a
 * write_bps_device rule on the group, the same dd read "254:0 Write 67108864" / "254:0 Write 128";
 * after that rule was removed, a new group's dd was still counted (the queue stays set up).
 * So this test gives its own sandbox a rule far above the disk's speed (1 TiB/s, never limiting),
 * only in its own cgroup, to make the kernel count. On v2, io.stat always counts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAgent, type RunningAgent } from '../../server/agent/main';
import { createLogger } from '../../server/agent/log';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import type { CgroupLayout } from '../../server/agent/cgroupfs/driver';
import type { SandboxDetail } from '../../lib/protocol';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../helpers/test-parent';
import { agentRequest } from '../helpers/agent-http';

const isRoot = process.getuid?.() === 0;
const skip = !isRoot && process.env.CGDASH_REQUIRE_REAL_CGROUPS !== '1' ? 'needs root and real cgroups' : false;

/** A directory on a real block device (not tmpfs), for the direct-I/O writes. */
const DISK_DIR = '/var/tmp';
/** Far above any disk's speed, so the rule never limits; it only makes blk-throttle count (see above). */
const NEVER_LIMITING_BPS = 2 ** 40;

/** "major:minor" of the whole disk that holds `path`, or null when it is not on a block device (tmpfs…). */
function diskOf(path: string): string | null {
  const dev = Number(statSync(path).dev);
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((Math.floor(dev / 2 ** 20) & 0xfff) << 8);
  const sys = `/sys/dev/block/${major}:${minor}`;
  if (!existsSync(sys)) return null;
  // A partition's throttle rules and counters belong to its whole disk (the parent directory in sysfs).
  const disk = existsSync(join(sys, 'partition')) ? join(realpathSync(sys), '..') : sys;
  return readFileSync(join(disk, 'dev'), 'utf8').trim();
}

describe('operator metrics through the agent on real cgroups', { skip }, () => {
  const parent = `cgdash-test-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-metrics-'));
  const diskFile = join(DISK_DIR, `cgdash-test-io-${randomBytes(4).toString('hex')}`);
  const started: ChildProcess[] = [];
  let agent: RunningAgent;
  let layout: CgroupLayout;

  const api = (method: string, path: string, body?: unknown) => agentRequest(agent.url, agent.token, method, path, body);
  const sample = async (name: string): Promise<SandboxDetail> => {
    const r = await api('GET', `/api/v1/sandboxes/${name}`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return r.json as SandboxDetail;
  };
  /** Starts `script` in sandbox `name` without a race: sh waits on stdin until the agent has moved it. */
  const startIn = async (name: string, script: string) => {
    const child = spawn('sh', ['-c', `read _ ; ${script}`], { stdio: ['pipe', 'ignore', 'ignore'] });
    started.push(child);
    assert.equal((await api('POST', `/api/v1/sandboxes/${name}/procs`, { pid: child.pid })).status, 200);
    child.stdin!.end('go\n');
    return child;
  };
  /** Polls the sandbox over `ms`, one read per sampling interval. */
  const watch = async (name: string, ms: number): Promise<SandboxDetail[]> => {
    const out: SandboxDetail[] = [];
    for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) out.push(await sample(name));
    return out;
  };

  before(async () => {
    await sweepStaleTestParents();
    registerTestParent(parent);
    layout = loadLayout('/');
    agent = await startAgent(
      { hostRoot: '/', parent, intervalMs: 250, host: '127.0.0.1', port: 0, stateDir, logLevel: 'error' },
      createLogger('metrics-test', 'error'),
    );
  });

  after(async () => {
    for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await agent?.close();
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(diskFile, { force: true });
  });

  test('a sandbox doing direct writes to a real disk shows writeBytesPerSec > 0, in total and for that disk', async (t) => {
    const disk = diskOf(DISK_DIR);
    if (disk === null) return t.skip(`${DISK_DIR} is not on a block device here`);
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'disk' })).status, 201);
    if (layout.kind !== 'v2') {
      writeFileSync(join(layout.v1.blkio!, parent, 'disk', 'blkio.throttle.write_bps_device'), `${disk} ${NEVER_LIMITING_BPS}`);
    }
    await sleep(600); // two samples of the idle sandbox first, so that rates are comparable
    const idle = await sample('disk');
    assert.equal(idle.io.writeBytesPerSec, 0, JSON.stringify(idle.io));
    await startIn('disk', `for i in 1 2 3; do dd if=/dev/zero of=${diskFile} bs=1M count=64 oflag=direct; sleep 0.3; done`);
    const seen = await watch('disk', 2500);
    const busy = seen.filter((s) => (s.io.writeBytesPerSec ?? 0) > 0);
    assert.ok(busy.length > 0, JSON.stringify(seen.map((s) => s.io)));
    assert.ok(busy.every((s) => (s.io.devices?.[disk]?.writeBytesPerSec ?? 0) > 0), JSON.stringify(busy.map((s) => s.io.devices)));
    // Rates are never negative, and writes never show up as reads.
    for (const s of seen) for (const v of [s.io.readBytesPerSec, s.io.writeBytesPerSec, s.io.readOpsPerSec, s.io.writeOpsPerSec]) assert.ok(v === null || v >= 0);
    assert.ok(Math.max(...busy.map((s) => s.io.writeOpsPerSec ?? 0)) > 0);
    if (layout.kind !== 'v2') {
      const written = readFileSync(join(layout.v1.blkio!, parent, 'disk', 'blkio.throttle.io_service_bytes'), 'utf8');
      assert.match(written, new RegExp(`^${disk} Write (\\d+)$`, 'm'));
      assert.ok(Number(new RegExp(`^${disk} Write (\\d+)$`, 'm').exec(written)![1]) >= 3 * 64 * 1024 * 1024, written);
    }
  });

  test('a busy shell loop is all user time; yes > /dev/null splits into user + system that add up to the usage', async (t) => {
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'loop' })).status, 201);
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'yes' })).status, 201);
    await startIn('loop', 'while :; do :; done');
    await startIn('yes', 'exec yes > /dev/null');
    await sleep(1000);
    const loop = (await watch('loop', 1500)).filter((s) => s.cpu.usagePercent !== null && s.cpu.userPercent !== null);
    const yes = (await watch('yes', 1500)).filter((s) => s.cpu.usagePercent !== null && s.cpu.userPercent !== null);
    assert.ok(loop.length >= 3 && yes.length >= 3);
    const avg = (xs: SandboxDetail[], f: (s: SandboxDetail) => number) => xs.reduce((a, s) => a + f(s), 0) / xs.length;
    const loopUser = avg(loop, (s) => s.cpu.userPercent!);
    const loopSystem = avg(loop, (s) => s.cpu.systemPercent!);
    assert.ok(loopUser > 10 * Math.max(loopSystem, 0.1), `loop user ${loopUser} % vs system ${loopSystem} %`);
    // user/system are tick-sampled by the kernel, usage is exact: equal within a few points on average.
    for (const xs of [loop, yes]) {
      const usage = avg(xs, (s) => s.cpu.usagePercent!);
      const split = avg(xs, (s) => s.cpu.userPercent! + s.cpu.systemPercent!);
      assert.ok(Math.abs(usage - split) < 5, `usage ${usage} % vs user + system ${split} %`);
    }
    const yesUser = avg(yes, (s) => s.cpu.userPercent!);
    const yesSystem = avg(yes, (s) => s.cpu.systemPercent!);
    // Measured here (Linux 6.18 VM): yes > /dev/null is mostly SYSTEM time (~10 % user, ~90 % system:
    // one write(2) per buffer, and syscalls are expensive in this VM), so only "both are non-zero" is asserted.
    assert.ok(yesUser > 0 && yesSystem > 0, `yes: user ${yesUser} %, system ${yesSystem} %`);
    t.diagnostic(`measured: loop user ${loopUser.toFixed(1)} % system ${loopSystem.toFixed(1)} %; yes user ${yesUser.toFixed(1)} % system ${yesSystem.toFixed(1)} % of the machine`);
  });

  test('the new fields are there with kernel values: threads, pidsLimit, memory breakdown, throttled time, pressure', async () => {
    const s = await sample('yes');
    assert.equal(s.pids, 1);
    assert.equal(s.threads, 1);
    assert.equal(s.pidsLimit, null, 'pids.max "max" is null');
    assert.equal(s.cpu.throttledSeconds, 0);
    const m = s.memory;
    for (const v of [m.anonBytes, m.fileBytes, m.peakBytes, m.failcnt]) assert.equal(typeof v, 'number');
    assert.ok(m.peakBytes! >= m.anonBytes!);
    assert.equal(m.softLimitBytes, null, 'no soft limit is unlimited = null');
    if (layout.kind !== 'v2') {
      assert.deepEqual({ ...m.events, oomKill: 0 }, { high: null, max: null, oom: null, oomKill: 0 });
      // Pressure on a hybrid host comes only from a unified group of the same path, which cgdash never creates.
      assert.equal(existsSync(join(layout.unified ?? '/nonexistent', parent, 'yes')), false);
      assert.deepEqual(s.pressure, { cpu: null, memory: null, io: null });
    }
  });
});
