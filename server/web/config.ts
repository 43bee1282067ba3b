/**
 * Web server configuration: the only module of the web process that reads `process.env`.
 * Every variable is validated, all problems are reported in one error, and the result is frozen.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Validated settings of the unprivileged web server. */
export interface WebConfig {
  /** Address the HTTP server binds to (default 127.0.0.1: the dashboard is not exposed unless asked). */
  host: string;
  /** TCP port; 0 = let the kernel pick a free one (the real port is printed in the login line). */
  port: number;
  /** Base URL of the privileged agent's socket.io server. */
  agentUrl: string;
  /** Shared secret presented to the agent; never sent to browsers. */
  agentToken: string;
  /** Secret of the login URL; also the root of the session-cookie signing key. */
  webToken: string;
  /** Where the token files live (default /var/lib/cgdash). */
  stateDir: string;
  /** true = run Next.js in development mode (CGDASH_DEV=1). */
  dev: boolean;
}

/** Thrown by loadWebConfig with every problem found, one per line. */
export class WebConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`cgdash web: invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'WebConfigError';
  }
}

/** The environment variables read (a plain record, so tests can pass one literally). */
export type WebEnv = Readonly<Record<string, string | undefined>>;

const DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  agentUrl: 'http://127.0.0.1:7070',
  stateDir: '/var/lib/cgdash',
} as const;

/** 32 random bytes, hex: 256 bits, far beyond guessing over HTTP. */
const WEB_TOKEN_BYTES = 32;

/**
 * Reads and validates the web server's environment. May create `$CGDASH_STATE_DIR/web.token`
 * (mode 0600) when no CGDASH_WEB_TOKEN is given and the file does not exist yet.
 * @throws WebConfigError listing every problem at once.
 */
export function loadWebConfig(env: WebEnv = process.env): Readonly<WebConfig> {
  const problems: string[] = [];
  const stateDir = env.CGDASH_STATE_DIR?.trim() || DEFAULTS.stateDir;
  if (!isAbsolute(stateDir)) problems.push(`CGDASH_STATE_DIR must be an absolute path, got "${stateDir}".`);

  const host = env.CGDASH_WEB_HOST?.trim() || DEFAULTS.host;
  if (!/^[A-Za-z0-9.:\-\[\]]+$/.test(host)) problems.push(`CGDASH_WEB_HOST must be a host name or IP address, got "${host}".`);

  const port = parsePort(env.CGDASH_WEB_PORT, problems);
  const agentUrl = parseAgentUrl(env.CGDASH_AGENT_URL, problems);
  const agentToken = readAgentToken(env, stateDir, problems);
  const webToken = readOrCreateWebToken(env, stateDir, problems);

  const devRaw = env.CGDASH_DEV?.trim() ?? '';
  if (!['', '0', '1'].includes(devRaw)) problems.push(`CGDASH_DEV must be 1 or 0, got "${devRaw}".`);

  if (problems.length > 0) throw new WebConfigError(problems);
  return Object.freeze({ host, port, agentUrl, agentToken, webToken, stateDir, dev: devRaw === '1' });
}

function parsePort(raw: string | undefined, problems: string[]): number {
  if (raw === undefined || raw.trim() === '') return DEFAULTS.port;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    problems.push(`CGDASH_WEB_PORT must be an integer 0–65535 (0 = any free port), got "${raw}".`);
    return DEFAULTS.port;
  }
  return n;
}

function parseAgentUrl(raw: string | undefined, problems: string[]): string {
  const value = raw?.trim() || DEFAULTS.agentUrl;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url.origin;
  } catch {
    problems.push(`CGDASH_AGENT_URL must be an http:// or https:// URL, got "${value}".`);
    return value;
  }
}

function checkToken(token: string, what: string, problems: string[]): string {
  if (token === '') problems.push(`${what} is empty.`);
  else if (/\s/.test(token)) problems.push(`${what} must not contain whitespace.`);
  return token;
}

function readAgentToken(env: WebEnv, stateDir: string, problems: string[]): string {
  if (env.CGDASH_AGENT_TOKEN !== undefined) return checkToken(env.CGDASH_AGENT_TOKEN.trim(), 'CGDASH_AGENT_TOKEN', problems);
  const file = env.CGDASH_AGENT_TOKEN_FILE?.trim() || join(stateDir, 'agent.token');
  try {
    return checkToken(readFileSync(file, 'utf8').trim(), `The agent token file ${file}`, problems);
  } catch (err) {
    problems.push(
      `Cannot read the agent token from ${file} (${errnoOf(err)}); start the agent first, ` +
        'or set CGDASH_AGENT_TOKEN / CGDASH_AGENT_TOKEN_FILE.',
    );
    return '';
  }
}

function readOrCreateWebToken(env: WebEnv, stateDir: string, problems: string[]): string {
  if (env.CGDASH_WEB_TOKEN !== undefined) return checkToken(env.CGDASH_WEB_TOKEN.trim(), 'CGDASH_WEB_TOKEN', problems);
  const file = join(stateDir, 'web.token');
  try {
    return checkToken(readFileSync(file, 'utf8').trim(), `The web token file ${file}`, problems);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') {
      problems.push(`Cannot read the web token from ${file} (${errnoOf(err)}); fix its permissions or set CGDASH_WEB_TOKEN.`);
      return '';
    }
  }
  try {
    const token = randomBytes(WEB_TOKEN_BYTES).toString('hex');
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // 'wx' fails if another process created the file meanwhile, so two starts never disagree silently.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    problems.push(`Cannot create the web token file ${file} (${errnoOf(err)}); set CGDASH_WEB_TOKEN or make CGDASH_STATE_DIR writable.`);
    return '';
  }
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}
