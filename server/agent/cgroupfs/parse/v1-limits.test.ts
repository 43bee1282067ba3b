import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CpuQuota } from '../driver';
import { CgroupParseError } from '../errors';
import { parseV1CpuQuota, parseV1MemoryLimit } from './v1-limits';

describe('parseV1MemoryLimit()', () => {
  const ok: Array<[string, bigint | null]> = [
    // Unlimited as read on this machine (4 KiB pages): LONG_MAX rounded down to a page.
    ['9223372036854771712\n', null],
    // Unlimited with 64 KiB pages (arm64/ppc64 kernels): a different number, same meaning.
    ['9223372036854710272\n', null],
    ['4611686018427387904\n', null],
    ['83886080\n', 83886080n],
    ['4611686018427387903\n', 4611686018427387903n],
  ];
  for (const [input, want] of ok) {
    test(`parseV1MemoryLimit() returns ${want ?? 'null (unlimited)'} for ${JSON.stringify(input)}`, () => {
      assert.equal(parseV1MemoryLimit(input), want);
    });
  }
  for (const input of ['', '-1\n', 'max\n', '80M\n']) {
    test(`parseV1MemoryLimit() throws CgroupParseError naming the file for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseV1MemoryLimit(input), (e) => e instanceof CgroupParseError && e.file === 'memory.limit_in_bytes');
    });
  }
});

describe('parseV1CpuQuota()', () => {
  const ok: Array<[string, string, CpuQuota | null]> = [
    ['-1\n', '100000\n', null],
    ['10000\n', '100000\n', { quotaUsec: 10000n, periodUsec: 100000n }],
    ['250000\n', '1000000\n', { quotaUsec: 250000n, periodUsec: 1000000n }],
  ];
  for (const [quota, period, want] of ok) {
    test(`parseV1CpuQuota() returns ${want === null ? 'null (unlimited)' : want.quotaUsec} for quota ${JSON.stringify(quota)}`, () => {
      assert.deepEqual(parseV1CpuQuota(quota, period), want);
    });
  }
  test('parseV1CpuQuota() throws CgroupParseError naming cpu.cfs_quota_us for a bad quota', () => {
    assert.throws(() => parseV1CpuQuota('', '100000\n'), (e) => e instanceof CgroupParseError && e.file === 'cpu.cfs_quota_us');
    assert.throws(() => parseV1CpuQuota('-2\n', '100000\n'), (e) => e instanceof CgroupParseError && e.file === 'cpu.cfs_quota_us');
  });
  test('parseV1CpuQuota() throws CgroupParseError naming cpu.cfs_period_us for a bad period', () => {
    assert.throws(() => parseV1CpuQuota('10000\n', ''), (e) => e instanceof CgroupParseError && e.file === 'cpu.cfs_period_us');
    assert.throws(() => parseV1CpuQuota('-1\n', 'max\n'), (e) => e instanceof CgroupParseError && e.file === 'cpu.cfs_period_us');
  });
});
