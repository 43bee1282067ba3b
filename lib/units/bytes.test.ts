import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, parseBytes } from './bytes';

describe('parseBytes()', () => {
  const ok: Array<[number | string, number]> = [
    ['80M', 80 * 2 ** 20], ['80m', 80 * 2 ** 20], ['80MiB', 80 * 2 ** 20], ['80 MB', 80 * 2 ** 20], ['1.5G', 1.5 * 2 ** 30],
    ['512k', 512 * 1024], ['1048576', 1048576], [' 2T ', 2 * 2 ** 40], [4096, 4096],
  ];
  for (const [input, want] of ok) {
    test(`reads ${JSON.stringify(input)} as ${want} bytes`, () => assert.deepEqual(parseBytes(input), { ok: true, bytes: want }));
  }
  for (const bad of ['80Q', '', '  ', '-1', '0', 'M', '1e3', '80MM', '8 0M', 0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '9999999999T']) {
    test(`refuses ${JSON.stringify(bad)} with a sentence`, () => {
      const r = parseBytes(bad);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.message, /\.$/);
    });
  }
  test('stays fast on a long run of spaces (no catastrophic backtracking)', () => {
    const t0 = performance.now();
    parseBytes(`1${' '.repeat(50_000)}x`);
    assert.ok(performance.now() - t0 < 200);
  });
});

describe('formatBytes()', () => {
  test('formats binary units with one decimal', () => {
    assert.equal(formatBytes(83886080), '80.0 MiB');
    assert.equal(formatBytes(269004800), '256.5 MiB');
    assert.equal(formatBytes(512), '512 B');
  });
  test('shows a dash for null', () => assert.equal(formatBytes(null), '—'));
});
