import { protocolError, type AgentStatus, type OverviewBatch, type SandboxDetail } from '@/lib/protocol';
import type { DashboardStoreApi } from '@/lib/store/create-dashboard-store';
import type { DashboardSocket } from './socket';

/** How long the browser waits for a subscribe answer (the relay itself waits up to 10 s on the agent). */
const SUBSCRIBE_TIMEOUT_MS = 12_000;

/**
 * Connects socket events to the store: samples, agent status and connection state. The only place
 * (with watchSandbox) where socket events meet the store. Returns the unbind function.
 */
export function bindSocket(socket: DashboardSocket, store: DashboardStoreApi): () => void {
  const s = store.getState();
  const onConnect = () => s.setSocketState('connected');
  const onDisconnect = (reason: string) => {
    s.setSocketState('disconnected', reason);
    // socket.io-client does not retry after a server-side disconnect(); a web server restart should not need a reload.
    if (reason === 'io server disconnect') socket.connect();
  };
  // A refused handshake (expired session, foreign origin) leaves the socket inactive: no auto-retry.
  const onConnectError = (err: Error) => s.setSocketState(socket.active ? 'disconnected' : 'refused', err.message);
  const onBatch = (batch: OverviewBatch) => s.ingest(batch, Date.now());
  const onDetail = (detail: SandboxDetail) => s.ingestDetail(detail);
  const onAgent = (status: AgentStatus) => s.setAgentStatus(status);

  socket.on('connect', onConnect).on('disconnect', onDisconnect).on('connect_error', onConnectError);
  socket.on('samples:overview', onBatch).on('samples:sandbox', onDetail).on('agent:status', onAgent);
  if (socket.connected) onConnect();
  return () => {
    socket.off('connect', onConnect).off('disconnect', onDisconnect).off('connect_error', onConnectError);
    socket.off('samples:overview', onBatch).off('samples:sandbox', onDetail).off('agent:status', onAgent);
  };
}

/**
 * Subscribes to one sandbox's detail stream now and after every reconnect; the snapshot and later
 * samples land in `details`, failures in `detailErrors`. Returns the unsubscribe function.
 */
export function watchSandbox(socket: DashboardSocket, store: DashboardStoreApi, name: string): () => void {
  const { ingestDetail, setDetailError } = store.getState();
  const subscribe = () => {
    socket
      .timeout(SUBSCRIBE_TIMEOUT_MS)
      .emitWithAck('subscribe:sandbox', { name })
      .then((ack) => (ack.ok ? ingestDetail(ack.data) : setDetailError(name, ack.error)))
      .catch(() => setDetailError(name, protocolError('unavailable', 'The web server did not answer the subscription in time.')));
  };
  socket.on('connect', subscribe);
  if (socket.connected) subscribe();
  return () => {
    socket.off('connect', subscribe);
    if (socket.connected) socket.emit('unsubscribe:sandbox', { name }, () => {});
  };
}
