import { CgroupFileError, KernelRefusedError } from '../errors';
import { readCgroupFile, writeCgroupFile } from '../files';
import { parseProcs } from '../parse/procs';

const PROCS = 'cgroup.procs';

/** PIDs (thread-group leaders) in the group, read fresh each call. Throws CgroupFileError. */
export function readProcs(dir: string): number[] {
  return parseProcs(readCgroupFile(dir, PROCS), PROCS);
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
