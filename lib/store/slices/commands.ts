import type { StateCreator } from 'zustand/vanilla';
import type { Ack, ProtocolError } from '@/lib/protocol';
import type { DashboardState } from '../create-dashboard-store';

/** The last command sent from one control (e.g. "bob:cpu"), and how it ended. */
export type CommandState =
  | { status: 'pending'; seq: number }
  | { status: 'ok'; seq: number; data: unknown }
  | { status: 'error'; seq: number; error: ProtocolError };

export interface CommandsSlice {
  commands: Record<string, CommandState>;
  /** Marks a control pending and returns the sequence number its answer must carry. */
  beginCommand: (controlId: string) => number;
  /** Records an answer, unless a newer command from the same control was sent since. */
  settleCommand: (controlId: string, seq: number, ack: Ack<unknown>) => void;
}

export const createCommandsSlice: StateCreator<DashboardState, [], [], CommandsSlice> = (set, get) => ({
  commands: {},
  beginCommand: (controlId) => {
    const seq = (get().commands[controlId]?.seq ?? 0) + 1;
    set((s) => ({ commands: { ...s.commands, [controlId]: { status: 'pending', seq } } }));
    return seq;
  },
  settleCommand: (controlId, seq, ack) =>
    set((s) => {
      if (s.commands[controlId]?.seq !== seq) return {};
      const next: CommandState = ack.ok ? { status: 'ok', seq, data: ack.data } : { status: 'error', seq, error: ack.error };
      return { commands: { ...s.commands, [controlId]: next } };
    }),
});
