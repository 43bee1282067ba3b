import type { MemoryStats } from '../driver';
import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { parseFlatKeyed, pickKey } from '../parse/flat-keyed';
import { parseIntOrMax, parseSingleInt } from '../parse/single-value';

const CURRENT = 'memory.current';
const MAX = 'memory.max';
const HIGH = 'memory.high';
const PEAK = 'memory.peak';
const SWAP_CURRENT = 'memory.swap.current';
const STAT = 'memory.stat';
const EVENTS = 'memory.events';

/** v2 memory counters; every field null when the memory controller is not enabled (files missing). */
export type V2MemoryStats = MemoryStats;

/** memory.stat keys summed for kernel memory on kernels whose memory.stat has no `kernel` line. */
const KERNEL_PARTS = ['slab', 'kernel_stack', 'pagetables', 'percpu'] as const;

/**
 * memory.current, memory.max, memory.high, memory.peak (Linux ≥ 5.19), memory.swap.current (only
 * with swap accounting), memory.stat and memory.events, each read once. v2 memory.stat is already
 * hierarchical: inactive_file, anon, file, and `kernel` (newer kernels; otherwise the sum of slab,
 * kernel_stack, pagetables and percpu, the parts the docs list, or null if none is there).
 * memory.events high/max/oom/oom_kill count descendants too unless mounted with memory_localevents.
 */
export function readMemoryStats(dir: string): V2MemoryStats {
  const read = (file: string) => readOptionalCgroupFile(dir, file);
  const current = read(CURRENT);
  const max = read(MAX);
  const high = read(HIGH);
  const peak = read(PEAK);
  const swap = read(SWAP_CURRENT);
  const statText = read(STAT);
  const eventsText = read(EVENTS);
  const stat = statText === null ? null : parseFlatKeyed(statText, STAT);
  const events = eventsText === null ? null : parseFlatKeyed(eventsText, EVENTS);
  const key = (k: string) => (stat === null ? null : pickKey(stat, k));
  const event = (k: string) => (events === null ? null : pickKey(events, k));
  return {
    memoryUsageBytes: current === null ? null : parseSingleInt(current, CURRENT),
    memoryLimitBytes: max === null ? null : parseIntOrMax(max, MAX),
    inactiveFileBytes: key('inactive_file'),
    oomKills: event('oom_kill'),
    memoryAnonBytes: key('anon'),
    memoryFileBytes: key('file'),
    memoryKernelBytes: key('kernel') ?? sumPresent(KERNEL_PARTS.map(key)),
    memorySwapBytes: swap === null ? null : parseSingleInt(swap, SWAP_CURRENT),
    memoryPeakBytes: peak === null ? null : parseSingleInt(peak, PEAK),
    memorySoftLimitBytes: high === null ? null : parseIntOrMax(high, HIGH),
    memoryFailcnt: null,
    memoryEvents: { high: event('high'), max: event('max'), oom: event('oom') },
  };
}

/** Sum of the values that are there; null when none is. */
function sumPresent(values: Array<bigint | null>): bigint | null {
  const present = values.filter((v): v is bigint => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0n);
}

/**
 * Writes memory.max ("max" = unlimited) and returns the value read back (page-rounded; null =
 * unlimited). Unlike v1, lowering memory.max below usage does not fail with EBUSY: the kernel
 * reclaims and then OOM-kills inside the group (Documentation/admin-guide/cgroup-v2.rst, memory.max).
 * Refusals (EINVAL…) propagate as CgroupFileError.
 */
export function writeMemoryMax(dir: string, bytes: bigint | null): bigint | null {
  writeCgroupFile(dir, MAX, bytes === null ? 'max' : String(bytes));
  return parseIntOrMax(readCgroupFile(dir, MAX), MAX);
}
