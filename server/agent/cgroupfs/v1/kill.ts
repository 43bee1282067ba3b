import { setTimeout as sleep } from 'node:timers/promises';
import { KernelRefusedError } from '../errors';

/** What the SIGKILL loop needs from a driver; v2 reuses it when cgroup.kill is missing. */
export interface KillLoopOps {
  listPids(): number[];
  /** Stops the group so nothing forks between listing and signalling; null when no freezer exists. */
  freeze: (() => Promise<unknown>) | null;
  thaw: (() => Promise<unknown>) | null;
}

/*
 * Bounds: 10 rounds of freeze → SIGKILL all → thaw, each followed by up to 500 ms (100 × 5 ms) for
 * the killed tasks to leave cgroup.procs. A task leaves as soon as it exits (before its parent reaps
 * it), so one round normally suffices; more rounds only matter for a fork bomb that was not frozen.
 */
const ROUNDS = 10;
const DRAIN_POLLS = 100;
const DRAIN_POLL_MS = 5;

/**
 * The v1 kill: freeze, SIGKILL every PID in cgroup.procs, thaw, repeat until cgroup.procs is empty.
 * Freezing first stops forks racing the loop; SIGKILL stays pending on a frozen task and takes effect
 * on thaw, so a frozen group also ends empty and thawed. Returns how many distinct PIDs were
 * signalled. Throws KernelRefusedError when the group is still populated after the bounded rounds.
 */
export async function killUntilEmpty(ops: KillLoopOps): Promise<number> {
  const signalled = new Set<number>();
  for (let round = 0; round < ROUNDS; round++) {
    if (ops.listPids().length === 0) return signalled.size;
    await ops.freeze?.().catch(() => {
      // Freezing is only an optimisation against forks; a refused freeze has already thawed back,
      // and SIGKILL still works on running tasks, so carry on (the loop is bounded).
    });
    try {
      for (const pid of ops.listPids()) {
        if (signalProcess(pid)) signalled.add(pid);
      }
    } finally {
      await ops.thaw?.();
    }
    for (let i = 0; i < DRAIN_POLLS && ops.listPids().length > 0; i++) await sleep(DRAIN_POLL_MS);
  }
  if (ops.listPids().length === 0) return signalled.size;
  throw new KernelRefusedError(`kill did not complete: processes remain after ${ROUNDS} rounds of SIGKILL.`, undefined, 'cgroup.procs');
}

/** SIGKILL one PID; true when signalled. ESRCH (already gone) is the expected race → false; anything else rethrown. */
function signalProcess(pid: number): boolean {
  // kill(0) or kill(-n) would signal a whole process group (possibly our own): never. Nor init, nor
  // the agent itself, should another tool have put it in the group: the group then stays populated
  // and the kill is reported as incomplete instead of ending the agent.
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return false;
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    return false;
  }
}
