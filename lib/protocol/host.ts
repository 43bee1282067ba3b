/** The host's cgroup layout as detected from mountinfo. */
export type LayoutKind = 'v1' | 'hybrid' | 'v2';

/** Whole-machine numbers for the htop-like header. */
export interface HostSample {
  hostname: string;
  layout: LayoutKind;
  /** Online CPUs (from /sys/devices/system/cpu/online); the denominator of every "% of machine". */
  cpuCount: number;
  /** Busy % per online CPU over the last interval (0–100 each); entries are null on the first sample. */
  perCpuPercent: Array<number | null>;
  /** Busy % of the whole machine over the last interval; null on the first sample. */
  cpuPercent: number | null;
  memTotalBytes: number;
  /** MemTotal − MemAvailable, as htop and free(1) count "used". */
  memUsedBytes: number;
  memAvailableBytes: number;
  /** 1, 5 and 15 minute load averages. */
  loadAvg: [number, number, number];
  uptimeSeconds: number;
}

/** One sampling round: every sandbox plus the host, pushed to the overview room. */
export interface OverviewBatch {
  /** Wall time of the round, ms since epoch. */
  t: number;
  /** The agent's sampling interval, so clients can tell stale data (t older than 2.5 × interval). */
  intervalMs: number;
  host: HostSample;
  sandboxes: import('./sandbox').SandboxSample[];
}
