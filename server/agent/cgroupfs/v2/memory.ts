import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { parseFlatKeyed, pickKey } from '../parse/flat-keyed';
import { parseIntOrMax, parseSingleInt } from '../parse/single-value';

const CURRENT = 'memory.current';
const MAX = 'memory.max';
const STAT = 'memory.stat';
const EVENTS = 'memory.events';

/** v2 memory counters; every field null when the memory controller is not enabled (files missing). */
export interface V2MemoryStats {
  memoryUsageBytes: bigint | null;
  /** null = unlimited ("max") or unknown. */
  memoryLimitBytes: bigint | null;
  inactiveFileBytes: bigint | null;
  oomKills: bigint | null;
}

/**
 * memory.current, memory.max, memory.stat `inactive_file` (v2 memory.stat is already hierarchical)
 * and memory.events `oom_kill` (Linux ≥ 4.13; counts descendants unless mounted with
 * memory_localevents).
 */
export function readMemoryStats(dir: string): V2MemoryStats {
  const current = readOptionalCgroupFile(dir, CURRENT);
  const max = readOptionalCgroupFile(dir, MAX);
  const stat = readOptionalCgroupFile(dir, STAT);
  const events = readOptionalCgroupFile(dir, EVENTS);
  return {
    memoryUsageBytes: current === null ? null : parseSingleInt(current, CURRENT),
    memoryLimitBytes: max === null ? null : parseIntOrMax(max, MAX),
    inactiveFileBytes: stat === null ? null : pickKey(parseFlatKeyed(stat, STAT), 'inactive_file'),
    oomKills: events === null ? null : pickKey(parseFlatKeyed(events, EVENTS), 'oom_kill'),
  };
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
