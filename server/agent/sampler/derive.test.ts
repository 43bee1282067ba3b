import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawCgroupStats } from '../cgroupfs/driver';
import { deriveSample, deriveTree, effectiveLimit, type Timed } from './derive';

const base: RawCgroupStats = {
  identity: 42n, cpuUsageNs: 1_000_000_000n, cpuUserNs: 700_000_000n, cpuSystemNs: 300_000_000n, nrPeriods: 100n, nrThrottled: 10n,
  throttledNs: 944_581_840n, cpuQuota: { quotaUsec: 10_000n, periodUsec: 100_000n }, memoryUsageBytes: 50n * 1024n * 1024n,
  memoryLimitBytes: 80n * 1024n * 1024n, inactiveFileBytes: 10n * 1024n * 1024n, oomKills: 0n,
  memoryAnonBytes: 122_880n, memoryFileBytes: 16_384n, memoryKernelBytes: null, memorySwapBytes: 0n, memoryPeakBytes: 2n ** 60n,
  memorySoftLimitBytes: null, memoryFailcnt: 7n, memoryEvents: { high: null, max: null, oom: null },
  freezer: 'thawed', pids: 3, threads: 5, pidsLimit: null,
  io: { '254:0': { readBytes: 4096n, writeBytes: 1_000_000n, readOps: 1n, writeOps: 10n } },
  pressure: { cpu: { some: { avg10: 1.14, avg60: 15.86 }, full: null }, memory: null, io: null },
  cpusetCpus: null,
};
const io = (writeBytes: bigint, writeOps: bigint, more: Record<string, { readBytes: bigint; writeBytes: bigint; readOps: bigint; writeOps: bigint }> = {}) =>
  ({ io: { '254:0': { readBytes: 4096n, writeBytes, readOps: 1n, writeOps }, ...more } });
const at = (atNs: bigint, over: Partial<RawCgroupStats> = {}): Timed<RawCgroupStats> => ({ atNs, stats: { ...base, ...over } });
const SEC = 1_000_000_000n;

describe('deriveSample()', () => {
  test('gives null rates on the first sample', () => {
    const s = deriveSample('bob', undefined, at(SEC), 2, 1000);
    assert.equal(s.cpu.usageCores, null);
    assert.equal(s.cpu.usagePercent, null);
    assert.equal(s.cpu.throttledPercent, null);
    assert.equal(s.memory.usageBytes, 50 * 1024 * 1024);
  });
  test('computes cores and % of machine from a steady counter over monotonic time', () => {
    const s = deriveSample('bob', at(SEC), at(2n * SEC, { cpuUsageNs: 1_500_000_000n }), 2, 2000);
    assert.equal(s.cpu.usageCores, 0.5);
    assert.equal(s.cpu.usagePercent, 25);
  });
  test('gives null (not negative) when the counter goes backwards', () => {
    const s = deriveSample('bob', at(SEC), at(2n * SEC, { cpuUsageNs: 10n }), 2, 2000);
    assert.equal(s.cpu.usageCores, null);
  });
  test('gives null (no spike) when the sandbox was re-created (inode changed)', () => {
    const s = deriveSample('bob', at(SEC), at(2n * SEC, { identity: 43n, cpuUsageNs: 9_000_000_000n }), 2, 2000);
    assert.equal(s.cpu.usageCores, null);
    assert.equal(s.cpu.throttledPercent, null);
  });
  test('gives null when the clock did not advance', () => {
    const s = deriveSample('bob', at(SEC), at(SEC, { cpuUsageNs: 2_000_000_000n }), 2, 2000);
    assert.equal(s.cpu.usageCores, null);
  });
  test('converts the quota to % of the machine and unlimited to null', () => {
    assert.equal(deriveSample('bob', undefined, at(SEC), 2, 0).cpu.limitPercent, 5);
    assert.equal(deriveSample('bob', undefined, at(SEC, { cpuQuota: null }), 2, 0).cpu.limitPercent, null);
  });
  test('computes the share of throttled periods in the interval', () => {
    const s = deriveSample('bob', at(SEC), at(2n * SEC, { nrPeriods: 110n, nrThrottled: 19n }), 2, 0);
    assert.equal(s.cpu.throttledPercent, 90);
  });
  test('floors the working set at 0 and keeps unlimited memory as null', () => {
    const s = deriveSample('bob', undefined, at(SEC, { memoryUsageBytes: 5n, inactiveFileBytes: 9n, memoryLimitBytes: null }), 2, 0);
    assert.equal(s.memory.workingSetBytes, 0);
    assert.equal(s.memory.limitBytes, null);
  });
  test('reports frozen only for the frozen state', () => {
    assert.equal(deriveSample('b', undefined, at(SEC, { freezer: 'freezing' }), 2, 0).frozen, false);
    assert.equal(deriveSample('b', undefined, at(SEC, { freezer: 'frozen' }), 2, 0).frozen, true);
  });
  test('splits CPU into user and system % of the machine from the ns counters', () => {
    const s = deriveSample('bob', at(SEC), at(3n * SEC, { cpuUserNs: 2_700_000_000n, cpuSystemNs: 500_000_000n }), 2, 0);
    assert.equal(s.cpu.userPercent, 50);
    assert.equal(s.cpu.systemPercent, 5);
  });
  test('gives null user/system % on the first sample, on a reset and on re-creation', () => {
    assert.equal(deriveSample('bob', undefined, at(SEC), 2, 0).cpu.userPercent, null);
    const reset = deriveSample('bob', at(SEC), at(2n * SEC, { cpuUserNs: 1n, cpuSystemNs: 400_000_000n }), 2, 0);
    assert.equal(reset.cpu.userPercent, null);
    assert.equal(reset.cpu.systemPercent, 5);
    const recreated = deriveSample('bob', at(SEC), at(2n * SEC, { identity: 43n, cpuUserNs: 9_000_000_000n }), 2, 0);
    assert.equal(recreated.cpu.userPercent, null);
    assert.equal(recreated.cpu.systemPercent, null);
  });
  test('reports throttled time in seconds, cumulative, from the first sample on', () => {
    assert.equal(deriveSample('bob', undefined, at(SEC), 2, 0).cpu.throttledSeconds, 0.94458184);
    assert.equal(deriveSample('bob', undefined, at(SEC, { throttledNs: null }), 2, 0).cpu.throttledSeconds, null);
  });
  test('passes the memory breakdown through as numbers and keeps null as null (never 0)', () => {
    const s = deriveSample('bob', undefined, at(SEC), 2, 0);
    assert.deepEqual({ ...s.memory, usageBytes: 0, workingSetBytes: 0, limitBytes: 0 }, {
      usageBytes: 0, workingSetBytes: 0, limitBytes: 0, oomKills: 0,
      anonBytes: 122880, fileBytes: 16384, kernelBytes: null, swapBytes: 0, peakBytes: 2 ** 60, softLimitBytes: null, failcnt: 7,
      events: { high: null, max: null, oom: null, oomKill: 0 },
    });
    assert.equal(s.threads, 5);
    assert.equal(s.pidsLimit, null);
    assert.equal(deriveSample('bob', undefined, at(SEC, { pidsLimit: 512n }), 2, 0).pidsLimit, 512);
  });
  test('gives null I/O rates (per device too) on the first sample', () => {
    const s = deriveSample('bob', undefined, at(SEC), 2, 0);
    assert.deepEqual(s.io, {
      readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null,
      devices: { '254:0': { readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null } },
    });
  });
  test('computes I/O rates per device and in total from steady counters over monotonic time', () => {
    const more = { '8:0': { readBytes: 0n, writeBytes: 0n, readOps: 0n, writeOps: 0n } };
    const grown = { '8:0': { readBytes: 1_000n, writeBytes: 0n, readOps: 2n, writeOps: 0n } };
    const s = deriveSample('bob', at(SEC, io(1_000_000n, 10n, more)), at(3n * SEC, io(5_000_000n, 30n, grown)), 2, 0);
    assert.deepEqual(s.io.devices, {
      '254:0': { readBytesPerSec: 0, writeBytesPerSec: 2_000_000, readOpsPerSec: 0, writeOpsPerSec: 10 },
      '8:0': { readBytesPerSec: 500, writeBytesPerSec: 0, readOpsPerSec: 1, writeOpsPerSec: 0 },
    });
    assert.deepEqual({ ...s.io, devices: null }, { readBytesPerSec: 500, writeBytesPerSec: 2_000_000, readOpsPerSec: 1, writeOpsPerSec: 10, devices: null });
  });
  test('counts a device that appears between two reads of the same group from 0', () => {
    const s = deriveSample('bob', at(SEC, { io: {} }), at(2n * SEC, io(64n * 1024n * 1024n, 128n)), 2, 0);
    assert.equal(s.io.writeBytesPerSec, 64 * 1024 * 1024);
    assert.equal(s.io.devices?.['254:0'].writeOpsPerSec, 128);
  });
  test('gives 0 B/s when two reads of the same group show no I/O at all (v1 "Total 0")', () => {
    const s = deriveSample('bob', at(SEC, { io: {} }), at(2n * SEC, { io: {} }), 2, 0);
    assert.deepEqual(s.io, { readBytesPerSec: 0, writeBytesPerSec: 0, readOpsPerSec: 0, writeOpsPerSec: 0, devices: {} });
  });
  test('gives null (not negative) for an I/O counter that went backwards, per device and in total', () => {
    const s = deriveSample('bob', at(SEC), at(2n * SEC, io(10n, 11n)), 2, 0);
    assert.equal(s.io.devices?.['254:0'].writeBytesPerSec, null);
    assert.equal(s.io.writeBytesPerSec, null);
    assert.equal(s.io.writeOpsPerSec, 1);
    assert.equal(s.io.readBytesPerSec, 0);
  });
  test('gives null I/O rates (no spike) when the sandbox was re-created (inode changed)', () => {
    const s = deriveSample('bob', at(SEC), at(2n * SEC, { identity: 43n, ...io(9_000_000_000n, 9_000n) }), 2, 0);
    assert.equal(s.io.writeBytesPerSec, null);
    assert.equal(s.io.devices?.['254:0'].writeBytesPerSec, null);
  });
  test('gives null I/O rates and devices when the kernel has no I/O accounting', () => {
    const s = deriveSample('bob', at(SEC, { io: null }), at(2n * SEC, { io: null }), 2, 0);
    assert.deepEqual(s.io, { readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null, devices: null });
  });
  test('flattens pressure averages, with null full fields where the kernel has no "full" line', () => {
    const s = deriveSample('bob', undefined, at(SEC, { pressure: {
      cpu: { some: { avg10: 1.14, avg60: 15.86 }, full: null },
      memory: { some: { avg10: 0, avg60: 0.5 }, full: { avg10: 0, avg60: 0.25 } },
      io: null,
    } }), 2, 0);
    assert.deepEqual(s.pressure, {
      cpu: { someAvg10: 1.14, someAvg60: 15.86, fullAvg10: null, fullAvg60: null },
      memory: { someAvg10: 0, someAvg60: 0.5, fullAvg10: 0, fullAvg60: 0.25 },
      io: null,
    });
  });
});

describe('effectiveLimit()', () => {
  test('effectiveLimit() gives the smaller of quota and cpuset share, 100 with neither, the quota without cpuset info', () => {
    assert.equal(effectiveLimit(null, 2, 2), 100);
    assert.equal(effectiveLimit(null, 1, 2), 50);
    assert.equal(effectiveLimit(25, 1, 2), 25);
    assert.equal(effectiveLimit(80, 1, 2), 50);
    assert.equal(effectiveLimit(null, null, 2), null);
    assert.equal(effectiveLimit(30, null, 2), 30);
  });
});

describe('deriveTree()', () => {
  const tree = (entries: [string, Timed<RawCgroupStats>][]) => new Map(entries);
  const none = new Map<string, Timed<RawCgroupStats>>();

  test('deriveTree() nests children under their parent path, sorted, with null rates on the first sample', () => {
    const reads = tree([
      ['bob', at(SEC)], ['bob/w2', at(SEC, { identity: 2n })], ['bob/w1', at(SEC, { identity: 1n })], ['bob/w1/x', at(SEC, { identity: 3n })],
    ]);
    const s = deriveTree('bob', reads, none, 2, 1000);
    assert.deepEqual(s.children!.map((c) => c.name), ['bob/w1', 'bob/w2']);
    assert.deepEqual(s.children![0].children!.map((c) => c.name), ['bob/w1/x']);
    assert.deepEqual(s.children![1].children, []);
    for (const c of [s, ...s.children!]) assert.equal(c.cpu.usageCores, null);
  });

  test('deriveTree() computes each child rate from the previous read of the same path', () => {
    const prev = tree([['bob', at(SEC)], ['bob/w1', at(SEC, { identity: 1n, cpuUsageNs: 100_000_000n })]]);
    const reads = tree([['bob', at(2n * SEC, { cpuUsageNs: 2_000_000_000n })], ['bob/w1', at(2n * SEC, { identity: 1n, cpuUsageNs: 700_000_000n })]]);
    const s = deriveTree('bob', reads, prev, 2, 2000);
    assert.equal(s.cpu.usageCores, 1);
    assert.equal(s.children![0].cpu.usageCores, 0.6);
    assert.equal(s.children![0].cpu.usagePercent, 30);
  });

  test('deriveTree() gives null child rates when the child was re-created under the same path (inode changed)', () => {
    const prev = tree([['bob', at(SEC)], ['bob/w1', at(SEC, { identity: 1n, cpuUsageNs: 100_000_000n })]]);
    const reads = tree([['bob', at(2n * SEC)], ['bob/w1', at(2n * SEC, { identity: 9n, cpuUsageNs: 900_000_000n })]]);
    assert.equal(deriveTree('bob', reads, prev, 2, 2000).children![0].cpu.usageCores, null);
  });

  test('deriveTree() sums pids and threads over the subtree, each level its own total', () => {
    const reads = tree([
      ['bob', at(SEC, { pids: 1, threads: 2 })], ['bob/w1', at(SEC, { identity: 1n, pids: 2, threads: 3 })], ['bob/w1/x', at(SEC, { identity: 3n, pids: 4, threads: 4 })],
    ]);
    const s = deriveTree('bob', reads, none, 2, 0);
    assert.deepEqual([s.pids, s.threads], [7, 9]);
    assert.deepEqual([s.children![0].pids, s.children![0].threads], [6, 7]);
    assert.deepEqual([s.children![0].children![0].pids, s.children![0].children![0].threads], [4, 4]);
  });

  test('deriveTree() caps a child effective limit by its ancestors and hangs an orphan under the nearest ancestor', () => {
    // bob: 10 000/100 000 µs on 2 CPUs = 5 %; the child has no quota but a 1-CPU cpuset (50 %).
    const reads = tree([['bob', at(SEC, { cpusetCpus: 2 })], ['bob/w1/x', at(SEC, { identity: 3n, cpuQuota: null, cpusetCpus: 1 })]]);
    const s = deriveTree('bob', reads, none, 2, 0);
    assert.equal(s.cpu.effectiveLimitPercent, 5);
    assert.deepEqual(s.children!.map((c) => [c.name, c.cpu.limitPercent, c.cpu.cpusetCpus, c.cpu.effectiveLimitPercent]), [['bob/w1/x', null, 1, 5]]);
  });
});
