import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/protocol';

/** The browser's one socket to the web server (same origin; the session cookie authenticates it). */
export type DashboardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Opens the dashboard socket. WebSocket only: a WebSocket handshake always carries the Origin
 * header the relay checks, while a same-origin long-polling GET may not. socket.io-client
 * reconnects by itself after network or server failures.
 */
export function createDashboardSocket(): DashboardSocket {
  return io({ path: '/socket.io', transports: ['websocket'] });
}
