import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CgroupParseError } from '../errors';
import { parseProcs } from './procs';

describe('parseProcs()', () => {
  const ok: Array<[string, number[]]> = [
    ['1234\n5678\n', [1234, 5678]],
    ['', []],
    ['42', [42]],
  ];
  for (const [input, want] of ok) {
    test(`parseProcs() returns ${JSON.stringify(want)} for ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseProcs(input), want);
    });
  }
  for (const input of ['12 34\n', '12\nabc\n', '-1\n']) {
    test(`parseProcs() throws CgroupParseError naming cgroup.procs for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseProcs(input), (e) => e instanceof CgroupParseError && e.file === 'cgroup.procs');
    });
  }
});
