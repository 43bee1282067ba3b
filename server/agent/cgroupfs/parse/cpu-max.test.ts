import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CpuQuota } from '../driver';
import { CgroupParseError } from '../errors';
import { formatCpuMax, parseCpuMax } from './cpu-max';

describe('parseCpuMax()', () => {
  const ok: Array<[string, CpuQuota | null]> = [
    ['max 100000\n', null],
    ['50000 100000\n', { quotaUsec: 50000n, periodUsec: 100000n }],
    ['10000 100000', { quotaUsec: 10000n, periodUsec: 100000n }],
  ];
  for (const [input, want] of ok) {
    test(`parseCpuMax() returns ${want === null ? 'null (unlimited)' : `${want.quotaUsec}/${want.periodUsec}`} for ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseCpuMax(input), want);
    });
  }
  for (const input of ['', 'max\n', '-1 100000\n', '50000\t100000\n', '50000 100000 1\n']) {
    test(`parseCpuMax() throws CgroupParseError naming cpu.max for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseCpuMax(input), (e) => e instanceof CgroupParseError && e.file === 'cpu.max');
    });
  }
});

describe('formatCpuMax()', () => {
  test('formatCpuMax() writes "max <period>" for unlimited and "<quota> <period>" otherwise', () => {
    assert.equal(formatCpuMax(null, 100000n), 'max 100000');
    assert.equal(formatCpuMax({ quotaUsec: 10000n, periodUsec: 100000n }, 1n), '10000 100000');
  });
});
