import { setTimeout as sleep } from 'node:timers/promises';
import type { FreezerState } from '../../../../lib/protocol';
import { KernelRefusedError } from '../errors';
import { readCgroupFile, readOptionalCgroupFile, writeCgroupFile } from '../files';
import { parseFlatKeyed } from '../parse/flat-keyed';
import { detectV2FreezerState } from '../parse/freezer';
import { parseSingleInt } from '../parse/single-value';

const FREEZE = 'cgroup.freeze';
const EVENTS = 'cgroup.events';

/*
 * The v2 freezer works asynchronously: writing cgroup.freeze asks, and cgroup.events `frozen 1`
 * reports completion. opencontainers/cgroups fs2/freezer.go polls every 10 ms up to 1000 times
 * (10 s); an operator clicking Freeze should not wait that long, so we poll every 10 ms for 2 s.
 */
const POLL_MS = 10;
const POLLS = 200;

/** Freezer state from cgroup.freeze + cgroup.events; null when cgroup.freeze is missing (Linux < 5.2). */
export function readFreezerState(dir: string): FreezerState | null {
  const freeze = readOptionalCgroupFile(dir, FREEZE);
  if (freeze === null) return null;
  return detectV2FreezerState(parseSingleInt(freeze, FREEZE) === 1n, readFrozen(dir));
}

function readFrozen(dir: string): boolean {
  return parseFlatKeyed(readCgroupFile(dir, EVENTS), EVENTS).get('frozen') === 1n;
}

async function waitFrozen(dir: string, want: boolean): Promise<boolean> {
  for (let i = 0; i < POLLS; i++) {
    if (readFrozen(dir) === want) return true;
    await sleep(POLL_MS);
  }
  return readFrozen(dir) === want;
}

/**
 * Writes 1 to cgroup.freeze and waits (bounded) for cgroup.events `frozen 1`. On timeout it
 * unfreezes again and throws KernelRefusedError "freeze did not complete".
 */
export async function freezeGroup(dir: string): Promise<FreezerState> {
  writeCgroupFile(dir, FREEZE, '1');
  if (await waitFrozen(dir, true)) return 'frozen';
  writeCgroupFile(dir, FREEZE, '0');
  throw new KernelRefusedError(`freeze did not complete: cgroup.events did not report frozen within ${(POLL_MS * POLLS) / 1000} s; thawed it back.`, undefined, FREEZE);
}

/** Writes 0 to cgroup.freeze and waits (bounded) for `frozen 0`; KernelRefusedError if an ancestor keeps it frozen. */
export async function thawGroup(dir: string): Promise<FreezerState> {
  writeCgroupFile(dir, FREEZE, '0');
  if (await waitFrozen(dir, false)) return 'thawed';
  throw new KernelRefusedError('thaw did not complete: cgroup.events still reports frozen (is an ancestor frozen?).', undefined, FREEZE);
}
