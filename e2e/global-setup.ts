import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerTestParent, removeTestParent, sweepStaleTestParents } from '../test/helpers/test-parent';

const root = join(import.meta.dirname, '..');

/**
 * Starts cgdash exactly as `npm start` does (scripts/start.ts), on free loopback ports, with its own
 * state dir and a cgdash-test-<random> parent; hands the URLs to the specs through the environment;
 * returns the teardown that stops it (by PID) and removes the test parent.
 */
export default async function globalSetup() {
  await sweepStaleTestParents();
  const parent = `cgdash-test-e2e${randomBytes(4).toString('hex')}`;
  registerTestParent(parent);
  const stateDir = mkdtempSync(join(tmpdir(), 'cgdash-e2e-'));
  const child = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/start.ts', '--demo'], {
    cwd: root,
    env: { ...process.env, CGDASH_PARENT: parent, CGDASH_STATE_DIR: stateDir, CGDASH_AGENT_PORT: '0', CGDASH_WEB_PORT: '0', CGDASH_WEB_HOST: '127.0.0.1', CGDASH_AGENT_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const urls = await new Promise<{ agent: string; login: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`cgdash did not start within 180 s:\n${out}`)), 180_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const agent = /cgdash agent: listening on (\S+)/.exec(out)?.[1];
      const login = /cgdash: ready\. Open (\S+)/.exec(out)?.[1];
      if (agent && login) { clearTimeout(timer); resolve({ agent, login }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`cgdash exited (${code}) during start:\n${out}`)); });
  });
  process.env.CGDASH_E2E_PARENT = parent;
  process.env.CGDASH_E2E_STATE_DIR = stateDir;
  process.env.CGDASH_E2E_AGENT_URL = urls.agent;
  process.env.CGDASH_E2E_LOGIN_URL = urls.login;
  process.env.CGDASH_E2E_WEB_URL = new URL(urls.login).origin;

  return async () => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await removeTestParent(parent);
    rmSync(stateDir, { recursive: true, force: true });
  };
}
