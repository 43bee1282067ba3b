'use client';

import { useCallback } from 'react';
import { protocolError, type CommandEvent } from '@/lib/protocol';
import { sendCommand, type CommandPayload, type CommandResult } from '@/lib/client/send-command';
import { useDashboard, useDashboardWiring } from '@/components/providers/dashboard-providers';
import type { CommandState } from '@/lib/store/slices/commands';

/** Returns a sender for one control (e.g. "bob:cpu") and that control's last command state. */
export function useCommand<E extends CommandEvent>(controlId: string, event: E) {
  const { store, socket } = useDashboardWiring();
  const state = useDashboard((s): CommandState | undefined => s.commands[controlId]);
  const send = useCallback(
    async (payload: CommandPayload<E>): Promise<CommandResult<E>> => {
      if (socket) return sendCommand(socket, store, controlId, event, payload);
      const seq = store.getState().beginCommand(controlId);
      const ack = { ok: false as const, error: protocolError('unavailable', 'Not connected to the web server yet.') };
      store.getState().settleCommand(controlId, seq, ack);
      return ack as CommandResult<E>;
    },
    [socket, store, controlId, event],
  );
  return { send, state };
}
