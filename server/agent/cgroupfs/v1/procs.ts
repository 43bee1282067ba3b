import { CgroupFileError, KernelRefusedError } from '../errors';
import { readCgroupFile, writeCgroupFile } from '../files';
import { parseProcs } from '../parse/procs';

const PROCS = 'cgroup.procs';

/** PIDs (thread-group leaders) in the group, read fresh each call. Throws CgroupFileError. */
export function readProcs(dir: string): number[] {
  return parseProcs(readCgroupFile(dir, PROCS), PROCS);
}

/** cgroup.procs of a child group, or [] when it was removed meanwhile (expected race while killing). */
export function readProcsIfPresent(dir: string): number[] {
  try {
    return readProcs(dir);
  } catch (err) {
    if (err instanceof CgroupFileError && (err.errno === 'ENOENT' || err.errno === 'ENODEV')) return [];
    throw err;
  }
}

/**
 * Number of threads in the group: lines of v1 `tasks` or v2 `cgroup.threads` (one TID per line).
 * Throws CgroupFileError (the sandbox vanished: both files always exist in a live group).
 */
export function readThreadCount(dir: string, file: 'tasks' | 'cgroup.threads'): number {
  return parseProcs(readCgroupFile(dir, file), file).length;
}

/**
 * Moves `pid` and all its threads into the group by writing it to cgroup.procs (same file name on
 * v1 and v2). ESRCH (no such process) becomes a KernelRefusedError saying so; other refusals
 * propagate as CgroupFileError.
 */
export function writeProc(dir: string, pid: number): void {
  try {
    writeCgroupFile(dir, PROCS, String(pid));
  } catch (err) {
    if (err instanceof CgroupFileError && err.errno === 'ESRCH') {
      throw new KernelRefusedError(`Process ${pid} does not exist.`, 'ESRCH', PROCS);
    }
    throw err;
  }
}
