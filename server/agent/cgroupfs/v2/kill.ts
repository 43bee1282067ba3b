import { setTimeout as sleep } from 'node:timers/promises';
import { CgroupFileError, KernelRefusedError } from '../errors';
import { readOptionalCgroupFile, writeCgroupFile } from '../files';
import { killUntilEmpty } from '../v1/kill';
import { freezeGroup, thawGroup } from './freezer';
import { readProcs, readProcsIfPresent } from './procs';

const KILL = 'cgroup.kill';
const FREEZE = 'cgroup.freeze';
/** After cgroup.kill, tasks leave cgroup.procs as they exit; 2 s (200 × 10 ms) is ample for SIGKILL. */
const DRAIN_POLLS = 200;
const DRAIN_POLL_MS = 10;

/**
 * Kills every process in the group and in its child groups (`childDirs`, e.g. a tenant's own
 * sub-groups) and resolves once all their cgroup.procs are empty; returns how many PIDs were listed
 * before the kill, children's included (cgroup.procs lists only a group's own members). Uses
 * cgroup.kill (Linux ≥ 5.14: the kernel SIGKILLs the whole subtree, frozen tasks included, with no
 * fork race). Without it, falls back to the v1 loop (freeze → SIGKILL → thaw). Either way a frozen
 * group ends empty and thawed.
 */
export async function killGroup(dir: string, childDirs: readonly string[] = []): Promise<number> {
  const listPids = () => [...readProcs(dir), ...childDirs.flatMap(readProcsIfPresent)];
  const before = listPids();
  try {
    writeCgroupFile(dir, KILL, '1');
  } catch (err) {
    if (err instanceof CgroupFileError && err.errno === 'ENOENT') {
      return killUntilEmpty({ listPids, freeze: () => freezeGroup(dir), thaw: () => thawGroup(dir) });
    }
    throw err;
  }
  for (let i = 0; i < DRAIN_POLLS && listPids().length > 0; i++) await sleep(DRAIN_POLL_MS);
  if (listPids().length > 0) throw new KernelRefusedError('kill did not complete: processes remain after cgroup.kill.', undefined, KILL);
  // An empty frozen group would still read frozen; leave it thawed so new members run.
  if (readOptionalCgroupFile(dir, FREEZE)?.trim() === '1') await thawGroup(dir);
  return before.length;
}

