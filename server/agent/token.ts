import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, writeSync, closeSync, constants as C } from 'node:fs';
import { join } from 'node:path';

/**
 * Returns the token stored in <stateDir>/<file>, creating it (32 random bytes, hex, mode 0600) at first
 * start. The state directory is created with mode 0700.
 */
export function ensureToken(stateDir: string, file: string): string {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, file);
  try {
    const fd = openSync(path, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < 16) throw new Error(`${path} holds no usable token (shorter than 16 characters); delete it to make a new one`);
  return token;
}

/** Constant-time comparison of a presented secret with the expected one. */
export function tokenMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
