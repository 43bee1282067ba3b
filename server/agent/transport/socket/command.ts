import type { z } from 'zod';
import { describeIssues, protocolError, type Ack } from '../../../../lib/protocol';
import { toProtocolError } from '../../sandboxes/errors';
import type { Logger } from '../../log';

/**
 * Wraps one socket.io command: requires an ack callback, validates the payload with its schema, runs
 * the service call, and answers with an Ack. Every command goes through here, so none can forget one step.
 */
export function command<S extends z.ZodType, R>(schema: S, run: (input: z.infer<S>) => Promise<R>, log: Logger) {
  return async (raw: unknown, ack: unknown) => {
    if (typeof ack !== 'function') return; // a command without an ack callback cannot be answered; ignore it
    const reply = ack as (a: Ack<R>) => void;
    const input = schema.safeParse(raw);
    if (!input.success) return reply({ ok: false, error: protocolError('bad_request', describeIssues(input.error)) });
    try {
      reply({ ok: true, data: await run(input.data) });
    } catch (err) {
      reply({ ok: false, error: toProtocolError(err, log) });
    }
  };
}
