import type { StateCreator } from 'zustand/vanilla';
import type { AgentStatus } from '@/lib/protocol';
import type { DashboardState } from '../create-dashboard-store';

/** The browser ↔ web server socket. 'refused' = the handshake was rejected (session expired). */
export type SocketState = 'connecting' | 'connected' | 'disconnected' | 'refused';

export interface ConnectionSlice {
  socketState: SocketState;
  /** Why the socket is not connected, as socket.io reported it; null when connected. */
  socketError: string | null;
  /** The web server's link to the agent, as the relay last reported it. */
  agent: AgentStatus | null;
  setSocketState: (state: SocketState, error?: string | null) => void;
  setAgentStatus: (status: AgentStatus) => void;
}

export const createConnectionSlice: StateCreator<DashboardState, [], [], ConnectionSlice> = (set) => ({
  socketState: 'connecting',
  socketError: null,
  agent: null,
  setSocketState: (socketState, socketError = null) => set({ socketState, socketError }),
  setAgentStatus: (agent) => set({ agent }),
});
