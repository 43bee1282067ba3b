import { SANDBOX_NAME_RE } from '../../lib/protocol';
import type { LogLevel } from './log';

/** Everything the agent is configured with; parsed once, at the composition root. */
export interface AgentConfig {
  /** Prefixed to every /proc and /sys path ("/" in production; a captured tree in tests and replays). */
  hostRoot: string;
  /** Managed parent cgroup, relative to each hierarchy root, e.g. "cgdash". */
  parent: string;
  intervalMs: number;
  host: string;
  /** 0 = pick a free port (tests). */
  port: number;
  stateDir: string;
  logLevel: LogLevel;
}

/** Reads CGDASH_* variables, reports every problem at once, and returns a frozen config. */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const problems: string[] = [];
  const int = (key: string, def: number, min: number, max: number) => {
    const raw = env[key];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`${key} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const parent = env.CGDASH_PARENT || 'cgdash';
  if (!parent.split('/').every((part) => SANDBOX_NAME_RE.test(part) && !part.includes('..'))) {
    problems.push(`CGDASH_PARENT must be a relative cgroup path of names matching ${SANDBOX_NAME_RE.source}, got "${parent}"`);
  }
  const hostRoot = env.CGDASH_HOST_ROOT || '/';
  if (!hostRoot.startsWith('/')) problems.push(`CGDASH_HOST_ROOT must be an absolute path, got "${hostRoot}"`);
  const stateDir = env.CGDASH_STATE_DIR || '/var/lib/cgdash';
  if (!stateDir.startsWith('/')) problems.push(`CGDASH_STATE_DIR must be an absolute path, got "${stateDir}"`);
  const logLevel = (env.CGDASH_LOG || 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push(`CGDASH_LOG must be debug, info, warn or error, got "${env.CGDASH_LOG}"`);
  const config: AgentConfig = {
    hostRoot,
    parent,
    intervalMs: int('CGDASH_INTERVAL_MS', 1000, 100, 60_000),
    host: env.CGDASH_AGENT_HOST || '127.0.0.1',
    port: int('CGDASH_AGENT_PORT', 7070, 0, 65535),
    stateDir,
    logLevel,
  };
  if (problems.length) throw new Error(`Invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
  return Object.freeze(config);
}
