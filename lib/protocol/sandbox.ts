/**
 * What every front end (HTTP scripts, the web relay, the browser) sees of a sandbox.
 * Plain JSON: numbers, strings, booleans and null. `null` always means "unknown / not given by the
 * kernel" unless the field's doc says it means "unlimited".
 */

/** v1 freezer.state spelled as the kernel does, lower-cased; v2 derives thawed/frozen from cgroup.events. */
export type FreezerState = 'thawed' | 'freezing' | 'frozen';

/** One sandbox at one instant. Rates are null until two comparable samples exist. */
export interface SandboxSample {
  name: string;
  /** Wall time of the sample, ms since epoch (chart x axis only; rates use the monotonic clock). */
  t: number;
  cpu: {
    /** CPU used over the last interval, % of the whole machine (all online CPUs), 0–100. */
    usagePercent: number | null;
    /** The same as a number of cores (1.5 = one and a half cores busy). */
    usageCores: number | null;
    /** CPU limit as % of the whole machine; null = unlimited. */
    limitPercent: number | null;
    /** Cumulative CFS enforcement periods (v1 cpu.stat nr_periods, v2 cpu.stat nr_periods). */
    nrPeriods: number | null;
    /** Cumulative periods in which the group was throttled. */
    nrThrottled: number | null;
    /** Share of periods throttled over the last interval, 0–100; null before two samples or without periods. */
    throttledPercent: number | null;
  };
  memory: {
    /** Memory charged to the group (v1 memory.usage_in_bytes, v2 memory.current). */
    usageBytes: number | null;
    /** usageBytes minus inactive file cache, floored at 0 (what cAdvisor calls working set). */
    workingSetBytes: number | null;
    /** Hard limit; null = unlimited. */
    limitBytes: number | null;
    /** Processes killed by the OOM killer in this group (v1 memory.oom_control oom_kill, v2 memory.events oom_kill). */
    oomKills: number | null;
  };
  /** True when the freezer reports frozen (a group still "freezing" is not yet frozen). */
  frozen: boolean;
  /** Freezer state; null when no freezer is available for the group. */
  freezer: FreezerState | null;
  /** Number of processes (thread-group leaders) in the group, from cgroup.procs. */
  pids: number | null;
}

/** One member process, htop-like. */
export interface ProcessInfo {
  pid: number;
  /** User name of the real uid (numeric string when the uid has no passwd entry). */
  user: string;
  /** One-letter state from /proc/<pid>/stat (R, S, D, T, Z, …). */
  state: string;
  /** CPU over the last interval as % of ONE core (htop's convention: 200 = two cores busy); null on the first sight of the process. */
  cpuPercent: number | null;
  /** Resident set size in bytes. */
  rssBytes: number;
  /** Number of threads (/proc/<pid>/stat num_threads). */
  threads: number;
  /**
   * Process start, ms since the epoch (boot time from /proc/stat btime + starttime ticks / CLK_TCK,
   * 10 ms resolution at USER_HZ 100); null = unknown (the host's /proc/stat has no btime).
   */
  startTime: number | null;
  /** Full command line (argv joined by spaces), or [comm] for kernel threads / zombies. */
  command: string;
}

/** A sandbox with its member processes (GET /api/v1/sandboxes/:name, samples:sandbox). */
export interface SandboxDetail extends SandboxSample {
  processes: ProcessInfo[];
}
