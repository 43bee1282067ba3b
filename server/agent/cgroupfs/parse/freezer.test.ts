import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FreezerState } from '../../../../lib/protocol';
import { CgroupParseError } from '../errors';
import { detectV2FreezerState, parseV1FreezerState } from './freezer';

describe('parseV1FreezerState()', () => {
  const ok: Array<[string, FreezerState]> = [
    ['THAWED\n', 'thawed'],
    ['FREEZING\n', 'freezing'],
    ['FROZEN\n', 'frozen'],
    ['FROZEN', 'frozen'],
  ];
  for (const [input, want] of ok) {
    test(`parseV1FreezerState() returns ${want} for ${JSON.stringify(input)}`, () => {
      assert.equal(parseV1FreezerState(input), want);
    });
  }
  for (const input of ['', 'frozen\n', 'FROZEN\nTHAWED\n', '1\n']) {
    test(`parseV1FreezerState() throws CgroupParseError naming freezer.state for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseV1FreezerState(input), (e) => e instanceof CgroupParseError && e.file === 'freezer.state');
    });
  }
});

describe('detectV2FreezerState()', () => {
  const cases: Array<[boolean, boolean, FreezerState]> = [
    [false, false, 'thawed'],
    [true, false, 'freezing'],
    [true, true, 'frozen'],
    [false, true, 'frozen'],
  ];
  for (const [freeze, frozen, want] of cases) {
    test(`detectV2FreezerState() returns ${want} when cgroup.freeze=${Number(freeze)} and frozen=${Number(frozen)}`, () => {
      assert.equal(detectV2FreezerState(freeze, frozen), want);
    });
  }
});
