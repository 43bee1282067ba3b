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
 *
 * The disk: in the v2 lane (scripts/vm/) everything is 9p except an empty raw scratch disk that the
 * VM exports as CGDASH_VM_DISK (/dev/vda); the tests then write to and read from that device itself.
 * Elsewhere they write and read a file in /var/tmp, with O_DIRECT (so the page cache serves nothing).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { RunningAgent } from '../../server/agent/main';
import { loadLayout } from '../../server/agent/cgroupfs/layout';
import type { CgroupLayout } from '../../server/agent/cgroupfs/driver';
import type { OverviewBatch, SandboxDetail, SandboxSample } from '../../lib/protocol';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../helpers/test-parent';
import { startTestAgent } from '../helpers/test-agent';
import { agentRequest } from '../helpers/agent-http';
import { isV2, kernelIo, kernelMemoryFailcnt, kernelPressure, sandboxDir, timeFactor, type KernelIoCounters } from '../helpers/kernel-files';

const isRoot = process.getuid?.() === 0;
const skip = !isRoot && process.env.CGDASH_REQUIRE_REAL_CGROUPS !== '1' ? 'needs root and real cgroups' : false;

/** A directory on a real block device (not tmpfs), for the direct-I/O writes. */
const DISK_DIR = '/var/tmp';
/** Far above any disk's speed, so the rule never limits; it only makes blk-throttle count (see above). */
const NEVER_LIMITING_BPS = 2 ** 40;

/** The VM lane's raw scratch disk (an empty virtio-blk device, scripts/vm/run.sh), or null outside it. */
const VM_DISK = process.env.CGDASH_VM_DISK || null;
const MIB = 1024 * 1024;

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

/**
 * The block device for the I/O tests: `dev` its "major:minor", `writeTo` where the write test's dd
 * writes and `readFrom` what the read tests' dd reads with O_DIRECT: the VM's raw scratch disk itself,
 * or elsewhere `diskFile` on DISK_DIR's disk (a container may not open the disk itself: EPERM), filled
 * to 64 MiB first. null when there is no block device (tmpfs, 9p).
 */
function ioDevice(diskFile: string): { dev: string; writeTo: string; readFrom: string } | null {
  if (VM_DISK !== null) {
    const dev = readFileSync(`/sys/block/${basename(VM_DISK)}/dev`, 'utf8').trim();
    return { dev, writeTo: VM_DISK, readFrom: VM_DISK };
  }
  const dev = diskOf(DISK_DIR);
  if (dev === null) return null;
  if (!existsSync(diskFile) || statSync(diskFile).size < 64 * MIB) {
    // Written by this test process, outside any sandbox; direct, so no page cache serves the reads later.
    execFileSync('dd', ['if=/dev/zero', `of=${diskFile}`, 'bs=1M', 'count=64', 'oflag=direct'], { stdio: 'ignore' });
  }
  return { dev, writeTo: diskFile, readFrom: diskFile };
}

/** JSON with bigints as strings, for assertion messages. */
const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x));

describe('operator metrics through the agent on real cgroups', { skip }, () => {
  const parent = `cgdash-test-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-metrics-'));
  const diskFile = join(DISK_DIR, `cgdash-test-io-${randomBytes(4).toString('hex')}`);
  const started: ChildProcess[] = [];
  const sockets: Socket[] = [];
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
  /** The layout and parent the kernel-file readers (test/helpers/kernel-files.ts) need. */
  const lp = () => ({ layout, parent });
  /** Stretches waits (not measured bounds) on the emulated v2 lane: timeFactor() in kernel-files.ts. */
  const slow = () => timeFactor(lp());
  /** No block device for the I/O tests: a skip with the reason, or a failure where real cgroups are required (the v2 lane). */
  const noDisk = (t: { skip(msg: string): void }) => {
    if (process.env.CGDASH_REQUIRE_REAL_CGROUPS === '1') assert.fail(`no block device: ${DISK_DIR} is not on one and CGDASH_VM_DISK is not set`);
    return t.skip(`${DISK_DIR} is not on a block device here and CGDASH_VM_DISK is not set`);
  };
  /** Resolves once `child` has exited with status 0; rejects after `ms`. */
  const exitOf = (child: ChildProcess, ms: number) => new Promise<void>((resolve, reject) => {
    const check = () => { if (child.exitCode === 0) resolve(); else reject(new Error(`exit ${child.exitCode} ${child.signalCode}`)); };
    if (child.exitCode !== null || child.signalCode !== null) return check();
    const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
    child.once('exit', () => { clearTimeout(timer); check(); });
  });
  const connect = async (): Promise<Socket> => {
    const sock = ioClient(agent.url, { auth: { token: agent.token }, reconnection: false, transports: ['websocket'] });
    sockets.push(sock);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not connect')), 5000 * slow());
      sock.once('connect', () => { clearTimeout(timer); resolve(); });
      sock.once('connect_error', (e) => { clearTimeout(timer); reject(e); });
    });
    return sock;
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
    agent = await startTestAgent({ parent, stateDir, intervalMs: 250, name: 'metrics-test' });
  });

  after(async () => {
    for (const s of sockets) s.close();
    for (const p of started) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await agent?.close();
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(diskFile, { force: true });
  });

  test('a sandbox doing direct writes to a real disk shows writeBytesPerSec > 0, in total and for that disk', async (t) => {
    const io = ioDevice(diskFile);
    if (io === null) return noDisk(t);
    const { dev: disk } = io;
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'disk' })).status, 201);
    if (!isV2(lp())) writeFileSync(join(sandboxDir(lp(), 'disk', 'blkio'), 'blkio.throttle.write_bps_device'), `${disk} ${NEVER_LIMITING_BPS}`);
    // The rates of the sampling rounds (round to round), so that no burst of writes falls between two
    // looks: a GET samples anew against the last round, over the few ms since it.
    const seen: SandboxSample[] = [];
    const sock = await connect();
    sock.on('samples:overview', (batch: OverviewBatch) => {
      const s = batch.sandboxes.find((x) => x.name === 'disk');
      if (s) seen.push(s);
    });
    await sleep(600 * slow()); // two samples of the idle sandbox first, so that rates are comparable
    assert.ok(seen.length >= 2, `${seen.length} batches`);
    assert.equal(seen.at(-1)!.io.writeBytesPerSec, 0, JSON.stringify(seen.at(-1)!.io));
    const writer = await startIn('disk', `for i in 1 2 3; do dd if=/dev/zero of=${io.writeTo} bs=1M count=64 oflag=direct; sleep 0.3; done`);
    await exitOf(writer, 60_000 * slow());
    await sleep(600 * slow());
    sock.off('samples:overview');
    const busy = seen.filter((s) => (s.io.writeBytesPerSec ?? 0) > 0);
    assert.ok(busy.length > 0, JSON.stringify(seen.map((s) => s.io)));
    assert.ok(busy.every((s) => (s.io.devices?.[disk]?.writeBytesPerSec ?? 0) > 0), JSON.stringify(busy.map((s) => s.io.devices)));
    // Rates are never negative.
    for (const s of seen) for (const v of [s.io.readBytesPerSec, s.io.writeBytesPerSec, s.io.readOpsPerSec, s.io.writeOpsPerSec]) assert.ok(v === null || v >= 0);
    assert.ok(Math.max(...busy.map((s) => s.io.writeOpsPerSec ?? 0)) > 0);
    // The kernel counted all three writes on that disk (v1 blkio.throttle.io_service_bytes, v2 io.stat wbytes).
    const written = kernelIo(lp(), 'disk')[disk];
    assert.ok(written !== undefined && written.writeBytes >= 3n * 64n * BigInt(MIB), show(kernelIo(lp(), 'disk')));
  });

  test('direct reads of a disk: read bytes and ops integrated from samples:overview agree within 3 % with the kernel\'s per-device counters', async (t) => {
    const io = ioDevice(diskFile);
    if (io === null) return noDisk(t);
    const { dev } = io;
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'reader' })).status, 201);
    // Read at a steady 32 MiB/s at most (over ~8 rounds): integrating rates × batch time telescopes
    // for a steady rate, while a burst inside one round would weigh that round's timing jitter
    // (batch.t is the round's start, not the moment of the read) fully. On v1 the rule also makes
    // blk-throttle count (see above).
    const STEADY_BPS = 32 * MIB;
    if (isV2(lp())) writeFileSync(join(sandboxDir(lp(), 'reader', 'blkio'), 'io.max'), `${dev} rbps=${STEADY_BPS}`);
    else writeFileSync(join(sandboxDir(lp(), 'reader', 'blkio'), 'blkio.throttle.read_bps_device'), `${dev} ${STEADY_BPS}`);
    // At each batch, the kernel's counters for the disk, read at once (the agent read them a few ms
    // earlier in the same round). Before dd starts and after it ended they do not move, so the
    // integral over the window must equal the kernel's difference up to timing rounding.
    interface Point { t: number; bytesPerSec: number | null; opsPerSec: number | null; totalBytesPerSec: number | null; kernel: KernelIoCounters }
    const zero: KernelIoCounters = { readBytes: 0n, writeBytes: 0n, readOps: 0n, writeOps: 0n };
    const points: Point[] = [];
    const sock = await connect();
    sock.on('samples:overview', (batch: OverviewBatch) => {
      const s = batch.sandboxes.find((x) => x.name === 'reader');
      if (!s) return;
      // Both kernels list a device only once the group did I/O on it: absent from an accounted group = 0.
      const d = s.io.devices === null ? null : s.io.devices[dev] ?? { readBytesPerSec: 0, readOpsPerSec: 0 };
      points.push({ t: batch.t, bytesPerSec: d?.readBytesPerSec ?? null, opsPerSec: d?.readOpsPerSec ?? null, totalBytesPerSec: s.io.readBytesPerSec, kernel: kernelIo(lp(), 'reader')[dev] ?? zero });
    });
    const batches = async (n: number) => { const want = points.length + n; for (const end = Date.now() + 5000 * slow(); points.length < want && Date.now() < end;) await sleep(20); };
    await batches(3);
    const from = points.length - 1; // a batch with a rate of the idle sandbox
    const t0 = performance.now();
    const dd = await startIn('reader', `exec dd if=${io.readFrom} of=/dev/null iflag=direct bs=1M count=64`);
    await exitOf(dd, 60_000 * slow());
    const ddSec = (performance.now() - t0) / 1000;
    await batches(3);
    sock.off('samples:overview');
    const window = points.slice(from);
    let bytes = 0;
    let ops = 0;
    for (let i = 1; i < window.length; i++) {
      const p = window[i];
      assert.ok(p.bytesPerSec !== null && p.opsPerSec !== null, `batch ${i} has no rate for ${dev}: ${show(p)}`);
      assert.ok(p.totalBytesPerSec !== null && p.totalBytesPerSec >= p.bytesPerSec - 1e-6, 'the total includes the disk');
      const dt = (p.t - window[i - 1].t) / 1000;
      bytes += p.bytesPerSec * dt;
      ops += p.opsPerSec * dt;
    }
    const first = window[0].kernel;
    const last = window.at(-1)!.kernel;
    const kernelBytes = Number(last.readBytes - first.readBytes);
    const kernelOps = Number(last.readOps - first.readOps);
    t.diagnostic(`dd read 64 MiB in ${ddSec.toFixed(2)} s; over ${window.length} batches the agent integrates ${(bytes / MIB).toFixed(3)} MiB / ${ops.toFixed(1)} ops, ` +
      `the kernel counted ${(kernelBytes / MIB).toFixed(3)} MiB / ${kernelOps} ops on ${dev}`);
    // Direct I/O bypasses the page cache: all 64 MiB reach the disk (plus, outside the VM, perhaps a page of dd itself).
    assert.ok(kernelBytes >= 64 * MIB && kernelBytes <= 68 * MIB, `kernel read ${kernelBytes} bytes`);
    assert.ok(kernelOps >= 64, `kernel read ops ${kernelOps}`); // a 1 MiB request may be split, never merged here
    assert.ok(Math.abs(bytes - kernelBytes) / kernelBytes < 0.03, `agent ${bytes} vs kernel ${kernelBytes} bytes`);
    assert.ok(Math.abs(ops - kernelOps) / kernelOps < 0.03, `agent ${ops} vs kernel ${kernelOps} ops`);
    assert.ok(Math.max(...window.map((p) => p.bytesPerSec!)) > 0);
    assert.equal(window.at(-1)!.bytesPerSec, 0, 'the rate is back to 0 once dd ended');
  });

  test('a read limit of 1 MiB/s on the disk (v2 io.max rbps, v1 blkio.throttle.read_bps_device) holds dd near 1 MiB/s, and the agent shows that rate', async (t) => {
    const io = ioDevice(diskFile);
    if (io === null) return noDisk(t);
    const { dev } = io;
    const BYTES = 4 * MIB;
    // Small requests, so the throttled counter climbs in 64 KiB steps rather than in a few big ones.
    const ddRead = `exec dd if=${io.readFrom} of=/dev/null iflag=direct bs=64K count=${BYTES / (64 * 1024)}`;
    // Unlimited first, in its own group: the disk must be much faster than the limit for the limit to show.
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'free' })).status, 201);
    const free = await startIn('free', ddRead);
    let t0 = performance.now();
    await exitOf(free, 60_000 * slow());
    const freeRate = BYTES / ((performance.now() - t0) / 1000);

    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'slowio' })).status, 201);
    const dir = sandboxDir(lp(), 'slowio', 'blkio');
    if (isV2(lp())) {
      writeFileSync(join(dir, 'io.max'), `${dev} rbps=${MIB}`);
      assert.match(readFileSync(join(dir, 'io.max'), 'utf8'), new RegExp(`^${dev} rbps=${MIB} wbps=max riops=max wiops=max$`, 'm'));
    } else {
      writeFileSync(join(dir, 'blkio.throttle.read_bps_device'), `${dev} ${MIB}`);
      assert.equal(readFileSync(join(dir, 'blkio.throttle.read_bps_device'), 'utf8').trim(), `${dev} ${MIB}`);
    }
    // The agent's rates from the sampling rounds (round to round). A GET samples anew against the last
    // round, over a few ms in which a throttled counter moves by one step or not at all.
    const batches: Array<{ t: number; bytesPerSec: number | null }> = [];
    const sock = await connect();
    sock.on('samples:overview', (batch: OverviewBatch) => {
      const s = batch.sandboxes.find((x) => x.name === 'slowio');
      if (s) batches.push({ t: batch.t, bytesPerSec: s.io.devices === null ? null : s.io.devices[dev]?.readBytesPerSec ?? 0 });
    });
    await sleep(600 * slow()); // comparable samples first
    const dd = await startIn('slowio', ddRead);
    t0 = performance.now();
    const startedAt = Date.now();
    await exitOf(dd, 60_000 * slow());
    const endedAt = Date.now();
    const limitedSec = (performance.now() - t0) / 1000;
    await sleep(600 * slow());
    sock.off('samples:overview');
    const limitedRate = BYTES / limitedSec;
    // Rounds that began after dd started and ended before it exited: their rates cover dd's read only.
    const during = batches.filter((b, i) => i > 0 && batches[i - 1].t >= startedAt && b.t <= endedAt);
    const rates = during.map((b) => b.bytesPerSec);
    t.diagnostic(`unlimited ${(freeRate / MIB).toFixed(1)} MiB/s; limited to 1 MiB/s: dd took ${limitedSec.toFixed(2)} s (${(limitedRate / MIB).toFixed(2)} MiB/s), ` +
      `agent rates during it ${rates.map((r) => (r === null ? 'null' : (r / MIB).toFixed(2))).join(' ')} MiB/s`);
    assert.ok(freeRate > 4 * MIB, `the disk reads only ${(freeRate / MIB).toFixed(2)} MiB/s unlimited: a 1 MiB/s limit cannot be told apart`);
    // The throttle may let the first slice through early, so allow some above 1 MiB/s, never the free rate.
    assert.ok(limitedRate <= 1.3 * MIB && limitedRate >= 0.5 * MIB, `limited dd read at ${(limitedRate / MIB).toFixed(2)} MiB/s`);
    assert.equal(kernelIo(lp(), 'slowio')[dev]?.readBytes, BigInt(BYTES));
    assert.ok(rates.length >= 4, `only ${rates.length} sampling rounds inside dd's ${limitedSec.toFixed(2)} s`);
    assert.ok(rates.every((r) => r !== null), 'every round has a rate');
    let bytes = 0;
    for (let i = 0; i < during.length; i++) bytes += during[i].bytesPerSec! * ((during[i].t - batches[batches.indexOf(during[i]) - 1].t) / 1000);
    const mean = bytes / ((during.at(-1)!.t - batches[batches.indexOf(during[0]) - 1].t) / 1000);
    assert.ok(mean <= 1.4 * MIB && mean >= 0.5 * MIB, `the agent's mean read rate while throttled ${(mean / MIB).toFixed(2)} MiB/s`);
  });

  test('a busy shell loop is all user time; yes > /dev/null splits into user + system that add up to the usage', async (t) => {
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'loop' })).status, 201);
    assert.equal((await api('POST', '/api/v1/sandboxes', { name: 'yes' })).status, 201);
    await startIn('loop', 'while :; do :; done');
    await startIn('yes', 'exec yes > /dev/null');
    await sleep(1000 * slow());
    const loop = (await watch('loop', 1500 * slow())).filter((s) => s.cpu.usagePercent !== null && s.cpu.userPercent !== null);
    const yes = (await watch('yes', 1500 * slow())).filter((s) => s.cpu.usagePercent !== null && s.cpu.userPercent !== null);
    assert.ok(loop.length >= 3 && yes.length >= 3, `samples with a rate: loop ${loop.length}, yes ${yes.length}`);
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
    for (const v of [m.anonBytes, m.fileBytes, m.peakBytes]) assert.equal(typeof v, 'number');
    assert.ok(m.peakBytes! >= m.anonBytes!);
    assert.equal(m.softLimitBytes, null, 'no soft limit is unlimited = null');
    // failcnt: v1 memory.failcnt (a number, 0 without a limit); v2 has no such counter → null.
    const failcnt = kernelMemoryFailcnt(lp(), 'yes');
    assert.equal(m.failcnt, failcnt === null ? null : Number(failcnt));
    if (isV2(lp())) {
      // v2: memory.events has all four counters; PSI is per cgroup (cpu/memory/io.pressure in the group's dir).
      assert.deepEqual(m.events, { high: 0, max: 0, oom: 0, oomKill: 0 });
      for (const r of ['cpu', 'memory', 'io'] as const) {
        const text = kernelPressure(lp(), 'yes', r);
        assert.notEqual(text, null, `${r}.pressure is missing in the group`);
        assert.match(text!, /^some avg10=/);
        const p = s.pressure[r];
        assert.ok(p !== null, `pressure.${r} is null although the kernel has ${r}.pressure`);
        for (const v of [p.someAvg10, p.someAvg60, p.fullAvg10, p.fullAvg60]) assert.ok(typeof v === 'number' && v >= 0 && v <= 100, `${r}: ${JSON.stringify(p)}`);
      }
    } else {
      assert.deepEqual({ ...m.events, oomKill: 0 }, { high: null, max: null, oom: null, oomKill: 0 });
      // Pressure on a hybrid host comes only from a unified group of the same path, which cgdash never creates.
      assert.equal(existsSync(join(layout.unified ?? '/nonexistent', parent, 'yes')), false);
      for (const r of ['cpu', 'memory', 'io'] as const) assert.equal(kernelPressure(lp(), 'yes', r), null);
      assert.deepEqual(s.pressure, { cpu: null, memory: null, io: null });
    }
  });
});
