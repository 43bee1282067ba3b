import { protocolError, type Ack, type ClientToServerEvents, type CommandEvent } from '@/lib/protocol';
import type { DashboardStoreApi } from '@/lib/store/create-dashboard-store';
import type { DashboardSocket } from './socket';

/** Browser-side wait for an answer; the relay answers 'unavailable' itself after 10 s at most. */
export const SEND_TIMEOUT_MS = 5_000;

/** The payload a command event takes. */
export type CommandPayload<E extends CommandEvent> = Parameters<ClientToServerEvents[E]>[0];
/** What a command event's Ack carries on success. */
export type CommandResult<E extends CommandEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

interface UntypedAckEmitter { emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>> }

/**
 * Sends one command and records pending → ok/error under `controlId` (e.g. "bob:cpu") in the store.
 * Never throws: a disconnected socket or a timeout becomes an `unavailable` Ack. Commands are not
 * queued while offline (socket.io would otherwise replay a stale "Kill" after reconnecting).
 */
export async function sendCommand<E extends CommandEvent>(
  socket: DashboardSocket,
  store: DashboardStoreApi,
  controlId: string,
  event: E,
  payload: CommandPayload<E>,
): Promise<CommandResult<E>> {
  const { beginCommand, settleCommand } = store.getState();
  const seq = beginCommand(controlId);
  let ack: Ack<unknown>;
  if (!socket.connected) {
    ack = { ok: false, error: protocolError('unavailable', 'Not connected to the web server; the command was not sent.') };
  } else {
    try {
      ack = await (socket.timeout(SEND_TIMEOUT_MS) as unknown as UntypedAckEmitter).emitWithAck(event, payload);
    } catch {
      ack = { ok: false, error: protocolError('unavailable', `No answer within ${SEND_TIMEOUT_MS / 1000} s; the command may or may not have been applied.`) };
    }
  }
  settleCommand(controlId, seq, ack);
  return ack as CommandResult<E>;
}
