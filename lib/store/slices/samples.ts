import type { StateCreator } from 'zustand/vanilla';
import type { HostSample, OverviewBatch, ProtocolError, SandboxDetail, SandboxSample } from '@/lib/protocol';
import type { DashboardState } from '../create-dashboard-store';

/** Points kept per sandbox: 5 minutes at the agent's 1 s interval. */
export const WINDOW_POINTS = 300;
/** A batch older than this many intervals means data stopped (also the gap threshold in a series). */
export const STALE_INTERVALS = 2.5;

/** One chart point. null = unknown at that instant; charts draw a gap, never a 0. */
export interface SeriesPoint {
  /** ms since epoch. */
  t: number;
  /** % of the whole machine, 0–100. */
  cpuPercent: number | null;
  /** CPU in user mode, % of the whole machine (stacked under systemPercent in the CPU chart). */
  cpuUserPercent: number | null;
  /** CPU in kernel mode, % of the whole machine. */
  cpuSystemPercent: number | null;
  usageBytes: number | null;
  workingSetBytes: number | null;
  /** Block I/O read rate, bytes/s (all devices). */
  ioReadBytesPerSec: number | null;
  /** Block I/O write rate, bytes/s (all devices). */
  ioWriteBytesPerSec: number | null;
}

/** Every value field of a point null: the gap marker inserted where samples stopped. */
export function gapPoint(t: number): SeriesPoint {
  return { t, cpuPercent: null, cpuUserPercent: null, cpuSystemPercent: null, usageBytes: null, workingSetBytes: null, ioReadBytesPerSec: null, ioWriteBytesPerSec: null };
}

/** Per-sandbox point series, keyed by sandbox name. */
export type SeriesByName = Record<string, SeriesPoint[]>;

export interface SamplesSlice {
  host: HostSample | null;
  /** The agent's sampling interval from the last batch, ms. */
  intervalMs: number;
  /** `t` of the last batch (agent clock). */
  lastBatchT: number | null;
  /** Browser clock when the last batch arrived; staleness is measured against this (no clock skew). */
  lastBatchReceivedAt: number | null;
  /** The newest sample of every sandbox present in the last batch. */
  latest: Record<string, SandboxSample>;
  series: SeriesByName;
  /** Newest detail (with processes) of each subscribed sandbox. */
  details: Record<string, SandboxDetail>;
  /** Last subscribe error per sandbox (null once a snapshot arrived). */
  detailErrors: Record<string, ProtocolError | null>;
  ingest: (batch: OverviewBatch, receivedAt: number) => void;
  ingestDetail: (detail: SandboxDetail) => void;
  setDetailError: (name: string, error: ProtocolError | null) => void;
}

/** The chart values of one sample (null stays null: a gap, never a 0). */
export function pointOf(s: SandboxSample): SeriesPoint {
  return {
    t: s.t,
    cpuPercent: s.cpu.usagePercent,
    cpuUserPercent: s.cpu.userPercent,
    cpuSystemPercent: s.cpu.systemPercent,
    usageBytes: s.memory.usageBytes,
    workingSetBytes: s.memory.workingSetBytes,
    ioReadBytesPerSec: s.io.readBytesPerSec,
    ioWriteBytesPerSec: s.io.writeBytesPerSec,
  };
}

/**
 * Pure: appends one batch to the per-sandbox series. Caps each series at `windowPoints`, drops
 * sandboxes absent from the batch, ignores samples not newer than the last point, and inserts a
 * null point where samples stopped for more than STALE_INTERVALS intervals, so charts show a gap.
 */
export function appendBatch(series: SeriesByName, batch: OverviewBatch, windowPoints = WINDOW_POINTS): SeriesByName {
  const next: SeriesByName = {};
  for (const sample of batch.sandboxes) {
    const prev = series[sample.name] ?? [];
    const last = prev.at(-1);
    if (last && sample.t <= last.t) {
      next[sample.name] = prev;
      continue;
    }
    const added: SeriesPoint[] = [];
    if (last && sample.t - last.t > STALE_INTERVALS * batch.intervalMs) {
      added.push(gapPoint(last.t + batch.intervalMs));
    }
    added.push(pointOf(sample));
    const joined = prev.concat(added);
    next[sample.name] = joined.length > windowPoints ? joined.slice(joined.length - windowPoints) : joined;
  }
  return next;
}

function byName(samples: SandboxSample[]): Record<string, SandboxSample> {
  const out: Record<string, SandboxSample> = {};
  for (const s of samples) out[s.name] = s;
  return out;
}

export const createSamplesSlice: StateCreator<DashboardState, [], [], SamplesSlice> = (set) => ({
  host: null,
  intervalMs: 1000,
  lastBatchT: null,
  lastBatchReceivedAt: null,
  latest: {},
  series: {},
  details: {},
  detailErrors: {},
  ingest: (batch, receivedAt) =>
    set((s) => ({
      host: batch.host,
      intervalMs: batch.intervalMs,
      lastBatchT: batch.t,
      lastBatchReceivedAt: receivedAt,
      latest: byName(batch.sandboxes),
      series: appendBatch(s.series, batch),
    })),
  ingestDetail: (detail) =>
    set((s) => ({ details: { ...s.details, [detail.name]: detail }, detailErrors: { ...s.detailErrors, [detail.name]: null } })),
  setDetailError: (name, error) => set((s) => ({ detailErrors: { ...s.detailErrors, [name]: error } })),
});
