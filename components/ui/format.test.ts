import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorDetailSuffix, formatByteRate, formatByteRateShort, formatCount, formatOpsRate, formatSeconds, formatStartTime } from './format';

describe('errorDetailSuffix()', () => {
  it('errorDetailSuffix() is empty when the message already names the errno', () => {
    const msg = 'The kernel refused to write "1048576" to memory.limit_in_bytes: EBUSY (Device or resource busy).';
    assert.equal(errorDetailSuffix(msg, 'EBUSY', 'memory.limit_in_bytes'), '');
    assert.equal(errorDetailSuffix('EINVAL writing cpu.max', 'EINVAL', 'memory.max'), '');
  });

  it('errorDetailSuffix() shows errno and file when the message names neither', () => {
    assert.equal(errorDetailSuffix('The limit could not be set.', 'EBUSY', 'memory.limit_in_bytes'), '[EBUSY memory.limit_in_bytes]');
  });

  it('errorDetailSuffix() leaves out a file the message already names, and is empty with nothing to add', () => {
    assert.equal(errorDetailSuffix('Could not write memory.max.', 'EINVAL', 'memory.max'), '[EINVAL]');
    assert.equal(errorDetailSuffix('Could not write memory.max.', undefined, 'memory.max'), '');
    assert.equal(errorDetailSuffix('Not connected.'), '');
  });
});

describe('formatStartTime()', () => {
  // Local-time constructors, so the cases hold in any time zone.
  const now = new Date(2026, 11, 3, 15, 30).getTime();
  const cases: Array<[string, number | null, string]> = [
    ['a start earlier today', new Date(2026, 11, 3, 9, 5).getTime(), '09:05'],
    ['a start at local midnight today', new Date(2026, 11, 3, 0, 0).getTime(), '00:00'],
    ['a start yesterday evening (less than 24 h ago)', new Date(2026, 11, 2, 23, 59).getTime(), 'Dec 02'],
    ['a start months ago', new Date(2026, 2, 7, 12, 0).getTime(), 'Mar 07'],
    ['a start more than a year ago', new Date(2024, 5, 1).getTime(), '2024'],
    ['an unknown start', null, '—'],
  ];
  for (const [what, start, want] of cases) {
    it(`formatStartTime() gives ${JSON.stringify(want)} for ${what}`, () => assert.equal(formatStartTime(start, now), want));
  }
});

describe('formatByteRate()', () => {
  const cases: Array<[number | null, string]> = [
    [null, '—'],
    [0, '0 B/s'],
    [812.6, '813 B/s'],
    [1536, '1.5 KiB/s'],
    [5 * 1024 * 1024, '5.0 MiB/s'],
  ];
  for (const [v, want] of cases) it(`formatByteRate(${v}) is "${want}"`, () => assert.equal(formatByteRate(v), want));
});

describe('formatOpsRate()', () => {
  const cases: Array<[number | null, string]> = [[null, '—'], [0, '0/s'], [2.46, '2.5/s'], [340.4, '340/s']];
  for (const [v, want] of cases) it(`formatOpsRate(${v}) is "${want}"`, () => assert.equal(formatOpsRate(v), want));
});

describe('formatCount()', () => {
  it('formatCount() groups thousands and shows null as a dash, never 0', () => {
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(null), '—');
  });
});

describe('formatSeconds()', () => {
  const cases: Array<[number | null, string]> = [
    [null, '—'],
    [0, '0.00 s'],
    [0.421, '0.42 s'],
    [59.94, '59.9 s'],
    [125.2, '2m 05s'],
    [3 * 3600 + 7 * 60 + 12, '3h 07m'],
  ];
  for (const [v, want] of cases) it(`formatSeconds(${v}) is "${want}"`, () => assert.equal(formatSeconds(v), want));
});

describe('formatByteRateShort()', () => {
  const cases: Array<[number | null, string]> = [
    [null, '—'],
    [0, '0'],
    [812.4, '812B'],
    [1023.7, '1.0K'],
    [12.5 * 1024, '12.5K'],
    [512 * 1024, '512K'],
    [1023.99 * 1024, '1.0M'],
    [1.23 * 2 ** 20, '1.2M'],
    [3 * 2 ** 30, '3.0G'],
  ];
  for (const [v, want] of cases) it(`formatByteRateShort(${v}) is "${want}"`, () => assert.equal(formatByteRateShort(v), want));
});
