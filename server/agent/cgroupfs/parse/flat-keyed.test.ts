import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CgroupParseError } from '../errors';
import { parseFlatKeyed, pickKey } from './flat-keyed';

const isParseError = (file: string) => (e: unknown) => e instanceof CgroupParseError && e.file === file;

describe('parseFlatKeyed()', () => {
  // Real contents read on this machine (Linux 6.18, v1 hybrid), and pure-v2 files of bob in the
  // v2-debian12-6.1 capture (Linux 6.1; its memory.events after one OOM kill).
  const ok: Array<[string, string, Record<string, bigint>]> = [
    ['cpu.stat', 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n',
      { nr_periods: 0n, nr_throttled: 0n, throttled_time: 0n, nr_bursts: 0n, burst_time: 0n }],
    ['cpuacct.stat', 'user 9882\nsystem 4787\n', { user: 9882n, system: 4787n }],
    ['memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n', { oom_kill_disable: 0n, under_oom: 0n, oom_kill: 3n }],
    ['cpu.stat', 'usage_usec 142558103\nuser_usec 96037924\nsystem_usec 46520179\nnice_usec 0\n',
      { usage_usec: 142558103n, user_usec: 96037924n, system_usec: 46520179n, nice_usec: 0n }],
    ['cpu.stat', 'usage_usec 6364359\nuser_usec 746795\nsystem_usec 5617563\nnr_periods 14\nnr_throttled 12\nthrottled_usec 1039611\nnr_bursts 0\nburst_usec 0\n',
      { usage_usec: 6364359n, user_usec: 746795n, system_usec: 5617563n, nr_periods: 14n, nr_throttled: 12n, throttled_usec: 1039611n, nr_bursts: 0n, burst_usec: 0n }],
    ['memory.events', 'low 0\nhigh 0\nmax 134\noom 4\noom_kill 1\noom_group_kill 0\n',
      { low: 0n, high: 0n, max: 134n, oom: 4n, oom_kill: 1n, oom_group_kill: 0n }],
    ['cgroup.events', 'populated 1\nfrozen 0\n', { populated: 1n, frozen: 0n }],
    ['cpuacct.usage_big', 'usage 18446744073709551615\n', { usage: 18446744073709551615n }],
    ['memory.stat', 'total_inactive_file -4096\n', { total_inactive_file: 0n }],
    ['memory.stat', '', {}],
  ];
  for (const [file, input, want] of ok) {
    test(`parseFlatKeyed() returns ${Object.keys(want).length} keys for ${file} ${JSON.stringify(input.slice(0, 30))}`, () => {
      assert.deepEqual(Object.fromEntries(parseFlatKeyed(input, file)), want);
    });
  }

  const bad: Array<[string, string]> = [
    ['memory.stat', 'cache 0\nrss\n'],
    ['cpu.stat', 'nr_periods 1.5\n'],
    ['memory.events', 'max  1\n'],
    ['cgroup.events', 'populated one\n'],
  ];
  for (const [file, input] of bad) {
    test(`parseFlatKeyed() throws CgroupParseError naming ${file} for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseFlatKeyed(input, file), isParseError(file));
    });
  }

  test('parseFlatKeyed() reports the 1-based line number of a malformed line', () => {
    assert.throws(() => parseFlatKeyed('cache 0\nrss x\n', 'memory.stat'), (e) => e instanceof CgroupParseError && e.line === 2);
  });
});

describe('pickKey()', () => {
  test('pickKey() returns null when the kernel does not report the key', () => {
    assert.equal(pickKey(new Map([['a', 1n]]), 'b'), null);
    assert.equal(pickKey(new Map([['a', 1n]]), 'a'), 1n);
  });
});
