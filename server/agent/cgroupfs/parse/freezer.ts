import type { FreezerState } from '../../../../lib/protocol';
import { CgroupParseError } from '../errors';

const V1_STATES: Record<string, FreezerState> = { THAWED: 'thawed', FREEZING: 'freezing', FROZEN: 'frozen' };

/** v1 freezer.state: THAWED | FREEZING | FROZEN. Throws CgroupParseError naming `file` on anything else. */
export function parseV1FreezerState(text: string, file = 'freezer.state'): FreezerState {
  const state = V1_STATES[text.trimEnd()];
  if (!state) throw new CgroupParseError(file, 1, text.trimEnd(), 'expected THAWED, FREEZING or FROZEN');
  return state;
}

/**
 * v2 freezer state from cgroup.freeze (what was asked) and cgroup.events `frozen` (what the kernel
 * reached): asked 1 but not yet frozen = 'freezing'. A group frozen by an ancestor reads frozen 1
 * with freeze 0; that is reported as 'frozen' because its tasks are stopped.
 */
export function detectV2FreezerState(freezeRequested: boolean, frozen: boolean): FreezerState {
  if (frozen) return 'frozen';
  return freezeRequested ? 'freezing' : 'thawed';
}
