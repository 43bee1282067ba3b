import type { CpuQuota } from '../driver';
import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { formatCpuMax, parseCpuMax } from '../parse/cpu-max';
import { parseFlatKeyed, pickKey } from '../parse/flat-keyed';

const MAX = 'cpu.max';
const STAT = 'cpu.stat';
/** The kernel's default CFS period (100 ms), used only if cpu.max cannot be read before writing "max". */
const DEFAULT_PERIOD_USEC = 100_000n;

/**
 * cpu.stat: usage_usec (always there, core file since Linux 4.15) converted to ns, and
 * nr_periods/nr_throttled (only when the cpu controller is enabled for the group; else null).
 */
export function readCpuStat(dir: string): { cpuUsageNs: bigint | null; nrPeriods: bigint | null; nrThrottled: bigint | null } {
  const text = readOptionalCgroupFile(dir, STAT);
  if (text === null) return { cpuUsageNs: null, nrPeriods: null, nrThrottled: null };
  const stat = parseFlatKeyed(text, STAT);
  const usageUsec = pickKey(stat, 'usage_usec');
  return {
    cpuUsageNs: usageUsec === null ? null : usageUsec * 1000n,
    nrPeriods: pickKey(stat, 'nr_periods'),
    nrThrottled: pickKey(stat, 'nr_throttled'),
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
