import type { SandboxSample } from '../../../lib/protocol';
import { quotaToPercent } from '../../../lib/units/cpu';
import type { RawCgroupStats } from '../cgroupfs/driver';

/** Raw stats with the monotonic instant they were read at. */
export interface Timed<T> { atNs: bigint; stats: T }

/**
 * Turns two consecutive raw reads of one sandbox into the protocol sample. Rates need a previous read
 * of the SAME cgroup (same directory inode) at an earlier instant; otherwise (first sample, sandbox
 * re-created under the same name) they are null. A counter that went backwards gives null, never a
 * negative rate or a spike (below's count_per_sec! does the same).
 */
export function deriveSample(name: string, prev: Timed<RawCgroupStats> | undefined, cur: Timed<RawCgroupStats>, cpuCount: number, wallMs: number): SandboxSample {
  const s = cur.stats;
  const comparable = prev !== undefined && prev.stats.identity === s.identity && cur.atNs > prev.atNs;
  const dtNs = comparable ? cur.atNs - prev.atNs : 0n;
  const cores = comparable ? perNs(prev.stats.cpuUsageNs, s.cpuUsageNs, dtNs) : null;
  const quota = s.cpuQuota && { quotaUsec: Number(s.cpuQuota.quotaUsec), periodUsec: Number(s.cpuQuota.periodUsec) };
  return {
    name,
    t: wallMs,
    cpu: {
      usageCores: cores,
      usagePercent: cores === null ? null : (cores / cpuCount) * 100,
      limitPercent: quotaToPercent(quota, cpuCount),
      nrPeriods: num(s.nrPeriods),
      nrThrottled: num(s.nrThrottled),
      throttledPercent: comparable ? throttledShare(prev.stats, s) : null,
    },
    memory: {
      usageBytes: num(s.memoryUsageBytes),
      workingSetBytes: workingSet(s.memoryUsageBytes, s.inactiveFileBytes),
      limitBytes: num(s.memoryLimitBytes),
      oomKills: num(s.oomKills),
    },
    frozen: s.freezer === 'frozen',
    freezer: s.freezer,
    pids: s.pids,
  };
}

/** Counter delta per nanosecond (= cores for a CPU-ns counter); null on reset or missing data. */
function perNs(a: bigint | null, b: bigint | null, dtNs: bigint): number | null {
  if (a === null || b === null || b < a || dtNs <= 0n) return null;
  return Number(b - a) / Number(dtNs);
}

/** Share of CFS periods in the interval that were throttled, 0–100; null when no period elapsed or a counter reset. */
function throttledShare(a: RawCgroupStats, b: RawCgroupStats): number | null {
  if (a.nrPeriods === null || b.nrPeriods === null || a.nrThrottled === null || b.nrThrottled === null) return null;
  const periods = b.nrPeriods - a.nrPeriods;
  const throttled = b.nrThrottled - a.nrThrottled;
  if (periods < 0n || throttled < 0n) return null;
  if (periods === 0n) return 0;
  return (Number(throttled) / Number(periods)) * 100;
}

/** usage − inactive_file, floored at 0 (cAdvisor's working set). */
function workingSet(usage: bigint | null, inactiveFile: bigint | null): number | null {
  if (usage === null) return null;
  if (inactiveFile === null) return Number(usage);
  return usage > inactiveFile ? Number(usage - inactiveFile) : 0;
}

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));
