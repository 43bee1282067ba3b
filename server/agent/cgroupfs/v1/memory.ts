import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { parseFlatKeyed, pickKey } from '../parse/flat-keyed';
import { parseSingleInt } from '../parse/single-value';
import { parseV1MemoryLimit } from '../parse/v1-limits';

const USAGE = 'memory.usage_in_bytes';
const LIMIT = 'memory.limit_in_bytes';
const STAT = 'memory.stat';
const OOM_CONTROL = 'memory.oom_control';

/** v1 memory counters of one group; each field null when `dir` is null or its file is missing. */
export interface V1MemoryStats {
  memoryUsageBytes: bigint | null;
  /** null = unlimited (or unknown). */
  memoryLimitBytes: bigint | null;
  inactiveFileBytes: bigint | null;
  oomKills: bigint | null;
}

/**
 * Reads memory.usage_in_bytes, memory.limit_in_bytes, memory.stat and memory.oom_control.
 * inactiveFileBytes is memory.stat `total_inactive_file`, the hierarchical counter: usage_in_bytes
 * is hierarchical too (it includes child groups), so usage − total_inactive_file is a consistent
 * working set, the same choice cAdvisor makes for v1. oom_kill in memory.oom_control exists since
 * Linux 4.13; older kernels → null.
 */
export function readMemoryStats(dir: string | null): V1MemoryStats {
  const read = (file: string) => (dir === null ? null : readOptionalCgroupFile(dir, file));
  const usage = read(USAGE);
  const limit = read(LIMIT);
  const stat = read(STAT);
  const oom = read(OOM_CONTROL);
  return {
    memoryUsageBytes: usage === null ? null : parseSingleInt(usage, USAGE),
    memoryLimitBytes: limit === null ? null : parseV1MemoryLimit(limit, LIMIT),
    inactiveFileBytes: stat === null ? null : pickKey(parseFlatKeyed(stat, STAT), 'total_inactive_file'),
    oomKills: oom === null ? null : pickKey(parseFlatKeyed(oom, OOM_CONTROL), 'oom_kill'),
  };
}

/**
 * Writes memory.limit_in_bytes (`-1` = unlimited) and returns the value read back (the kernel rounds
 * down to whole pages; null = unlimited). Lowering the limit below what the kernel can reclaim fails
 * with EBUSY (mm/memcontrol-v1.c mem_cgroup_resize_max gives up after its reclaim retries); that and
 * EINVAL propagate as CgroupFileError with the errno.
 */
export function writeMemoryLimit(dir: string, bytes: bigint | null): bigint | null {
  writeCgroupFile(dir, LIMIT, bytes === null ? '-1' : String(bytes));
  return parseV1MemoryLimit(readCgroupFile(dir, LIMIT), LIMIT);
}
