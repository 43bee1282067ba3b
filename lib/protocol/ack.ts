import type { ProtocolError } from './errors';

/** Every socket.io command answers with one of these through its acknowledgement callback. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };
