import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  CreateSandbox, MovePid, SandboxRef, SetCpuLimit, SetMemoryLimit,
  type ClientToServerEvents, type OverviewBatch, type SandboxDetail, type ServerToClientEvents,
} from '../../../../lib/protocol';
import type { SandboxService } from '../../sandboxes/service';
import { tokenMatches } from '../../token';
import type { Logger } from '../../log';
import type { Sampler } from '../../sampler/sampler';
import { command, refuseUnknownEvents } from './command';

export type AgentIo = Server<ClientToServerEvents, ServerToClientEvents>;
type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const OVERVIEW = 'overview';
const detailRoom = (name: string) => `sandbox:${name}`;

/** Attaches socket.io to the agent's HTTP server: token auth once per connection, then thin handlers. */
export function createSocketTransport(http: HttpServer, token: string, log: Logger): AgentIo {
  const io: AgentIo = new Server(http, { serveClient: false, cors: { origin: false } });
  io.use((socket, next) => {
    const auth = socket.handshake.auth?.token ?? /^Bearer (.+)$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
    if (tokenMatches(auth, token)) return next();
    log.warn(`rejected socket.io connection from ${socket.handshake.address}: bad token`);
    next(new Error('unauthorized: a valid agent token is required'));
  });
  return io;
}

/** Names of sandboxes someone watches in detail (non-empty detail rooms). */
export function watchedSandboxes(io: AgentIo): string[] {
  const names: string[] = [];
  for (const [room, members] of io.of('/').adapter.rooms) if (room.startsWith('sandbox:') && members.size > 0) names.push(room.slice(8));
  return names;
}

/**
 * Publishers for the sampler: overview to everyone, detail to each sandbox's room. Not `volatile`:
 * socket.io drops a volatile packet whenever the transport is still flushing the previous one, which
 * is always the case for the detail sent right after the overview batch of the same round.
 */
export function createPublishers(io: AgentIo) {
  return {
    publishOverview: (batch: OverviewBatch) => io.to(OVERVIEW).emit('samples:overview', batch),
    publishDetail: (detail: SandboxDetail) => io.to(detailRoom(detail.name)).emit('samples:sandbox', detail),
  };
}

/** Registers the per-connection handlers, one line per command. */
export function registerHandlers(io: AgentIo, svc: SandboxService, sampler: Sampler, log: Logger): void {
  io.on('connection', (socket: AgentSocket) => {
    socket.join(OVERVIEW);
    const latest = sampler.latest();
    if (latest) socket.emit('samples:overview', latest);
    // What this client asked for last, per sandbox: an unsubscribe that arrives while a subscribe is
    // still reading its snapshot must win, or the room would be joined for good after the leave.
    const wanted = new Set<string>();
    socket.on('subscribe:sandbox', command(SandboxRef, async ({ name }) => {
      wanted.add(name);
      const detail = await svc.get(name);
      if (wanted.has(name)) socket.join(detailRoom(name));
      return detail;
    }, log));
    socket.on('unsubscribe:sandbox', command(SandboxRef, async ({ name }) => {
      wanted.delete(name);
      socket.leave(detailRoom(name));
      return null;
    }, log));
    socket.on('sandbox:setCpuLimit', command(SetCpuLimit, (c) => svc.setCpuLimit(c.name, c.percent), log));
    socket.on('sandbox:setMemoryLimit', command(SetMemoryLimit, (c) => svc.setMemoryLimit(c.name, c.bytes), log));
    socket.on('sandbox:freeze', command(SandboxRef, (c) => svc.freeze(c.name), log));
    socket.on('sandbox:thaw', command(SandboxRef, (c) => svc.thaw(c.name), log));
    socket.on('sandbox:kill', command(SandboxRef, (c) => svc.kill(c.name), log));
    socket.on('sandbox:create', command(CreateSandbox, (c) => svc.create(c), log));
    socket.on('sandbox:remove', command(SandboxRef, async (c) => { await svc.remove(c.name); return null; }, log));
    socket.on('sandbox:movePid', command(MovePid, (c) => svc.movePid(c.name, c.pid), log));
    socket.use(refuseUnknownEvents(new Set(socket.eventNames().map(String))));
  });
}
