import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorDetailSuffix, formatStartTime } from './format';

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
