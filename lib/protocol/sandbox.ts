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
    /**
     * Number of CPUs the group may run on (its effective cpuset): v2 cpuset.cpus.effective; v1
     * cpuset.effective_cpus of the group with the same path in the cpuset hierarchy, or, where there is
     * none, of the nearest ancestor that has one (the managed parent, else the hierarchy root). null =
     * no cpuset controller. Optional only for front ends built against older agents; this agent always sends it.
     */
    cpusetCpus?: number | null;
    /**
     * The real CPU ceiling, % of the whole machine: min(limitPercent ?? 100, cpusetCpus / online CPUs × 100),
     * and for a child group also at most its ancestors' ceiling. Always a number when cpusetCpus is known
     * (100 = may use the whole machine); without cpuset info it equals limitPercent (null = unlimited).
     * Optional as cpusetCpus.
     */
    effectiveLimitPercent?: number | null;
    /** Cumulative CFS enforcement periods (v1 cpu.stat nr_periods, v2 cpu.stat nr_periods). */
    nrPeriods: number | null;
    /** Cumulative periods in which the group was throttled. */
    nrThrottled: number | null;
    /** Share of periods throttled over the last interval, 0–100; null before two samples or without periods. */
    throttledPercent: number | null;
    /**
     * Total time the group was throttled, in seconds, cumulative as the kernel counts it (v1 cpu.stat
     * throttled_time ns, v2 cpu.stat throttled_usec µs); null without a cpu controller.
     */
    throttledSeconds: number | null;
    /**
     * CPU in user mode over the last interval, % of the whole machine, 0–100 (v1 cpuacct.usage_user,
     * v2 cpu.stat user_usec). null before two samples, after a reset, or when the kernel has no split.
     */
    userPercent: number | null;
    /** CPU in kernel mode over the last interval, % of the whole machine (v1 cpuacct.usage_sys, v2 system_usec); null as userPercent. */
    systemPercent: number | null;
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
    /** Anonymous memory, bytes (v1 memory.stat total_rss, v2 memory.stat anon); null = not given. */
    anonBytes: number | null;
    /** Page cache, bytes, shmem included (v1 memory.stat total_cache, v2 memory.stat file); null = not given. */
    fileBytes: number | null;
    /**
     * Kernel memory charged to the group, bytes (v1 memory.kmem.usage_in_bytes; v2 memory.stat kernel,
     * or slab + kernel_stack + pagetables + percpu on kernels without it); null = not given.
     */
    kernelBytes: number | null;
    /** Swap used, bytes (v1 memory.stat total_swap, v2 memory.swap.current); null = no swap accounting. */
    swapBytes: number | null;
    /** Highest usage since the group was created, bytes (v1 memory.max_usage_in_bytes, v2 memory.peak); null = not given. */
    peakBytes: number | null;
    /** Soft limit, bytes (v1 memory.soft_limit_in_bytes, v2 memory.high); null = unlimited or not given. */
    softLimitBytes: number | null;
    /** v1 memory.failcnt: times usage hit the limit; null on v2 (see events.max). */
    failcnt: number | null;
    /**
     * Cumulative memory events (v2 memory.events, descendants included). On v1 only oomKill is given
     * (memory.oom_control oom_kill, = oomKills); v1 has no high/max/oom counters, so those are null.
     */
    events: {
      /** Times usage went over memory.high (the group was throttled and reclaimed). */
      high: number | null;
      /** Times usage was about to go over memory.max. */
      max: number | null;
      /** Times the group hit its limit and an OOM was attempted. */
      oom: number | null;
      /** Processes killed by the OOM killer. */
      oomKill: number | null;
    };
  };
  /**
   * Block I/O over the last interval. Rates are null before two samples of the same group, after a
   * counter reset, and when the kernel gives no accounting (then `devices` is null too). Sources: v1
   * blkio.throttle.io_service_bytes / io_serviced (measured on Linux 6.18: these count only on disks
   * where some group has set a throttle rule since boot; otherwise they read 0), v2 io.stat.
   */
  io: {
    readBytesPerSec: number | null;
    writeBytesPerSec: number | null;
    readOpsPerSec: number | null;
    writeOpsPerSec: number | null;
    /**
     * The same rates per device, keyed "major:minor" (the kernel lists a device once the group has
     * done I/O on it; between two reads of the same group a newly listed device counts from 0).
     */
    devices: Record<string, IoRates> | null;
  };
  /**
   * Pressure stall information (PSI): share of wall time tasks were stalled on the resource, %.
   * v2: the sandbox's cpu/memory/io.pressure; v1 hybrid: those of the group with the same path in
   * the unified hierarchy, if it exists. null per resource when the kernel gives none.
   */
  pressure: { cpu: PressureSample | null; memory: PressureSample | null; io: PressureSample | null };
  /** True when the freezer reports frozen (a group still "freezing" is not yet frozen). */
  frozen: boolean;
  /** Freezer state; null when no freezer is available for the group. */
  freezer: FreezerState | null;
  /**
   * Number of processes (thread-group leaders) in the group and its reported descendants (`children`,
   * all levels): the sum of their cgroup.procs.
   */
  pids: number | null;
  /** Number of threads in the group and its reported descendants (v1 tasks, v2 cgroup.threads, summed). */
  threads: number | null;
  /** pids.max: most tasks (threads) the group may hold; null = unlimited ("max") or no pids controller. */
  pidsLimit: number | null;
  /**
   * Child groups made inside this group by other tools (cgcreate, a container runtime …), sorted by
   * name, each with its own numbers and its own `children`. A child's `name` is its path relative to
   * the managed parent ("bob/worker1", "bob/worker1/x"). The group's own numbers are hierarchical
   * totals that include its children (v1 cpuacct.usage, memory.usage_in_bytes and memory.stat
   * total_*; every v2 file; pids/threads summed as above). Bounded: at most 4 levels below a sandbox
   * and 256 descendants per sandbox (breadth first; deeper or further groups are left out, and their
   * processes are then missing from pids/threads but not from CPU and memory). v1: the union of the
   * child groups across the managed hierarchies. Children are read-only: commands take top-level
   * names only. Optional only for front ends built against older agents; this agent always sends it.
   */
  children?: SandboxSample[];
}

/** Per-second block I/O rates of one device (or of all devices). */
export interface IoRates {
  readBytesPerSec: number | null;
  writeBytesPerSec: number | null;
  readOpsPerSec: number | null;
  writeOpsPerSec: number | null;
}

/**
 * One pressure file's averages, % of wall time (0–100) over the last 10 s and 60 s. `some`: at least
 * one task stalled; `full`: all non-idle tasks stalled at once. full* is null where the kernel has no
 * "full" line (cpu.pressure before Linux 5.13).
 */
export interface PressureSample {
  someAvg10: number | null;
  someAvg60: number | null;
  fullAvg10: number | null;
  fullAvg60: number | null;
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
  /**
   * The group the process is in, relative to the managed parent: the sandbox name ("bob") or the path of
   * one of its child groups ("bob/worker1"). A sandbox's process list covers all its reported children.
   */
  cgroup: string;
}

/**
 * A sandbox with its member processes (GET /api/v1/sandboxes/:name, samples:sandbox): those in the
 * sandbox's own cgroup.procs and in every reported child group's, each with `cgroup` saying where.
 */
export interface SandboxDetail extends SandboxSample {
  processes: ProcessInfo[];
}
