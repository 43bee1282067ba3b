/**
 * Where the agent under test runs, seen from the specs: on this host (the default), or inside the
 * cgroup v2 VM (CGDASH_E2E_TARGET=vm, e2e/vm/guest.ts). The specs read kernel state and start tenant
 * load only through this, so the same spec proves the dashboard on v1 here and on a real v2 kernel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadLayout } from '../server/agent/cgroupfs/layout';
import { PROBES, type ProbeName, type ProbeResult } from './kernel-probe';

/** A `yes` waiting on stdin: move `pid` into a sandbox, then release() lets it exec. */
export interface Load {
  pid: number;
  release(): Promise<void>;
  kill(): Promise<void>;
}

export interface Target {
  kind: 'host' | 'vm';
  probe<P extends ProbeName>(probe: P, name: string): Promise<ProbeResult<P>>;
  startLoad(): Promise<Load>;
}

const env = (key: string) => {
  const v = process.env[key];
  if (!v) throw new Error(`${key} is not set: run the suite through e2e/playwright.config.ts (global-setup starts cgdash)`);
  return v;
};

function hostTarget(): Target {
  const tp = { layout: loadLayout('/'), parent: env('CGDASH_E2E_PARENT') };
  return {
    kind: 'host',
    probe: async (probe, name) => PROBES[probe](tp, name) as never,
    async startLoad() {
      const proc: ChildProcess = spawn('sh', ['-c', 'read _ ; exec yes > /dev/null'], { stdio: ['pipe', 'ignore', 'ignore'] });
      return {
        pid: proc.pid!,
        release: async () => { proc.stdin!.end('go\n'); },
        kill: async () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); },
      };
    },
  };
}

function vmTarget(): Target {
  const url = env('CGDASH_E2E_CONTROL_URL');
  const token = env('CGDASH_E2E_CONTROL_TOKEN');
  const call = async (path: string, body: object = {}) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json() as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`guest control ${path}: ${res.status} ${String(json.error)}`);
    return json;
  };
  return {
    kind: 'vm',
    probe: async (probe, name) => (await call('/probe', { probe, name })).value as never,
    async startLoad() {
      const pid = Number((await call('/spawn')).pid);
      return {
        pid,
        release: async () => { await call('/release', { pid }); },
        kill: async () => { await call('/kill', { pid }); },
      };
    },
  };
}

let current: Target | undefined;
export function target(): Target {
  current ??= process.env.CGDASH_E2E_TARGET === 'vm' ? vmTarget() : hostTarget();
  return current;
}
