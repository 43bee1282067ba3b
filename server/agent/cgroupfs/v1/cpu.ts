import type { CpuQuota } from '../driver';
import { CgroupFileError } from '../errors';
import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { parseFlatKeyed, pickKey } from '../parse/flat-keyed';
import { parseV1CpuQuota } from '../parse/v1-limits';

const QUOTA = 'cpu.cfs_quota_us';
const PERIOD = 'cpu.cfs_period_us';
const STAT = 'cpu.stat';

/**
 * CFS throttling counters from cpu.stat: nr_periods, nr_throttled and throttled_time (already ns on
 * v1, unlike v2's throttled_usec); all null when `dir` is null or the file is missing.
 */
export function readCpuThrottling(dir: string | null): { nrPeriods: bigint | null; nrThrottled: bigint | null; throttledNs: bigint | null } {
  const text = dir === null ? null : readOptionalCgroupFile(dir, STAT);
  if (text === null) return { nrPeriods: null, nrThrottled: null, throttledNs: null };
  const stat = parseFlatKeyed(text, STAT);
  return { nrPeriods: pickKey(stat, 'nr_periods'), nrThrottled: pickKey(stat, 'nr_throttled'), throttledNs: pickKey(stat, 'throttled_time') };
}

/** Current CFS quota (null = unlimited, or no cpu hierarchy for this group). */
export function readCpuQuota(dir: string | null): CpuQuota | null {
  if (dir === null) return null;
  const quota = readOptionalCgroupFile(dir, QUOTA);
  const period = readOptionalCgroupFile(dir, PERIOD);
  return quota === null || period === null ? null : parseV1CpuQuota(quota, period);
}

/**
 * Writes the CFS bandwidth and returns the value read back. Unlimited = quota -1 (period kept).
 * Order: period, then quota. The kernel can refuse the period with EINVAL when old_quota/new_period
 * would exceed an ancestor's limit (kernel/sched/core.c tg_cfs_schedulable_down); runc
 * (libcontainer/cgroups/fs/cpu.go) then writes the quota first and retries the period. So do we.
 * Any other refusal, or a second EINVAL, propagates as CgroupFileError with the errno.
 */
export function writeCpuQuota(dir: string, quota: CpuQuota | null): CpuQuota | null {
  if (quota === null) {
    writeCgroupFile(dir, QUOTA, '-1');
  } else {
    let periodRefused = false;
    try {
      writeCgroupFile(dir, PERIOD, String(quota.periodUsec));
    } catch (err) {
      if (!(err instanceof CgroupFileError && err.errno === 'EINVAL')) throw err;
      periodRefused = true; // retried below, after the quota, as runc does
    }
    writeCgroupFile(dir, QUOTA, String(quota.quotaUsec));
    if (periodRefused) writeCgroupFile(dir, PERIOD, String(quota.periodUsec));
  }
  return parseV1CpuQuota(readCgroupFile(dir, QUOTA), readCgroupFile(dir, PERIOD));
}
