import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deriveStartTimeMs, parseBootTime, parseCmdline, parseCpuList, parseLoadavg, parseMeminfo, parseProcStat, parseProcStatCpus, parseProcStatus, parsePasswd, parseUptime,
} from './parse';

describe('parseProcStat()', () => {
  test('reads state, cpu ticks, threads and start time from a real line', () => {
    const line = '1234 (yes) R 1200 1234 1200 34816 1234 4194304 97 0 0 0 250 13 0 0 20 0 1 0 5000 2502656 192 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';
    assert.deepEqual(parseProcStat(line), { pid: 1234, comm: 'yes', state: 'R', cpuTicks: 263, numThreads: 1, startTicks: 5000 });
  });
  test('keeps a comm with spaces and parentheses whole', () => {
    const line = '77 (my (odd) proc) S 1 77 77 0 -1 4194560 0 0 0 0 1 2 0 0 20 0 3 0 99 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n';
    const s = parseProcStat(line);
    assert.equal(s.comm, 'my (odd) proc');
    assert.equal(s.state, 'S');
    assert.equal(s.cpuTicks, 3);
    assert.equal(s.numThreads, 3);
  });
  test('throws on text without a comm', () => {
    assert.throws(() => parseProcStat('garbage'));
  });
});

describe('parseProcStatus()', () => {
  test('reads the real uid and VmRSS in bytes', () => {
    assert.deepEqual(parseProcStatus('Name:\tyes\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t    1792 kB\n'), { uid: 1000, rssBytes: 1792 * 1024 });
  });
  test('gives 0 bytes when VmRSS is missing (kernel thread, zombie)', () => {
    assert.equal(parseProcStatus('Name:\tkthreadd\nUid:\t0\t0\t0\t0\n').rssBytes, 0);
  });
});

describe('parseCmdline()', () => {
  test('joins NUL-separated argv with spaces', () => {
    assert.equal(parseCmdline('sh\0-c\0yes > /dev/null\0'), 'sh -c yes > /dev/null');
  });
  test('returns an empty string for an empty file', () => {
    assert.equal(parseCmdline(''), '');
  });
});

describe('parseCpuList()', () => {
  for (const [input, want] of [['0-1\n', 2], ['0\n', 1], ['0,2-5\n', 5], ['0-3,8-11', 8]] as const) {
    test(`counts ${want} CPUs in ${JSON.stringify(input)}`, () => assert.equal(parseCpuList(input), want));
  }
  test('throws on garbage', () => assert.throws(() => parseCpuList('a-b')));
  test('throws on empty content', () => assert.throws(() => parseCpuList('\n')));
});

describe('parseProcStatCpus()', () => {
  test('splits busy and idle+iowait time per CPU', () => {
    const text = 'cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 60 0 30 400 10 0 0 0 0 0\ncpu1 40 0 20 400 40 0 0 0 0 0\nintr 1 2\n';
    const r = parseProcStatCpus(text);
    assert.deepEqual(r.all, { busy: 150, total: 1000 });
    assert.deepEqual(r.perCpu.get(0), { busy: 90, total: 500 });
    assert.deepEqual(r.perCpu.get(1), { busy: 60, total: 500 });
  });
});

describe('host parsers', () => {
  test('parseMeminfo() reads MemTotal and MemAvailable in bytes', () => {
    assert.deepEqual(parseMeminfo('MemTotal:       24000000 kB\nMemFree: 1 kB\nMemAvailable:   23000000 kB\n'), { totalBytes: 24000000 * 1024, availableBytes: 23000000 * 1024 });
  });
  test('parseMeminfo() throws when MemAvailable is missing', () => assert.throws(() => parseMeminfo('MemTotal: 1 kB\n')));
  test('parseLoadavg() reads three averages', () => assert.deepEqual(parseLoadavg('0.52 0.58 0.59 1/234 5678\n'), [0.52, 0.58, 0.59]));
  test('parseUptime() reads seconds', () => assert.equal(parseUptime('350735.47 234388.90\n'), 350735.47));
  test('parsePasswd() maps uids to names', () => {
    const users = parsePasswd('root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n\n');
    assert.equal(users.get(0), 'root');
    assert.equal(users.get(65534), 'nobody');
  });
});

describe('parseBootTime()', () => {
  const cases: Array<[string, string, number | null]> = [
    ['real /proc/stat', 'cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\nintr 1 2\nctxt 3\nbtime 1796306023\nprocesses 9\n', 1796306023],
    ['empty content', '', null],
    ['no btime line', 'cpu  1 2 3 4\nctxt 3\n', null],
    ['a malformed btime line', 'btime soon\n', null],
    ['a btime with a trailing field', 'btime 17 18\n', null],
  ];
  for (const [what, input, want] of cases) {
    test(`parseBootTime() returns ${want} for ${what}`, () => assert.equal(parseBootTime(input), want));
  }
});

describe('deriveStartTimeMs()', () => {
  const cases: Array<[string, number | null, number, number, number | null]> = [
    ['start 50 s after boot at 100 Hz', 1796306023, 5000, 100, 1796306023000 + 50_000],
    ['a fractional tick count at 100 Hz (10 ms steps)', 1796306023, 239873, 100, 1796306023000 + 2_398_730],
    ['250 Hz ticks', 1000, 1, 250, 1_000_004],
    ['unknown boot time', null, 5000, 100, null],
    ['a malformed tick count', 1000, Number.NaN, 100, null],
  ];
  for (const [what, btime, ticks, hz, want] of cases) {
    test(`deriveStartTimeMs() gives ${want} for ${what}`, () => assert.equal(deriveStartTimeMs(btime, ticks, hz), want));
  }
});
