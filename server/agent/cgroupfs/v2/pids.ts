import { readOptionalCgroupFile } from '../files';
import { parseSingleInt } from '../parse/single-value';

const CURRENT = 'pids.current';

/**
 * Number of tasks (threads included) in the group, from pids.current; null when the pids controller
 * is not enabled. RawCgroupStats.pids counts processes (cgroup.procs) instead.
 */
export function readTaskCount(dir: string): bigint | null {
  const text = readOptionalCgroupFile(dir, CURRENT);
  return text === null ? null : parseSingleInt(text, CURRENT);
}

/** pids.max is the same file on v1 and v2: null for "max" (unlimited) or when the controller is not enabled. */
export { readPidsLimit } from '../v1/pids';
