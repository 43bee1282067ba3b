/** Minimal leveled logger to stderr; `debug` only when CGDASH_LOG=debug (decided in config). */
export interface Logger {
  debug(msg: string, extra?: unknown): void;
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Creates a logger that prints lines at or above `level`, prefixed with a timestamp and `name`. */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  const min = LEVELS.indexOf(level);
  const emit = (lvl: LogLevel) => (msg: string, extra?: unknown) => {
    if (LEVELS.indexOf(lvl) < min) return;
    const tail = extra === undefined ? '' : ` ${extra instanceof Error ? extra.stack ?? extra.message : JSON.stringify(extra)}`;
    process.stderr.write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${name}: ${msg}${tail}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Logs the same key at most once per `everyMs` (cadvisor's allowErrorLogging), so a broken sandbox cannot flood the log. */
export function createRateLimitedLog(log: Logger, everyMs = 60_000, now = () => performance.now()) {
  const last = new Map<string, number>();
  return (key: string, msg: string, extra?: unknown) => {
    const t = now();
    if ((last.get(key) ?? -Infinity) + everyMs > t) return;
    last.set(key, t);
    log.warn(msg, extra);
  };
}
