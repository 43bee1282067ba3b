import type { CpuQuota } from '../driver';
import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { formatCpuMax, parseCpuMax } from '../parse/cpu-max';
import { parseFlatKeyed, pickKey } from '../parse/flat-keyed';

const MAX = 'cpu.max';
const STAT = 'cpu.stat';
/** The kernel's default CFS period (100 ms), used only if cpu.max cannot be read before writing "max". */
const DEFAULT_PERIOD_USEC = 100_000n;

/** cpu.stat counters, times converted from µs to ns (the unit RawCgroupStats shares with v1). */
export interface V2CpuStat {
  cpuUsageNs: bigint | null;
  cpuUserNs: bigint | null;
  cpuSystemNs: bigint | null;
  nrPeriods: bigint | null;
  nrThrottled: bigint | null;
  throttledNs: bigint | null;
}

/**
 * cpu.stat: usage_usec, user_usec and system_usec (always there, core file since Linux 4.15) and
 * nr_periods/nr_throttled/throttled_usec (only when the cpu controller is enabled for the group;
 * else null). Every *_usec is µs and becomes ns here (× 1000); v1's throttled_time is already ns.
 */
export function readCpuStat(dir: string): V2CpuStat {
  const text = readOptionalCgroupFile(dir, STAT);
  if (text === null) return { cpuUsageNs: null, cpuUserNs: null, cpuSystemNs: null, nrPeriods: null, nrThrottled: null, throttledNs: null };
  const stat = parseFlatKeyed(text, STAT);
  const ns = (key: string) => {
    const usec = pickKey(stat, key);
    return usec === null ? null : usec * 1000n;
  };
  return {
    cpuUsageNs: ns('usage_usec'),
    cpuUserNs: ns('user_usec'),
    cpuSystemNs: ns('system_usec'),
    nrPeriods: pickKey(stat, 'nr_periods'),
    nrThrottled: pickKey(stat, 'nr_throttled'),
    throttledNs: ns('throttled_usec'),
  };
}

/** cpu.max as a quota; null = unlimited ("max"), or the cpu controller is not enabled (no file). */
export function readCpuMax(dir: string): CpuQuota | null {
  const text = readOptionalCgroupFile(dir, MAX);
  return text === null ? null : parseCpuMax(text, MAX);
}

/**
 * Writes cpu.max in one write ("<quota> <period>", or "max <period>" keeping the current period)
 * and returns the value read back. The kernel checks quota and period together, so v1's ordering
 * problem does not exist here. Refusals (EINVAL…) propagate as CgroupFileError.
 */
export function writeCpuMax(dir: string, quota: CpuQuota | null): CpuQuota | null {
  const period = quota?.periodUsec ?? currentPeriod(dir);
  writeCgroupFile(dir, MAX, formatCpuMax(quota, period));
  return parseCpuMax(readCgroupFile(dir, MAX), MAX);
}

function currentPeriod(dir: string): bigint {
  const text = readCgroupFile(dir, MAX);
  const period = /^\S+ (\d+)/.exec(text)?.[1];
  return period === undefined ? DEFAULT_PERIOD_USEC : BigInt(period);
}
