import type { MemoryStats } from '../driver';
import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { parseFlatKeyed, pickKey } from '../parse/flat-keyed';
import { parseSingleInt } from '../parse/single-value';
import { parseV1MemoryLimit } from '../parse/v1-limits';

const USAGE = 'memory.usage_in_bytes';
const LIMIT = 'memory.limit_in_bytes';
const STAT = 'memory.stat';
const OOM_CONTROL = 'memory.oom_control';
const KMEM_USAGE = 'memory.kmem.usage_in_bytes';
const MAX_USAGE = 'memory.max_usage_in_bytes';
const SOFT_LIMIT = 'memory.soft_limit_in_bytes';
const FAILCNT = 'memory.failcnt';

/** v1 memory counters of one group; each field null when `dir` is null or its file is missing. */
export type V1MemoryStats = MemoryStats;

/**
 * Reads memory.usage_in_bytes, memory.limit_in_bytes, memory.stat, memory.oom_control,
 * memory.kmem.usage_in_bytes, memory.max_usage_in_bytes, memory.soft_limit_in_bytes and
 * memory.failcnt, each once.
 *
 * memory.stat keys are the hierarchical `total_*` ones: usage_in_bytes is hierarchical too (it
 * includes child groups), so usage − total_inactive_file is a consistent working set (cAdvisor's
 * choice for v1), and anon/file/swap match usage the same way. anon = total_rss (shmem is counted
 * in total_cache, as in v2's `file`), file = total_cache, swap = total_swap, which the kernel prints
 * only with swap accounting (CONFIG_MEMCG_SWAP, swapaccount=1); without it swap is null, not 0.
 * oom_kill in memory.oom_control exists since Linux 4.13; older kernels → null.
 *
 * Events: v1 has no counter of "hit the limit" events separate from memory.failcnt (reported as
 * memoryFailcnt) and none of OOM situations (memory.oom_control under_oom is a 0/1 state, and OOM
 * notifications are eventfd-only), nor a high boundary; so high/max/oom are null on v1.
 */
export function readMemoryStats(dir: string | null): V1MemoryStats {
  const read = (file: string) => (dir === null ? null : readOptionalCgroupFile(dir, file));
  const int = (file: string) => {
    const text = read(file);
    return text === null ? null : parseSingleInt(text, file);
  };
  const usage = read(USAGE);
  const limit = read(LIMIT);
  const statText = read(STAT);
  const oom = read(OOM_CONTROL);
  const softLimit = read(SOFT_LIMIT);
  const stat = statText === null ? null : parseFlatKeyed(statText, STAT);
  const key = (k: string) => (stat === null ? null : pickKey(stat, k));
  return {
    memoryUsageBytes: usage === null ? null : parseSingleInt(usage, USAGE),
    memoryLimitBytes: limit === null ? null : parseV1MemoryLimit(limit, LIMIT),
    inactiveFileBytes: key('total_inactive_file'),
    oomKills: oom === null ? null : pickKey(parseFlatKeyed(oom, OOM_CONTROL), 'oom_kill'),
    memoryAnonBytes: key('total_rss'),
    memoryFileBytes: key('total_cache'),
    memoryKernelBytes: int(KMEM_USAGE),
    memorySwapBytes: key('total_swap'),
    memoryPeakBytes: int(MAX_USAGE),
    // Same page-rounded LONG_MAX as memory.limit_in_bytes when unlimited.
    memorySoftLimitBytes: softLimit === null ? null : parseV1MemoryLimit(softLimit, SOFT_LIMIT),
    memoryFailcnt: int(FAILCNT),
    memoryEvents: { high: null, max: null, oom: null },
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
