import type { CpuQuota } from '../driver';
import { CgroupParseError } from '../errors';

/**
 * v2 cpu.max: "max 100000" or "50000 100000" (quota and period in µs).
 * Returns null when the quota is "max" (unlimited). Throws CgroupParseError naming `file` otherwise.
 */
export function parseCpuMax(text: string, file = 'cpu.max'): CpuQuota | null {
  const m = /^(max|\d+) (\d+)\n?$/.exec(text);
  if (!m) throw new CgroupParseError(file, 1, text.trimEnd(), 'expected "<quota|max> <period>"');
  return m[1] === 'max' ? null : { quotaUsec: BigInt(m[1]), periodUsec: BigInt(m[2]) };
}

/** Formats a quota for cpu.max: "<quota> <period>", or "max <period>" for unlimited. */
export function formatCpuMax(quota: CpuQuota | null, periodUsec: bigint): string {
  return quota === null ? `max ${periodUsec}` : `${quota.quotaUsec} ${quota.periodUsec}`;
}
