import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadWebConfig, WebConfigError } from './config';

const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgdash-web-config-'));
  made.push(dir);
  return dir;
};

after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('loadWebConfig()', () => {
  it('loadWebConfig() fills defaults and returns a frozen object', () => {
    const dir = tmp();
    const c = loadWebConfig({ CGDASH_STATE_DIR: dir, CGDASH_AGENT_TOKEN: 'a', CGDASH_WEB_TOKEN: 'w' });
    assert.deepEqual(
      { ...c },
      { host: '127.0.0.1', port: 3000, agentUrl: 'http://127.0.0.1:7070', agentToken: 'a', webToken: 'w', stateDir: dir, dev: false },
    );
    assert.ok(Object.isFrozen(c));
  });

  it('loadWebConfig() reports every problem at once', () => {
    const dir = tmp();
    assert.throws(
      () => loadWebConfig({ CGDASH_STATE_DIR: dir, CGDASH_WEB_PORT: '70000', CGDASH_AGENT_URL: 'ftp://x', CGDASH_WEB_TOKEN: 'w', CGDASH_DEV: 'yes' }),
      (err: unknown) => {
        assert.ok(err instanceof WebConfigError);
        assert.equal(err.problems.length, 4, err.message);
        assert.match(err.message, /CGDASH_WEB_PORT/);
        assert.match(err.message, /CGDASH_AGENT_URL/);
        assert.match(err.message, /agent\.token/);
        assert.match(err.message, /CGDASH_DEV/);
        return true;
      },
    );
  });

  it('loadWebConfig() creates web.token with mode 0600 and reads it back on the next start', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'agent.token'), 'agent-secret\n');
    const first = loadWebConfig({ CGDASH_STATE_DIR: dir });
    assert.match(first.webToken, /^[0-9a-f]{64}$/);
    assert.equal(first.agentToken, 'agent-secret');
    assert.equal(statSync(join(dir, 'web.token')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'web.token'), 'utf8').trim(), first.webToken);
    assert.equal(loadWebConfig({ CGDASH_STATE_DIR: dir }).webToken, first.webToken);
  });

  it('loadWebConfig() reads the agent token from CGDASH_AGENT_TOKEN_FILE when given', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'other'), 'xyz\n');
    const c = loadWebConfig({ CGDASH_STATE_DIR: dir, CGDASH_AGENT_TOKEN_FILE: join(dir, 'other'), CGDASH_WEB_TOKEN: 'w', CGDASH_WEB_PORT: '0' });
    assert.equal(c.agentToken, 'xyz');
    assert.equal(c.port, 0);
  });
});
