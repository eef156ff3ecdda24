import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SessionIdGenerator, sessionIdOrigin } from '../../../../src/diameter/node/session-id.js';
import { ManualClock } from '../../../../src/util/manual-clock.js';

const NTP_UNIX_OFFSET = 2_208_988_800;

describe('Session-Id (RFC 6733 §8.8)', () => {
  test('is <DiameterIdentity>;<high 32>;<low 32> with high from NTP time and low from 0', () => {
    const unixSeconds = 1_700_000_000;
    const gen = new SessionIdGenerator('aaa.example.net', new ManualClock(unixSeconds * 1000));
    const high = (unixSeconds + NTP_UNIX_OFFSET) % 2 ** 32;
    assert.equal(gen.next(), `aaa.example.net;${high};0`);
    assert.equal(gen.next(), `aaa.example.net;${high};1`);
  });

  test('appends the optional part', () => {
    const gen = new SessionIdGenerator('aaa.example.net', new ManualClock(0));
    assert.match(gen.next('eap;42'), /^aaa\.example\.net;\d+;0;eap;42$/);
  });

  test('differs across restarts one second apart', () => {
    const a = new SessionIdGenerator('h', new ManualClock(10_000)).next();
    const b = new SessionIdGenerator('h', new ManualClock(11_000)).next();
    assert.notEqual(a, b);
  });

  test('ids from one generator are unique', () => {
    const gen = new SessionIdGenerator('h', new ManualClock(0));
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(gen.next());
    assert.equal(seen.size, 10_000);
  });

  test('refuses an identity that is empty or contains ";"', () => {
    assert.throws(() => new SessionIdGenerator(''), RangeError);
    assert.throws(() => new SessionIdGenerator('a;b'), RangeError);
  });

  test('sessionIdOrigin returns the identity the id begins with', () => {
    assert.equal(sessionIdOrigin('nas.example.net;1;2;x'), 'nas.example.net');
    assert.equal(sessionIdOrigin('opaque'), 'opaque');
  });
});
