/**
 * The whole agent for the real-cgroup integration tests: on this machine's cgroups ("/"), under the
 * test's own parent, on a free loopback port, logging only errors.
 */
import { startAgent, type RunningAgent } from '../../server/agent/main';
import { createLogger } from '../../server/agent/log';

export function startTestAgent(opts: { parent: string; stateDir: string; intervalMs: number; name: string }): Promise<RunningAgent> {
  return startAgent(
    { hostRoot: '/', parent: opts.parent, intervalMs: opts.intervalMs, host: '127.0.0.1', port: 0, stateDir: opts.stateDir, logLevel: 'error' },
    createLogger(opts.name, 'error'),
  );
}
