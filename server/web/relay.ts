/**
 * The web relay: ONE socket.io-client connection to the privileged agent (its token never leaves
 * this process) fanned out to authenticated browser sockets. No business logic: samples are
 * forwarded, commands are forwarded unchanged and their Ack passed back.
 */
import type { Server, Socket } from 'socket.io';
import { io as connectAgent, type Socket as ClientSocket } from 'socket.io-client';
import {
  COMMAND_EVENTS,
  SandboxRef,
  protocolError,
  type Ack,
  type AgentStatus,
  type ClientToServerEvents,
  type ProtocolError,
  type ServerToClientEvents,
} from '@/lib/protocol';

export type BrowserServer = Server<ClientToServerEvents, ServerToClientEvents>;
type BrowserSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
type AgentSocket = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
type AnyAck = (a: Ack<unknown>) => void;
interface UntypedEmitter { emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>> }

/** How long a forwarded command may take before the browser is told the agent is unavailable. */
export const COMMAND_TIMEOUT_MS = 10_000;
/** socket.io-client does not retry after the server refuses the handshake (bad token) or disconnect()s us; we do, this often. */
const REFUSED_RETRY_MS = 5_000;
const OVERVIEW_ROOM = 'overview';
const roomOf = (name: string) => `sandbox:${name}`;

export interface RelayOptions {
  agentUrl: string;
  agentToken: string;
  /** Tells whether a Cookie header carries a valid session (server/web/session.ts). */
  isAuthenticated: (cookieHeader: string | undefined) => boolean;
  log?: (line: string) => void;
}

export interface Relay {
  /** Whether the single agent connection is currently up (for /healthz). */
  agentConnected(): boolean;
  close(): void;
}

/** Attaches the relay to a browser-facing socket.io server and connects to the agent. */
export function createRelay(io: BrowserServer, opts: RelayOptions): Relay {
  const log = opts.log ?? (() => {});
  const agent: AgentSocket = connectAgent(opts.agentUrl, {
    path: '/socket.io',
    auth: { token: opts.agentToken },
    transports: ['websocket'],
    // The agent is local: retry fast (0.5 s doubling to 2 s) so a restarted agent is back within seconds.
    reconnectionDelay: 500,
    reconnectionDelayMax: 2_000,
  });
  /** Browser socket ids per subscribed sandbox name: the agent is subscribed while a set is non-empty. */
  const watchers = new Map<string, Set<string>>();
  let status: AgentStatus = { connected: false, message: `Connecting to the agent at ${opts.agentUrl}…` };
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const setStatus = (next: AgentStatus) => {
    if (next.connected === status.connected && next.message === status.message) return;
    status = next;
    log(`agent ${next.connected ? 'connected' : `unavailable: ${next.message}`}`);
    io.emit('agent:status', status);
  };

  agent.on('connect', () => {
    setStatus({ connected: true, message: null });
    for (const name of watchers.keys()) subscribeAgent(name);
  });
  /** socket.io-client gives up after a refused handshake or a server-side disconnect(); retry anyway. */
  const retryLater = () => {
    if (agent.active || closed) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => agent.connect(), REFUSED_RETRY_MS);
  };
  agent.on('disconnect', (reason) => {
    if (closed) return;
    setStatus({ connected: false, message: `Lost the connection to the agent (${reason}); reconnecting…` });
    retryLater();
  });
  agent.on('connect_error', (err) => {
    setStatus({ connected: false, message: `Cannot reach the agent at ${opts.agentUrl}: ${err.message}` });
    retryLater();
  });
  agent.on('samples:overview', (batch) => io.to(OVERVIEW_ROOM).emit('samples:overview', batch));
  agent.on('samples:sandbox', (detail) => io.to(roomOf(detail.name)).emit('samples:sandbox', detail));

  /** Asks the agent for a sandbox's detail stream; forwards the snapshot to the room on success. */
  async function subscribeAgent(name: string): Promise<Ack<unknown>> {
    const ack = await forward('subscribe:sandbox', { name });
    if (ack.ok) io.to(roomOf(name)).emit('samples:sandbox', ack.data as Parameters<ServerToClientEvents['samples:sandbox']>[0]);
    return ack;
  }

  /** Sends one event to the agent and resolves with its Ack, or an `unavailable` Ack. */
  async function forward(event: keyof ClientToServerEvents, payload: unknown): Promise<Ack<unknown>> {
    if (!agent.connected) return unavailable(status.message ?? 'The agent is not connected.');
    try {
      // The event maps are typed per event; the relay forwards every event the same way.
      const timed = agent.timeout(COMMAND_TIMEOUT_MS) as unknown as UntypedEmitter;
      return await timed.emitWithAck(event, payload);
    } catch {
      // socket.io-client fails pending acks at once when the connection drops; only a live one timed out.
      if (!agent.connected) return unavailable('The connection to the agent was lost before it answered; the command may or may not have been applied.');
      return unavailable(`The agent did not answer within ${COMMAND_TIMEOUT_MS / 1000} s.`);
    }
  }

  function unwatch(socket: BrowserSocket, name: string) {
    const set = watchers.get(name);
    if (!set?.delete(socket.id)) return;
    void socket.leave(roomOf(name));
    if (set.size > 0) return;
    watchers.delete(name);
    if (agent.connected) void forward('unsubscribe:sandbox', { name });
  }

  io.use((socket, next) => {
    const { headers } = socket.request;
    if (!originMatchesHost(headers.origin, headers.host)) return next(new Error('Origin does not match Host; refusing cross-site socket.'));
    if (!opts.isAuthenticated(headers.cookie)) return next(new Error('unauthorized: log in again with the login URL.'));
    next();
  });

  io.on('connection', (socket: BrowserSocket) => {
    void socket.join(OVERVIEW_ROOM);
    socket.emit('agent:status', status);

    socket.on('subscribe:sandbox', async (req, ack) => {
      if (typeof ack !== 'function') return;
      const ref = SandboxRef.safeParse(req);
      if (!ref.success) return ack({ ok: false, error: protocolError('bad_request', 'A valid sandbox name is required.') });
      const { name } = ref.data;
      const set = watchers.get(name) ?? new Set<string>();
      watchers.set(name, set.add(socket.id));
      void socket.join(roomOf(name));
      const answer = await forward('subscribe:sandbox', { name });
      // Keep an 'unavailable' watcher: the agent connection re-subscribes it when it comes back.
      if (!answer.ok && answer.error.code !== 'unavailable') unwatch(socket, name);
      (ack as AnyAck)(answer);
    });

    socket.on('unsubscribe:sandbox', (req, ack) => {
      const ref = SandboxRef.safeParse(req);
      if (ref.success) unwatch(socket, ref.data.name);
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });

    for (const event of COMMAND_EVENTS) {
      (socket as unknown as Socket).on(event, async (payload: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return;
        (ack as AnyAck)(await forward(event, payload));
      });
    }

    socket.on('disconnect', () => {
      for (const name of [...watchers.keys()]) unwatch(socket, name);
    });
  });

  return {
    agentConnected: () => agent.connected,
    close() {
      closed = true;
      clearTimeout(retryTimer);
      agent.close();
    },
  };
}

function unavailable(message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: protocolError('unavailable', message) };
}

/** True when the browser's Origin names the same host:port the request was sent to. */
export function originMatchesHost(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
