import { readOptionalCgroupFile } from '../files';
import { parseSingleInt } from '../parse/single-value';

const CURRENT = 'pids.current';

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
