import type { z } from 'zod';
import { describeIssues, protocolError, type Ack } from '../../../../lib/protocol';
import { toProtocolError } from '../../sandboxes/errors';
import type { Logger } from '../../log';

/**
 * Wraps one socket.io command: requires an ack callback, validates the payload with its schema, runs
 * the service call, and answers with an Ack. Every command goes through here, so none can forget one step.
 */
export function command<S extends z.ZodType, R>(schema: S, run: (input: z.infer<S>) => Promise<R>, log: Logger) {
  return async (...args: unknown[]) => {
    // socket.io always passes the ack callback last, after however many arguments the client sent.
    const ack = args.at(-1);
    if (typeof ack !== 'function') return; // a command without an ack callback cannot be answered; ignore it
    const reply = ack as (a: Ack<R>) => void;
    if (args.length !== 2) {
      return reply({ ok: false, error: protocolError('bad_request', `A command takes exactly one payload object; got ${args.length - 1}.`) });
    }
    const input = schema.safeParse(args[0]);
    if (!input.success) return reply({ ok: false, error: protocolError('bad_request', describeIssues(input.error)) });
    try {
      reply({ ok: true, data: await run(input.data) });
    } catch (err) {
      reply({ ok: false, error: toProtocolError(err, log) });
    }
  };
}

/**
 * socket.io middleware for events no handler is registered for: answers their ack (if any) with a
 * bad_request instead of leaving the client waiting for a reply that never comes.
 */
export function refuseUnknownEvents(known: ReadonlySet<string>) {
  return ([event, ...args]: unknown[], next: (err?: Error) => void) => {
    if (typeof event === 'string' && known.has(event)) return next();
    const ack = args.at(-1);
    const shown = JSON.stringify(String(event).slice(0, 64));
    if (typeof ack === 'function') ack({ ok: false, error: protocolError('bad_request', `Unknown command ${shown}.`) });
  };
}
