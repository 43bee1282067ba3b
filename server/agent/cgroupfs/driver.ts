import type { FreezerState, LayoutKind } from '../../../lib/protocol';
import type { IoCounters, PressureStats } from './parse/nested-keyed';

/** CFS bandwidth: `quotaUsec` of CPU time per `periodUsec` of wall time. */
export interface CpuQuota { quotaUsec: bigint; periodUsec: bigint }

/** Where each controller lives, as read from mountinfo (absolute paths under hostRoot). */
export interface CgroupLayout {
  kind: LayoutKind;
  /** v1 (and hybrid): controller name → mount directory, e.g. cpu → /sys/fs/cgroup/cpu (or …/cpu,cpuacct when co-mounted). */
  v1: Partial<Record<V1Controller, string>>;
  /** Mount directory of cgroup2 (pure v2: the whole tree; hybrid: core files only), or null. */
  unified: string | null;
}

export type V1Controller = 'cpu' | 'cpuacct' | 'memory' | 'freezer' | 'pids' | 'blkio' | 'cpuset' | 'devices';

export interface DriverOptions {
  /** "/" in production; a copied fixture tree in tests. Prefixed to every path. */
  hostRoot: string;
  layout: CgroupLayout;
  /** Managed parent, relative to each hierarchy root, e.g. "cgdash" or "cgdash-test-1a2b". */
  parent: string;
  /** Online CPU count, for nothing but validation messages; quota maths lives in lib/units/cpu. */
  cpuCount: number;
}

/** Raw counters straight from the kernel's files: no rates, no clocks. null = file missing / not given. */
export interface RawCgroupStats {
  /** Inode of the sandbox directory: changes when the sandbox is removed and re-created. */
  identity: bigint;
  /** v1 cpuacct.usage (ns); v2 cpu.stat usage_usec × 1000. */
  cpuUsageNs: bigint | null;
  /** CPU time in user mode: v1 cpuacct.usage_user (ns, Linux ≥ 4.7); v2 cpu.stat user_usec × 1000. */
  cpuUserNs: bigint | null;
  /** CPU time in kernel mode: v1 cpuacct.usage_sys (ns); v2 cpu.stat system_usec × 1000. */
  cpuSystemNs: bigint | null;
  nrPeriods: bigint | null;
  nrThrottled: bigint | null;
  /** Total time throttled: v1 cpu.stat throttled_time (ns); v2 cpu.stat throttled_usec × 1000. */
  throttledNs: bigint | null;
  /** null = unlimited. */
  cpuQuota: CpuQuota | null;
  memoryUsageBytes: bigint | null;
  /** null = unlimited. */
  memoryLimitBytes: bigint | null;
  inactiveFileBytes: bigint | null;
  oomKills: bigint | null;
  /** Anonymous memory: v1 memory.stat total_rss; v2 memory.stat anon. */
  memoryAnonBytes: bigint | null;
  /** Page cache: v1 memory.stat total_cache; v2 memory.stat file. */
  memoryFileBytes: bigint | null;
  /** Kernel memory: v1 memory.kmem.usage_in_bytes; v2 memory.stat kernel (else slab + kernel_stack + pagetables + percpu). */
  memoryKernelBytes: bigint | null;
  /** Swap used: v1 memory.stat total_swap (only with swap accounting); v2 memory.swap.current. */
  memorySwapBytes: bigint | null;
  /** High-water mark of usage: v1 memory.max_usage_in_bytes; v2 memory.peak (Linux ≥ 5.19). */
  memoryPeakBytes: bigint | null;
  /** Soft limit: v1 memory.soft_limit_in_bytes; v2 memory.high. null = unlimited or unknown. */
  memorySoftLimitBytes: bigint | null;
  /** v1 memory.failcnt (times usage hit the limit); null on v2, which has no such file. */
  memoryFailcnt: bigint | null;
  /** v2 memory.events high/max/oom; null on v1, which has no such counters (oom_kill is oomKills). */
  memoryEvents: { high: bigint | null; max: bigint | null; oom: bigint | null };
  /** null when no freezer is available. */
  freezer: FreezerState | null;
  /** Count of PIDs in cgroup.procs. */
  pids: number | null;
  /** Count of thread IDs: v1 tasks, v2 cgroup.threads. */
  threads: number | null;
  /** pids.max; null = "max" (unlimited) or no pids controller. */
  pidsLimit: bigint | null;
  /**
   * Cumulative I/O per "major:minor" device: v1 blkio.throttle.io_service_bytes + io_serviced; v2
   * io.stat. null = no blkio/io accounting for the group (file missing).
   */
  io: Record<string, IoCounters> | null;
  /**
   * Pressure stall averages: v2 from the sandbox directory; v1 (hybrid) from the group of the same
   * path in the unified hierarchy when one exists (never created by cgdash). null per resource = no file.
   */
  pressure: { cpu: PressureStats | null; memory: PressureStats | null; io: PressureStats | null };
  /**
   * Number of CPUs the group may run on: v2 cpuset.cpus.effective; v1 cpuset.effective_cpus of the
   * group of the same path in the cpuset hierarchy. Where the group has no such file (v1: cgdash never
   * makes cpuset groups; v2: cpuset not enabled for it), the nearest ancestor's, up to the hierarchy
   * root. null = no cpuset controller at all.
   */
  cpusetCpus: number | null;
}

/** The memory part of RawCgroupStats, as each driver's memory module reads it. */
export type MemoryStats = Pick<RawCgroupStats,
  | 'memoryUsageBytes' | 'memoryLimitBytes' | 'inactiveFileBytes' | 'oomKills' | 'memoryAnonBytes' | 'memoryFileBytes'
  | 'memoryKernelBytes' | 'memorySwapBytes' | 'memoryPeakBytes' | 'memorySoftLimitBytes' | 'memoryFailcnt' | 'memoryEvents'>;

/**
 * One implementation per cgroup version. Every method takes a validated sandbox name; the driver
 * confines every path to the managed parent. Errors are CgroupFileError (with errno) or
 * SandboxNotFoundError; a vanished cgroup while reading is reported via isVanished().
 */
export interface CgroupDriver {
  readonly kind: 'v1' | 'v2';
  /** Creates the managed parent where missing (and, on v2, enables controllers for its children). */
  ensureParent(): Promise<void>;
  /** Names of the child cgroups of the managed parent (sorted). */
  listSandboxes(): Promise<string[]>;
  /** Raw counters. Missing optional files → null fields; a vanished sandbox → throws (isVanished). */
  readStats(name: string): Promise<RawCgroupStats>;
  /** PIDs in cgroup.procs, freshly read (never a cached handle: stale on v1). */
  listPids(name: string): Promise<number[]>;
  /** Writes period and quota in the order the kernel accepts; returns the value read back. */
  setCpuQuota(name: string, quota: CpuQuota | null): Promise<CpuQuota | null>;
  /** Writes the hard memory limit; returns the value read back (null = unlimited). */
  setMemoryLimit(name: string, bytes: bigint | null): Promise<bigint | null>;
  /** Freezes and waits (bounded) until the kernel reports frozen; returns the state read back. */
  freeze(name: string): Promise<FreezerState>;
  thaw(name: string): Promise<FreezerState>;
  /** Kills every process, child groups' included; resolves when cgroup.procs is empty. Returns how many PIDs were signalled. */
  kill(name: string): Promise<number>;
  create(name: string): Promise<void>;
  /** Removes an empty sandbox (EBUSY while it has processes is reported, after a bounded retry). */
  remove(name: string): Promise<void>;
  /** Moves one process (all its threads) into the sandbox. */
  movePid(name: string, pid: number): Promise<void>;
  /** Whether the sandbox exists (in the primary hierarchy). */
  exists(name: string): Promise<boolean>;
  /**
   * Child groups below sandbox `name` (made by other tools, e.g. cgcreate), as paths relative to the
   * managed parent ("bob/worker1", "bob/worker1/x"), sorted; v1: the union across the managed
   * hierarchies. Bounded: MAX_CHILD_DEPTH levels and MAX_DESCENDANTS groups (files.ts); components
   * that fail the sandbox-name rule are skipped with their subtree. [] when the sandbox is gone.
   */
  listChildren(name: string): Promise<string[]>;
  /** readStats() for a path returned by listChildren(). Read-only: children take no commands. */
  readChildStats(path: string): Promise<RawCgroupStats>;
  /** listPids() for a path returned by listChildren(): the child's own cgroup.procs. */
  listChildPids(path: string): Promise<number[]>;
}
