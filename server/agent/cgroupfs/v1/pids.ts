import { readOptionalCgroupFile } from '../files';
import { parseIntOrMax, parseSingleInt } from '../parse/single-value';

const CURRENT = 'pids.current';
const MAX = 'pids.max';

/**
 * Number of tasks (threads included) charged to the group, from pids.current; null when the pids
 * hierarchy or the file is missing. RawCgroupStats.pids counts processes (cgroup.procs) instead;
 * this is for callers that want threads.
 */
export function readTaskCount(dir: string | null): bigint | null {
  if (dir === null) return null;
  const text = readOptionalCgroupFile(dir, CURRENT);
  return text === null ? null : parseSingleInt(text, CURRENT);
}

/** pids.max (same file and format on v1 and v2): null for "max" (unlimited) or when the file is missing. */
export function readPidsLimit(dir: string | null): bigint | null {
  const text = dir === null ? null : readOptionalCgroupFile(dir, MAX);
  return text === null ? null : parseIntOrMax(text, MAX);
}
