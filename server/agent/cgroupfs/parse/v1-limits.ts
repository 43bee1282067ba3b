import type { CpuQuota } from '../driver';
import { CgroupParseError } from '../errors';

/**
 * v1 "unlimited" memory limit threshold. The kernel reports an unlimited memory.limit_in_bytes as
 * PAGE_COUNTER_MAX × PAGE_SIZE, i.e. LONG_MAX rounded down to the page size
 * (9223372036854771712 with 4 KiB pages, a different number with 16/64 KiB pages). No real limit
 * comes near 2^62 bytes (4 EiB), so anything at or above it means "no limit" on every page size.
 * Captured proof: test/fixtures/cgroupfs/v1-hybrid-debian12-6.18/…/memory.limit_in_bytes.
 */
export const V1_MEMORY_UNLIMITED_THRESHOLD = 2n ** 62n;

/** Parses v1 memory.limit_in_bytes. Returns bytes, or null when unlimited (see the threshold above). */
export function parseV1MemoryLimit(text: string, file = 'memory.limit_in_bytes'): bigint | null {
  const m = /^(\d+)\n?$/.exec(text);
  if (!m) throw new CgroupParseError(file, 1, text.trimEnd(), 'expected a byte count');
  const bytes = BigInt(m[1]);
  return bytes >= V1_MEMORY_UNLIMITED_THRESHOLD ? null : bytes;
}

/**
 * Parses v1 cpu.cfs_quota_us and cpu.cfs_period_us (µs). Quota -1 means unlimited → null.
 * Throws CgroupParseError naming the offending file.
 */
export function parseV1CpuQuota(quotaText: string, periodText: string): CpuQuota | null {
  const q = /^(-1|\d+)\n?$/.exec(quotaText);
  if (!q) throw new CgroupParseError('cpu.cfs_quota_us', 1, quotaText.trimEnd(), 'expected -1 or a quota in µs');
  const p = /^(\d+)\n?$/.exec(periodText);
  if (!p) throw new CgroupParseError('cpu.cfs_period_us', 1, periodText.trimEnd(), 'expected a period in µs');
  return q[1] === '-1' ? null : { quotaUsec: BigInt(q[1]), periodUsec: BigInt(p[1]) };
}
