import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_QUOTA_USEC, cpuCeiling, formatCpuCeiling, percentToQuotaUsec, quotaToPercent } from './cpu';

describe('percentToQuotaUsec()', () => {
  test('gives the libcgroup recipe: 5 % of a 2-CPU machine is 10000 µs per 100000 µs', () => assert.equal(percentToQuotaUsec(5, 2), 10_000));
  test('gives every CPU for 100 %', () => assert.equal(percentToQuotaUsec(100, 8), 800_000));
  test('never goes below the kernel minimum of 1 ms', () => assert.equal(percentToQuotaUsec(0.0001, 1), MIN_QUOTA_USEC));
});

describe('quotaToPercent()', () => {
  test('is the inverse of percentToQuotaUsec()', () => assert.equal(quotaToPercent({ quotaUsec: 10_000, periodUsec: 100_000 }, 2), 5));
  test('maps unlimited (null) to null', () => assert.equal(quotaToPercent(null, 2), null));
  test('maps a zero period to null instead of dividing by zero', () => assert.equal(quotaToPercent({ quotaUsec: 1, periodUsec: 0 }, 2), null));
});

describe('cpuCeiling() and formatCpuCeiling()', () => {
  const show = (cpu: Parameters<typeof cpuCeiling>[0], cpuCount: number | null = 2, digits = 0) => formatCpuCeiling(cpuCeiling(cpu, cpuCount), digits);
  test('no quota and a cpuset allowing every CPU is no limit', () => {
    assert.equal(show({ limitPercent: null, cpusetCpus: 2, effectiveLimitPercent: 100 }), '∞');
    assert.deepEqual(cpuCeiling({ limitPercent: null, cpusetCpus: 2, effectiveLimitPercent: 100 }, 2), { percent: null, source: null, cpusetCpus: 2 });
  });
  test('a quota below the cpuset share is the quota', () => assert.equal(show({ limitPercent: 25, cpusetCpus: 1, effectiveLimitPercent: 25 }), '25%'));
  test('a quota equal to the cpuset share is still the quota', () => assert.equal(show({ limitPercent: 50, cpusetCpus: 1, effectiveLimitPercent: 50 }), '50%'));
  test('a cpuset allowing fewer CPUs than the quota shows the effective ceiling and why', () => {
    assert.equal(show({ limitPercent: 100, cpusetCpus: 1, effectiveLimitPercent: 50 }), '50% (cpuset 1 CPU)');
    assert.equal(show({ limitPercent: null, cpusetCpus: 3, effectiveLimitPercent: 37.5 }, 8, 1), '37.5% (cpuset 3 CPUs)');
  });
  test('a child group held by its parent\'s quota says inherited', () => {
    const c = cpuCeiling({ limitPercent: null, cpusetCpus: 2, effectiveLimitPercent: 25 }, 2);
    assert.deepEqual(c, { percent: 25, source: 'inherited', cpusetCpus: 2 });
    assert.equal(formatCpuCeiling(c, 0), '25% (inherited)');
  });
  test('without the CPU count a lower ceiling with cpuset info is put down to the cpuset', () => assert.equal(show({ limitPercent: null, cpusetCpus: 1, effectiveLimitPercent: 50 }, null), '50% (cpuset 1 CPU)'));
  test('an older agent (no cpuset fields) shows the quota as before', () => {
    assert.equal(show({ limitPercent: 5 }, 2, 1), '5.0%');
    assert.equal(show({ limitPercent: null }), '∞');
    assert.equal(show({ limitPercent: null, cpusetCpus: null, effectiveLimitPercent: null }), '∞');
  });
  test('rounding noise is not a lower ceiling', () => assert.equal(show({ limitPercent: 50, cpusetCpus: 1, effectiveLimitPercent: 49.99 }), '50%'));
});
