import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CgroupParseError } from '../errors';
import { parseIntOrMax, parseSingleInt } from './single-value';

const isParseError = (file: string) => (e: unknown) => e instanceof CgroupParseError && e.file === file;

describe('parseSingleInt()', () => {
  const ok: Array<[string, bigint]> = [
    ['2734877219\n', 2734877219n],
    ['0\n', 0n],
    ['18446744073709551615\n', 18446744073709551615n],
    ['100000', 100000n],
  ];
  for (const [input, want] of ok) {
    test(`parseSingleInt() returns ${want} for ${JSON.stringify(input)}`, () => {
      assert.equal(parseSingleInt(input, 'cpuacct.usage'), want);
    });
  }
  for (const input of ['', '\n', 'max\n', '-1\n', '12 13\n', '1\n2\n']) {
    test(`parseSingleInt() throws CgroupParseError naming the file for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseSingleInt(input, 'memory.usage_in_bytes'), isParseError('memory.usage_in_bytes'));
    });
  }
});

describe('parseIntOrMax()', () => {
  const ok: Array<[string, bigint | null]> = [
    ['max\n', null],
    ['83886080\n', 83886080n],
    ['0\n', 0n],
  ];
  for (const [input, want] of ok) {
    test(`parseIntOrMax() returns ${want} for ${JSON.stringify(input)}`, () => {
      assert.equal(parseIntOrMax(input, 'memory.max'), want);
    });
  }
  for (const input of ['', 'MAX\n', '-1\n', 'max 100000\n']) {
    test(`parseIntOrMax() throws CgroupParseError naming the file for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseIntOrMax(input, 'memory.max'), isParseError('memory.max'));
    });
  }
});
