import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_QUOTA_USEC, percentToQuotaUsec, quotaToPercent } from './cpu';

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
