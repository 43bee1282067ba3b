import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveSessionKey, readCookie, signSession, tokenMatches, verifySession, SESSION_TTL_SEC } from './session';

const key = deriveSessionKey('a'.repeat(64));
const T0 = Date.UTC(2025, 0, 1);

describe('session cookie', () => {
  it('verifySession() accepts a freshly signed value', () => {
    assert.equal(verifySession(key, signSession(key, T0), T0 + 1000), true);
  });

  it('verifySession() rejects the value once it has expired', () => {
    const v = signSession(key, T0, 60);
    assert.equal(verifySession(key, v, T0 + 59_000), true);
    assert.equal(verifySession(key, v, T0 + 61_000), false);
    assert.equal(verifySession(key, signSession(key, T0), T0 + (SESSION_TTL_SEC + 1) * 1000), false);
  });

  it('verifySession() rejects a tampered expiry or signature', () => {
    const v = signSession(key, T0, 60);
    const [ver, exp, sig] = v.split('.');
    assert.equal(verifySession(key, `${ver}.${Number(exp) + 100000}.${sig}`, T0), false);
    const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    assert.equal(verifySession(key, `${ver}.${exp}.${flipped}`, T0), false);
    assert.equal(verifySession(key, `${ver}.${exp}.`, T0), false);
    assert.equal(verifySession(key, 'garbage', T0), false);
    assert.equal(verifySession(key, undefined, T0), false);
  });

  it('verifySession() rejects a value signed with another web token', () => {
    const other = deriveSessionKey('b'.repeat(64));
    assert.equal(verifySession(key, signSession(other, T0), T0), false);
  });
});

describe('tokenMatches()', () => {
  it('tokenMatches() is true only for the exact token', () => {
    assert.equal(tokenMatches('secret-token', 'secret-token'), true);
    assert.equal(tokenMatches('secret-toke', 'secret-token'), false);
    assert.equal(tokenMatches('', 'secret-token'), false);
  });
});

describe('readCookie()', () => {
  it('readCookie() finds one cookie among several', () => {
    assert.equal(readCookie('a=1; cgdash_session=v1.2.x; b=3', 'cgdash_session'), 'v1.2.x');
    assert.equal(readCookie('a=1', 'cgdash_session'), undefined);
    assert.equal(readCookie(undefined, 'cgdash_session'), undefined);
  });
});
