import type { IoRates, PressureSample, SandboxSample } from '../../../lib/protocol';
import { quotaToPercent } from '../../../lib/units/cpu';
import type { RawCgroupStats } from '../cgroupfs/driver';
import type { IoCounters, PressureStats } from '../cgroupfs/parse/nested-keyed';

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
  const userCores = comparable ? perNs(prev.stats.cpuUserNs, s.cpuUserNs, dtNs) : null;
  const systemCores = comparable ? perNs(prev.stats.cpuSystemNs, s.cpuSystemNs, dtNs) : null;
  const ofMachine = (c: number | null) => (c === null ? null : (c / cpuCount) * 100);
  const quota = s.cpuQuota && { quotaUsec: Number(s.cpuQuota.quotaUsec), periodUsec: Number(s.cpuQuota.periodUsec) };
  const limitPercent = quotaToPercent(quota, cpuCount);
  return {
    name,
    t: wallMs,
    cpu: {
      usageCores: cores,
      usagePercent: ofMachine(cores),
      limitPercent,
      cpusetCpus: s.cpusetCpus,
      effectiveLimitPercent: effectiveLimit(limitPercent, s.cpusetCpus, cpuCount),
      nrPeriods: num(s.nrPeriods),
      nrThrottled: num(s.nrThrottled),
      throttledPercent: comparable ? throttledShare(prev.stats, s) : null,
      throttledSeconds: s.throttledNs === null ? null : Number(s.throttledNs) / 1e9,
      userPercent: ofMachine(userCores),
      systemPercent: ofMachine(systemCores),
    },
    memory: {
      usageBytes: num(s.memoryUsageBytes),
      workingSetBytes: workingSet(s.memoryUsageBytes, s.inactiveFileBytes),
      limitBytes: num(s.memoryLimitBytes),
      oomKills: num(s.oomKills),
      anonBytes: num(s.memoryAnonBytes),
      fileBytes: num(s.memoryFileBytes),
      kernelBytes: num(s.memoryKernelBytes),
      swapBytes: num(s.memorySwapBytes),
      peakBytes: num(s.memoryPeakBytes),
      softLimitBytes: num(s.memorySoftLimitBytes),
      failcnt: num(s.memoryFailcnt),
      events: { high: num(s.memoryEvents.high), max: num(s.memoryEvents.max), oom: num(s.memoryEvents.oom), oomKill: num(s.oomKills) },
    },
    io: deriveIo(comparable ? prev.stats.io : null, s.io, dtNs),
    pressure: { cpu: pressureOf(s.pressure.cpu), memory: pressureOf(s.pressure.memory), io: pressureOf(s.pressure.io) },
    frozen: s.freezer === 'frozen',
    freezer: s.freezer,
    pids: s.pids,
    threads: s.threads,
    pidsLimit: num(s.pidsLimit),
    children: [],
  };
}

/**
 * The real CPU ceiling, % of the machine: min(quota % ?? 100, cpuset CPUs / online CPUs × 100). With
 * cpuset info it is always a number (100 = the whole machine); without, it is the quota % (null =
 * unlimited), because nothing else is known.
 */
export function effectiveLimit(limitPercent: number | null, cpusetCpus: number | null, cpuCount: number): number | null {
  if (cpusetCpus === null) return limitPercent;
  return Math.min(limitPercent ?? 100, (Math.min(cpusetCpus, cpuCount) / cpuCount) * 100);
}

/**
 * One sandbox and its child groups, read in one round: `reads` holds the sandbox under `name` and each
 * descendant under its path ("bob/worker1", "bob/worker1/x"). Each group's rates come from its own
 * previous read (`prev`, keyed by the same path; the identity check of deriveSample makes a re-created
 * child start over with null rates). pids/threads become subtree totals (the group's own cgroup.procs
 * and tasks plus every descendant's in `reads`), like the other numbers, which the kernel already
 * gives hierarchically. A child's effectiveLimitPercent is also capped by its ancestors'. Children are
 * nested under their parent path and sorted by name; a descendant whose parent is missing from
 * `reads` (it vanished mid-round) hangs under its nearest present ancestor.
 */
export function deriveTree(
  name: string, reads: ReadonlyMap<string, Timed<RawCgroupStats>>, prev: ReadonlyMap<string, Timed<RawCgroupStats>>, cpuCount: number, wallMs: number,
): SandboxSample {
  const paths = [...reads.keys()].filter((p) => p === name || p.startsWith(`${name}/`)).sort();
  if (!paths.includes(name)) throw new Error(`deriveTree: no read of ${name}`);
  const samples = new Map<string, SandboxSample>();
  for (const path of paths) {
    const cur = reads.get(path)!;
    let pids = cur.stats.pids;
    let threads = cur.stats.threads;
    for (const other of paths) {
      if (!other.startsWith(`${path}/`)) continue;
      const o = reads.get(other)!.stats;
      pids = pids === null || o.pids === null ? pids : pids + o.pids;
      threads = threads === null || o.threads === null ? threads : threads + o.threads;
    }
    samples.set(path, deriveSample(path, prev.get(path), { atNs: cur.atNs, stats: { ...cur.stats, pids, threads } }, cpuCount, wallMs));
  }
  // paths are sorted, so every ancestor is placed before its descendants.
  for (const path of paths) {
    if (path === name) continue;
    let up = path.slice(0, path.lastIndexOf('/'));
    while (!samples.has(up)) up = up.slice(0, up.lastIndexOf('/'));
    const parent = samples.get(up)!;
    const child = samples.get(path)!;
    const cap = parent.cpu.effectiveLimitPercent ?? null;
    const own = child.cpu.effectiveLimitPercent ?? null;
    if (cap !== null) child.cpu.effectiveLimitPercent = own === null ? cap : Math.min(own, cap);
    parent.children!.push(child);
  }
  return samples.get(name)!;
}

const NULL_RATES: IoRates = { readBytesPerSec: null, writeBytesPerSec: null, readOpsPerSec: null, writeOpsPerSec: null };

/**
 * I/O rates per device and in total. `prev` is null when there is no comparable previous read (first
 * sample, re-created group, clock not advanced) or it had no I/O accounting: then every rate is null. Between two reads of the same group, a device
 * missing from the previous read counts from 0: both kernels list a device only once the group has
 * done I/O on it (v1 blkio, v2 io.stat), and the counters start at 0 with the group. A counter that
 * went backwards gives null for that device, and for the total. A device gone from the current read
 * is left out of the total.
 */
function deriveIo(prev: Record<string, IoCounters> | null, cur: Record<string, IoCounters> | null, dtNs: bigint): SandboxSample['io'] {
  if (cur === null) return { ...NULL_RATES, devices: null };
  if (prev === null || dtNs <= 0n) return { ...NULL_RATES, devices: Object.fromEntries(Object.keys(cur).map((d) => [d, { ...NULL_RATES }])) };
  const devices: Record<string, IoRates> = {};
  const sumPrev: IoCounters = { ...ZERO };
  const sumCur: IoCounters = { ...ZERO };
  const reset = new Set<keyof IoCounters>();
  for (const [dev, c] of Object.entries(cur)) {
    const p = prev[dev] ?? ZERO;
    devices[dev] = ioRates(p, c, dtNs);
    for (const k of IO_KEYS) {
      if (c[k] < p[k]) reset.add(k);
      sumPrev[k] += p[k];
      sumCur[k] += c[k];
    }
  }
  const total = ioRates(sumPrev, sumCur, dtNs);
  for (const k of reset) total[RATE_OF[k]] = null;
  return { ...total, devices };
}

const ZERO: IoCounters = { readBytes: 0n, writeBytes: 0n, readOps: 0n, writeOps: 0n };
const RATE_OF = { readBytes: 'readBytesPerSec', writeBytes: 'writeBytesPerSec', readOps: 'readOpsPerSec', writeOps: 'writeOpsPerSec' } as const;
const IO_KEYS = ['readBytes', 'writeBytes', 'readOps', 'writeOps'] as const;

function ioRates(a: IoCounters, b: IoCounters, dtNs: bigint): IoRates {
  return {
    readBytesPerSec: perSec(a.readBytes, b.readBytes, dtNs),
    writeBytesPerSec: perSec(a.writeBytes, b.writeBytes, dtNs),
    readOpsPerSec: perSec(a.readOps, b.readOps, dtNs),
    writeOpsPerSec: perSec(a.writeOps, b.writeOps, dtNs),
  };
}

/** Counter delta per second over monotonic time; null on reset or missing data. */
function perSec(a: bigint, b: bigint, dtNs: bigint): number | null {
  const perNanosecond = perNs(a, b, dtNs);
  return perNanosecond === null ? null : perNanosecond * 1e9;
}

/** A pressure file as the protocol's flat averages; a missing "full" line gives null full fields. */
function pressureOf(p: PressureStats | null): PressureSample | null {
  if (p === null) return null;
  return { someAvg10: p.some?.avg10 ?? null, someAvg60: p.some?.avg60 ?? null, fullAvg10: p.full?.avg10 ?? null, fullAvg60: p.full?.avg60 ?? null };
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
