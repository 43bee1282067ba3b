/**
 * CPU limit maths. The operator speaks "% of the whole machine" (100 % = every online CPU busy);
 * the kernel speaks CFS quota/period in microseconds (v1 cpu.cfs_quota_us / cpu.cfs_period_us,
 * v2 cpu.max "<quota> <period>").
 */

/** Period we write: 100 ms, the kernel's default and what `cgset -r cpu.cfs_period_us=100000` uses. */
export const DEFAULT_PERIOD_USEC = 100_000;
/** The kernel refuses quotas below 1 ms (kernel/sched/core.c: min_cfs_quota_period = 1 ms). */
export const MIN_QUOTA_USEC = 1_000;

/** Quota (µs per period) for `percent` of a machine with `cpuCount` CPUs. */
export function percentToQuotaUsec(percent: number, cpuCount: number, periodUsec = DEFAULT_PERIOD_USEC): number {
  return Math.max(MIN_QUOTA_USEC, Math.round((percent / 100) * cpuCount * periodUsec));
}

/** % of the machine that a quota allows; null quota (unlimited) → null. */
export function quotaToPercent(quota: { quotaUsec: number; periodUsec: number } | null, cpuCount: number): number | null {
  if (quota === null || quota.periodUsec <= 0 || cpuCount <= 0) return null;
  return (quota.quotaUsec / quota.periodUsec / cpuCount) * 100;
}

/** "12.3 %" style formatting; null → "—". */
export function formatPercent(p: number | null | undefined, digits = 1): string {
  return p === null || p === undefined ? '—' : `${p.toFixed(digits)} %`;
}
