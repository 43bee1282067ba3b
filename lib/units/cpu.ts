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

/** What sets a group's CPU ceiling. */
export type CpuCeilingSource = 'quota' | 'cpuset' | 'inherited';

export interface CpuCeiling {
  /** The real ceiling, % of the whole machine; null = none (the group may use every CPU). */
  percent: number | null;
  /**
   * 'quota': its own CFS quota (limitPercent). 'cpuset': its cpuset allows fewer CPUs than the quota
   * (or, without a quota, than the machine has). 'inherited': an ancestor's lower ceiling (child groups).
   * null when there is no ceiling.
   */
  source: CpuCeilingSource | null;
  /** CPUs the cpuset allows; null = unknown. */
  cpusetCpus: number | null;
}

/** Differences below this many percentage points are rounding, not a lower ceiling. */
const CEILING_EPSILON = 0.05;

/**
 * The ceiling to show for a group: its quota, unless effectiveLimitPercent is lower than
 * `limitPercent ?? 100`; then the effective one, put down to the cpuset when the cpuset alone gives that
 * share of a `cpuCount`-CPU machine (or when the CPU count is unknown), else to an ancestor.
 */
export function cpuCeiling(
  cpu: { limitPercent: number | null; cpusetCpus?: number | null; effectiveLimitPercent?: number | null },
  cpuCount: number | null,
): CpuCeiling {
  const cpusetCpus = cpu.cpusetCpus ?? null;
  const own = cpu.limitPercent;
  const eff = cpu.effectiveLimitPercent ?? null;
  if (eff === null || eff >= (own ?? 100) - CEILING_EPSILON) return { percent: own, source: own === null ? null : 'quota', cpusetCpus };
  const cpusetPercent = cpusetCpus !== null && cpuCount ? Math.min(100, (cpusetCpus / cpuCount) * 100) : null;
  const byCpuset = cpusetPercent === null ? cpusetCpus !== null : Math.abs(cpusetPercent - eff) < CEILING_EPSILON;
  return { percent: eff, source: byCpuset ? 'cpuset' : 'inherited', cpusetCpus };
}

/** "1 CPU", "3 CPUs". */
export function formatCpus(n: number): string {
  return `${n} CPU${n === 1 ? '' : 's'}`;
}

/**
 * A ceiling for display: the value ("50%", "∞" without one) and, when it is not the group's own quota,
 * why ("cpuset 1 CPU", "inherited"), e.g. "50% (cpuset 1 CPU)" once joined by formatCpuCeiling().
 */
export function cpuCeilingParts(c: CpuCeiling, digits = 1): { value: string; note: string | null } {
  if (c.percent === null) return { value: '∞', note: null };
  const value = `${c.percent.toFixed(digits)}%`;
  if (c.source === 'cpuset') return { value, note: c.cpusetCpus === null ? 'cpuset' : `cpuset ${formatCpus(c.cpusetCpus)}` };
  if (c.source === 'inherited') return { value, note: 'inherited' };
  return { value, note: null };
}

/** "25%", "∞", "50% (cpuset 1 CPU)", "25% (inherited)". */
export function formatCpuCeiling(c: CpuCeiling, digits = 1): string {
  const { value, note } = cpuCeilingParts(c, digits);
  return note === null ? value : `${value} (${note})`;
}

/** Tooltip words for a ceiling: what it is and where it comes from. */
export function describeCpuCeiling(c: CpuCeiling, limitPercent: number | null): string {
  if (c.percent === null) return 'No CPU limit: no quota, and the cpuset allows every CPU';
  const quota = limitPercent === null ? 'no quota' : `quota ${limitPercent.toFixed(1)}% of machine`;
  if (c.source === 'cpuset') {
    return `CPU ceiling ${c.percent.toFixed(1)}% of machine: the cpuset allows ${c.cpusetCpus === null ? 'fewer CPUs' : `only ${formatCpus(c.cpusetCpus)}`} (${quota})`;
  }
  if (c.source === 'inherited') return `CPU ceiling ${c.percent.toFixed(1)}% of machine, set by a parent group (${quota})`;
  return `CPU limit (CFS quota) ${c.percent.toFixed(1)}% of machine`;
}
