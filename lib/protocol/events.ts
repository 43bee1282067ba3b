import type { Ack } from './ack';
import type { OverviewBatch } from './host';
import type { FreezerState, SandboxDetail, SandboxSample } from './sandbox';
import type { CreateSandbox, MovePid, SandboxRef, SetCpuLimit, SetMemoryLimit } from './commands';

/** Relay → browser only: whether the web server currently reaches the agent. */
export interface AgentStatus { connected: boolean; message: string | null }

/** socket.io event maps shared by agent, relay and browser (noun:verb). */
export interface ServerToClientEvents {
  'samples:overview': (batch: OverviewBatch) => void;
  'samples:sandbox': (detail: SandboxDetail) => void;
  'agent:status': (status: AgentStatus) => void;
}

export interface ClientToServerEvents {
  /** Join the detail stream of one sandbox; answers with a first snapshot. */
  'subscribe:sandbox': (req: SandboxRef, ack: (a: Ack<SandboxDetail>) => void) => void;
  'unsubscribe:sandbox': (req: SandboxRef, ack: (a: Ack<null>) => void) => void;
  'sandbox:setCpuLimit': (cmd: SetCpuLimit, ack: (a: Ack<SandboxSample>) => void) => void;
  'sandbox:setMemoryLimit': (cmd: SetMemoryLimit, ack: (a: Ack<SandboxSample>) => void) => void;
  'sandbox:freeze': (cmd: SandboxRef, ack: (a: Ack<{ freezer: FreezerState }>) => void) => void;
  'sandbox:thaw': (cmd: SandboxRef, ack: (a: Ack<{ freezer: FreezerState }>) => void) => void;
  'sandbox:kill': (cmd: SandboxRef, ack: (a: Ack<{ killed: number }>) => void) => void;
  'sandbox:create': (cmd: CreateSandbox, ack: (a: Ack<SandboxSample>) => void) => void;
  'sandbox:remove': (cmd: SandboxRef, ack: (a: Ack<null>) => void) => void;
  'sandbox:movePid': (cmd: MovePid, ack: (a: Ack<null>) => void) => void;
}

/** Names of the commands the relay forwards unchanged. */
export const COMMAND_EVENTS = [
  'sandbox:setCpuLimit', 'sandbox:setMemoryLimit', 'sandbox:freeze', 'sandbox:thaw', 'sandbox:kill',
  'sandbox:create', 'sandbox:remove', 'sandbox:movePid',
] as const satisfies ReadonlyArray<keyof ClientToServerEvents>;
export type CommandEvent = (typeof COMMAND_EVENTS)[number];
