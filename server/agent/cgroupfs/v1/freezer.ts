import { setTimeout as sleep } from 'node:timers/promises';
import type { FreezerState } from '../../../../lib/protocol';
import { KernelRefusedError } from '../errors';
import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { parseV1FreezerState } from '../parse/freezer';

const STATE = 'freezer.state';

/*
 * Retry numbers follow opencontainers/cgroups fs/freezer.go: up to 1000 write+read attempts, with a
 * thaw and 10 ms sleep every 50th attempt (lets tasks that were mid-fork settle) and a short sleep
 * every 25th. runc chose them empirically because v1 can sit in FREEZING while new tasks keep
 * appearing (still true on recent kernels). We sleep 1 ms on every attempt instead of spinning, so
 * the agent's event loop keeps running: the whole attempt is bounded at roughly 1000 × 1 ms +
 * 20 × 10 ms ≈ 1.2–2 s with timer slack.
 */
const FREEZE_ATTEMPTS = 1000;
const KICK_EVERY = 50;
const KICK_SLEEP_MS = 10;
/** Thawing is immediate in practice; 200 × 1 ms is only a guard against a stuck ancestor. */
const THAW_ATTEMPTS = 200;

/** v1 freezer state of the group; null when there is no freezer hierarchy / group there. */
export function readFreezerState(dir: string | null): FreezerState | null {
  const text = dir === null ? null : readOptionalCgroupFile(dir, STATE);
  return text === null ? null : parseV1FreezerState(text, STATE);
}

/**
 * Writes FROZEN and polls freezer.state until the kernel reports FROZEN (bounded, see above).
 * On failure it thaws the group back (a half-frozen group is worse than a running one) and throws
 * KernelRefusedError "freeze did not complete"; a write error is rethrown after the thaw.
 */
export async function freezeGroup(dir: string): Promise<FreezerState> {
  try {
    for (let i = 0; i < FREEZE_ATTEMPTS; i++) {
      if (i % KICK_EVERY === KICK_EVERY - 1) {
        writeCgroupFile(dir, STATE, 'THAWED');
        await sleep(KICK_SLEEP_MS);
      }
      writeCgroupFile(dir, STATE, 'FROZEN');
      const state = parseV1FreezerState(readCgroupFile(dir, STATE), STATE);
      if (state === 'frozen') return state;
      await sleep(1);
    }
  } catch (err) {
    writeCgroupFile(dir, STATE, 'THAWED');
    throw err;
  }
  writeCgroupFile(dir, STATE, 'THAWED');
  throw new KernelRefusedError(
    `freeze did not complete: the group stayed FREEZING after ${FREEZE_ATTEMPTS} attempts (tasks kept forking or are in uninterruptible sleep); thawed it back.`,
    undefined,
    STATE,
  );
}

/** Writes THAWED and polls until freezer.state reads THAWED (bounded); throws KernelRefusedError if not. */
export async function thawGroup(dir: string): Promise<FreezerState> {
  for (let i = 0; i < THAW_ATTEMPTS; i++) {
    writeCgroupFile(dir, STATE, 'THAWED');
    const state = parseV1FreezerState(readCgroupFile(dir, STATE), STATE);
    if (state === 'thawed') return state;
    await sleep(1);
  }
  throw new KernelRefusedError('thaw did not complete: freezer.state is not THAWED (is an ancestor frozen?).', undefined, STATE);
}
