import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateTicks } from './chart-frame';

describe('rateTicks()', () => {
  it('rateTicks() keeps at least 1 KiB/s of axis for an idle group', () => {
    assert.deepEqual(rateTicks(0), { max: 1024, ticks: [0, 256, 512, 768, 1024] });
  });

  it('rateTicks() covers the peak with at most 5 power-of-two ticks', () => {
    for (const peak of [1500, 3 * 2 ** 20, 123_456_789, 2 ** 30]) {
      const { max, ticks } = rateTicks(peak);
      assert.ok(max >= peak, `max ${max} ≥ peak ${peak}`);
      assert.ok(ticks.length <= 5, `${ticks.length} ticks for ${peak}`);
      assert.equal(ticks.at(-1), max);
      const step = ticks[1] - ticks[0];
      assert.equal(Math.log2(step) % 1, 0, `step ${step} is a power of two`);
    }
  });

  it('rateTicks() ignores a non-finite peak', () => {
    assert.equal(rateTicks(Number.NaN).max, 1024);
  });
});
