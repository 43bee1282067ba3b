import type { SandboxSample } from '@/lib/protocol';
import type { DashboardState } from './create-dashboard-store';
import { STALE_INTERVALS } from './slices/samples';

/** What the header's connection indicator says. */
export type Liveness = 'live' | 'reconnecting' | 'stale' | 'connecting' | 'logged-out';

/**
 * live: socket up, agent up, last batch younger than STALE_INTERVALS × interval.
 * reconnecting: the browser socket is down (socket.io retries by itself).
 * stale: connected, but the agent is unreachable or batches stopped arriving.
 */
export function selectLiveness(s: DashboardState, nowMs: number): Liveness {
  if (s.socketState === 'refused') return 'logged-out';
  if (s.socketState === 'disconnected') return 'reconnecting';
  if (s.socketState === 'connecting') return s.lastBatchReceivedAt === null ? 'connecting' : 'reconnecting';
  if (s.agent && !s.agent.connected) return 'stale';
  if (s.lastBatchReceivedAt === null) return 'connecting';
  return nowMs - s.lastBatchReceivedAt > STALE_INTERVALS * s.intervalMs ? 'stale' : 'live';
}

export type SortKey = 'name' | 'cpu' | 'memory' | 'io';
export interface SortSpec { key: SortKey; dir: 'asc' | 'desc' }

/** Block I/O read + write, bytes/s; -1 when both are unknown (sorts below a group doing 0 B/s). */
export function ioBytesPerSec(s: SandboxSample): number {
  const { readBytesPerSec: r, writeBytesPerSec: w } = s.io;
  return r === null && w === null ? -1 : (r ?? 0) + (w ?? 0);
}

function sortValue(s: SandboxSample, key: SortKey): number {
  if (key === 'io') return ioBytesPerSec(s);
  return key === 'cpu' ? (s.cpu.usagePercent ?? -1) : (s.memory.usageBytes ?? -1);
}

/**
 * Display order of two samples under `sort`; ties fall back to the name (ascending) so rows never swap
 * at random. Used for the top-level sandboxes and, within each parent, for child groups.
 */
export function compareSamples(a: SandboxSample, b: SandboxSample, sort: SortSpec): number {
  const sign = sort.dir === 'asc' ? 1 : -1;
  if (sort.key === 'name') return sign * a.name.localeCompare(b.name);
  const d = sortValue(a, sort.key) - sortValue(b, sort.key);
  return d !== 0 ? sign * d : a.name.localeCompare(b.name);
}

/** Sandbox names in display order; ties fall back to the name so rows never swap at random. */
export function selectSortedNames(s: DashboardState, sort: SortSpec): string[] {
  return Object.values(s.latest)
    .sort((a, b) => compareSamples(a, b, sort))
    .map((r) => r.name);
}

/** Tops the overview sparklines can take, in % of the machine. Coarse steps so the scale does not jitter every second. */
export const SPARK_SCALE_STEPS = [5, 10, 25, 50, 100] as const;

/**
 * The one y-scale shared by every overview sparkline: the smallest step of SPARK_SCALE_STEPS at or
 * above the highest CPU % of machine any listed sandbox reached in its last `points` samples. One
 * scale for all rows means equal heights are equal shares of the box, so a tenant held at a 5 % limit
 * no longer looks like one pegging the machine.
 */
export function selectSparkScale(s: DashboardState, points: number): number {
  let peak = 0;
  for (const name of Object.keys(s.latest)) {
    const series = s.series[name];
    if (!series) continue;
    for (let i = Math.max(0, series.length - points); i < series.length; i++) {
      const v = series[i].cpuPercent;
      if (v !== null && v > peak) peak = v;
    }
  }
  return SPARK_SCALE_STEPS.find((step) => peak <= step) ?? SPARK_SCALE_STEPS[SPARK_SCALE_STEPS.length - 1];
}
