import { CgroupParseError } from '../errors';

/**
 * Nested-keyed files (cgroup-v2.rst "Interface Files"): "<key> <sub>=<value> <sub>=<value> …" per
 * line, e.g. io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" and the pressure files
 * "some avg10=0.00 avg60=0.00 avg300=0.00 total=0". Values stay text: io.stat has integers, the
 * pressure files decimals; the typed parsers below convert them. Throws CgroupParseError naming `file`.
 */
export interface NestedKeyedLine { key: string; values: Map<string, string>; /** 1-based, for error messages. */ line: number; text: string }

/** Lines of a nested-keyed file in file order. */
export function parseNestedKeyed(text: string, file: string): NestedKeyedLine[] {
  const out: NestedKeyedLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const [key, ...pairs] = line.trimEnd().split(' ');
    if (key === '' || key.includes('=')) throw new CgroupParseError(file, i + 1, line, 'expected "<key> <sub>=<value> …"');
    const sub = new Map<string, string>();
    for (const pair of pairs) {
      const m = /^([^=\s]+)=([^=\s]+)$/.exec(pair);
      if (!m) throw new CgroupParseError(file, i + 1, line, 'expected "<key> <sub>=<value> …"');
      sub.set(m[1], m[2]);
    }
    out.push({ key, values: sub, line: i + 1, text: line });
  });
  return out;
}

/** Cumulative block I/O of one device (bytes and operations completed), as the kernel counts them. */
export interface IoCounters { readBytes: bigint; writeBytes: bigint; readOps: bigint; writeOps: bigint }

/**
 * v2 io.stat → counters per device ("major:minor"). Only rbytes/wbytes/rios/wios are taken; other
 * keys (dbytes, dios, iocost's cost.*) are ignored. The kernel prints the four only when one of them
 * is non-zero: a device the group has a blkg for but no I/O on yet (e.g. right after io.max was set
 * for it) is a bare "254:0 " line (seen on Linux 6.1, blkcg_print_one_stat), read as all zero. A line
 * with some of the four but not all, or with a non-integer value, throws CgroupParseError. Empty
 * content (no I/O yet) → empty record.
 */
export function parseIoStat(text: string, file = 'io.stat'): Record<string, IoCounters> {
  const out: Record<string, IoCounters> = {};
  for (const { key: device, values, line, text: lineText } of parseNestedKeyed(text, file)) {
    const get = (k: string): bigint => {
      const v = values.get(k);
      if (v === undefined || !/^\d+$/.test(v)) throw new CgroupParseError(file, line, lineText, `expected ${k}=<integer>`);
      return BigInt(v);
    };
    if (!/^\d+:\d+$/.test(device)) throw new CgroupParseError(file, line, lineText, 'expected a "major:minor" device');
    if (!['rbytes', 'wbytes', 'rios', 'wios'].some((k) => values.has(k))) {
      out[device] = { readBytes: 0n, writeBytes: 0n, readOps: 0n, writeOps: 0n };
      continue;
    }
    out[device] = { readBytes: get('rbytes'), writeBytes: get('wbytes'), readOps: get('rios'), writeOps: get('wios') };
  }
  return out;
}

/** Share of wall time (%) that some / all non-idle tasks were stalled, averaged over 10 s and 60 s. */
export interface PressureAvgs { avg10: number; avg60: number }

/** One pressure file: `full` is null where the kernel has no such line (cpu.pressure before Linux 5.13). */
export interface PressureStats { some: PressureAvgs | null; full: PressureAvgs | null }

/**
 * cpu.pressure / memory.pressure / io.pressure (Documentation/accounting/psi.rst). The averages are
 * already percentages with two decimals, not counters, so they are parsed to numbers here; `total`
 * (µs of stall) and avg300 are not used. Lines other than some/full throw CgroupParseError.
 */
export function parsePressure(text: string, file: string): PressureStats {
  const out: PressureStats = { some: null, full: null };
  for (const { key: kind, values, line, text: lineText } of parseNestedKeyed(text, file)) {
    if (kind !== 'some' && kind !== 'full') throw new CgroupParseError(file, line, lineText, 'expected "some" or "full"');
    const avg = (k: string): number => {
      const v = values.get(k);
      if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) throw new CgroupParseError(file, line, lineText, `expected ${k}=<percent>`);
      return Number(v);
    };
    out[kind] = { avg10: avg('avg10'), avg60: avg('avg60') };
  }
  return out;
}
