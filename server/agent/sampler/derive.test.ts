import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawCgroupStats } from '../cgroupfs/driver';
import { deriveSample, type Timed } from './derive';

const base: RawCgroupStats = {
  identity: 42n, cpuUsageNs: 1_000_000_000n, nrPeriods: 100n, nrThrottled: 10n,
  cpuQuota: { quotaUsec: 10_000n, periodUsec: 100_000n }, memoryUsageBytes: 50n * 1024n * 1024n,
  memoryLimitBytes: 80n * 1024n * 1024n, inactiveFileBytes: 10n * 1024n * 1024n, oomKills: 0n, freezer: 'thawed', pids: 3,
};
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
});
