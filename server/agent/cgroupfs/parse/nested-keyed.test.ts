import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CgroupParseError } from '../errors';
import { parseIoStat, parseNestedKeyed, parsePressure, type IoCounters, type PressureStats } from './nested-keyed';

const isParseError = (file: string, line?: number) => (e: unknown) =>
  e instanceof CgroupParseError && e.file === file && (line === undefined || e.line === line);

// Read on this machine (Linux 6.18): /sys/fs/cgroup/unified/cpu.pressure of the hybrid host.
const CPU_PRESSURE = 'some avg10=1.14 avg60=15.86 avg300=25.18 total=716153180\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n';

describe('parseNestedKeyed()', () => {
  test('parseNestedKeyed() returns keys, sub-values and line numbers of real content', () => {
    const lines = parseNestedKeyed(CPU_PRESSURE, 'cpu.pressure');
    assert.deepEqual(lines.map((l) => [l.key, Object.fromEntries(l.values), l.line]), [
      ['some', { avg10: '1.14', avg60: '15.86', avg300: '25.18', total: '716153180' }, 1],
      ['full', { avg10: '0.00', avg60: '0.00', avg300: '0.00', total: '0' }, 2],
    ]);
  });
  test('parseNestedKeyed() returns [] for empty content', () => {
    assert.deepEqual(parseNestedKeyed('', 'io.stat'), []);
  });
  for (const input of ['8:0 rbytes\n', '8:0 rbytes==1\n', '=1 rbytes=1\n', ' rbytes=1\n']) {
    test(`parseNestedKeyed() throws CgroupParseError naming the file for ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseNestedKeyed(input, 'io.stat'), isParseError('io.stat', 1));
    });
  }
});

describe('parseIoStat()', () => {
  const ok: Array<[string, Record<string, IoCounters>]> = [
    // Format of cgroup-v2.rst "io.stat" (two devices, iocost's extra keys ignored).
    ['8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021 cost.vrate=135.29\n', {
      '8:16': { readBytes: 1459200n, writeBytes: 314773504n, readOps: 192n, writeOps: 353n },
      '8:0': { readBytes: 90430464n, writeBytes: 299008000n, readOps: 8950n, writeOps: 1252n },
    }],
    // Counters past 2^53 stay exact.
    ['254:0 rbytes=18446744073709551615 wbytes=0 rios=1 wios=0\n', { '254:0': { readBytes: 18446744073709551615n, writeBytes: 0n, readOps: 1n, writeOps: 0n } }],
    ['', {}],
    // Linux 6.1 prints a bare "MAJ:MIN " for a device with no I/O yet (seen right after io.max was set).
    ['254:0 \n', { '254:0': { readBytes: 0n, writeBytes: 0n, readOps: 0n, writeOps: 0n } }],
  ];
  for (const [input, want] of ok) {
    test(`parseIoStat() returns ${Object.keys(want).length} device(s) for ${JSON.stringify(input.slice(0, 30))}`, () => {
      assert.deepEqual(parseIoStat(input), want);
    });
  }
  test('parseIoStat() returns what dd did for the real Linux 6.1 line of the v2-debian12-6.1 capture', () => {
    // bob's io.stat after `dd … bs=1M count=32 iflag=direct` from and `dd … bs=1M count=8 oflag=direct` to the
    // VM's scratch disk 254:0 (see the fixture's README): each 1 MiB block one request, dbytes/dios ignored.
    const text = readFileSync(join(import.meta.dirname, '../../../../test/fixtures/cgroupfs/v2-debian12-6.1/sys/fs/cgroup/cgdash/bob/io.stat'), 'utf8');
    assert.match(text, /^254:0 rbytes=\d+ wbytes=\d+ rios=\d+ wios=\d+ dbytes=0 dios=0\n$/);
    assert.deepEqual(parseIoStat(text), { '254:0': { readBytes: 32n * 1024n * 1024n, writeBytes: 8n * 1024n * 1024n, readOps: 32n, writeOps: 8n } });
  });
  const bad: Array<[string, number]> = [
    ['8:0 rbytes=1 wbytes=2 rios=3\n', 1], // wios missing
    ['8:0 rbytes=1 wbytes=2 rios=3 wios=4\n8:16 rbytes=-1 wbytes=2 rios=3 wios=4\n', 2],
    ['sda rbytes=1 wbytes=2 rios=3 wios=4\n', 1],
    ['8:0 rbytes=max wbytes=2 rios=3 wios=4\n', 1],
  ];
  for (const [input, line] of bad) {
    test(`parseIoStat() throws CgroupParseError naming io.stat line ${line} for ${JSON.stringify(input.slice(0, 40))}`, () => {
      assert.throws(() => parseIoStat(input), isParseError('io.stat', line));
    });
  }
});

describe('parsePressure()', () => {
  const ok: Array<[string, PressureStats]> = [
    [CPU_PRESSURE, { some: { avg10: 1.14, avg60: 15.86 }, full: { avg10: 0, avg60: 0 } }],
    // cpu.pressure before Linux 5.13 has no "full" line: full is null, not 0.
    ['some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n', { some: { avg10: 0, avg60: 0 }, full: null }],
    ['some avg10=100.00 avg60=99.50 avg300=80.00 total=9999999\nfull avg10=42.10 avg60=7.00 avg300=1.00 total=123\n',
      { some: { avg10: 100, avg60: 99.5 }, full: { avg10: 42.1, avg60: 7 } }],
    ['', { some: null, full: null }],
  ];
  for (const [input, want] of ok) {
    test(`parsePressure() returns ${JSON.stringify(want)} for ${JSON.stringify(input.slice(0, 30))}`, () => {
      assert.deepEqual(parsePressure(input, 'cpu.pressure'), want);
    });
  }
  for (const input of ['most avg10=0.00 avg60=0.00 avg300=0.00 total=0\n', 'some avg10=abc avg60=0.00 avg300=0.00 total=0\n', 'some avg60=0.00 avg300=0.00 total=0\n', 'some avg10=-1.00 avg60=0.00\n']) {
    test(`parsePressure() throws CgroupParseError naming the file for ${JSON.stringify(input.slice(0, 30))}`, () => {
      assert.throws(() => parsePressure(input, 'memory.pressure'), isParseError('memory.pressure', 1));
    });
  }
});
