import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/manual-clock.js';
import { requestKey, ResponseCache } from '../../../src/radius/response-cache.js';

function fixture(maxEntries = 10) {
  const clock = new ManualClock();
  return {
    cache: new ResponseCache({ ttlMs: 30_000, maxEntries, clock }),
    advance: (ms: number) => clock.advance(ms),
  };
}
const auth = Buffer.alloc(16, 1);

describe('ResponseCache (RFC 5080 §2.2.2)', () => {
  test('keys on source address, port, Identifier and Request Authenticator', () => {
    const keys = new Set([
      requestKey('10.0.0.1', 1000, 1, auth),
      requestKey('10.0.0.2', 1000, 1, auth),
      requestKey('10.0.0.1', 1001, 1, auth),
      requestKey('10.0.0.1', 1000, 2, auth),
      requestKey('10.0.0.1', 1000, 1, Buffer.alloc(16, 2)),
    ]);
    assert.equal(keys.size, 5);
  });

  test('reports miss, then pending, then the stored response until it expires', () => {
    const { cache, advance } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    assert.equal(cache.lookup(key).kind, 'miss');
    cache.begin(key);
    assert.equal(cache.lookup(key).kind, 'pending');
    cache.complete(key, Buffer.from('resp'), 11);
    assert.deepEqual(cache.lookup(key), { kind: 'hit', response: Buffer.from('resp'), code: 11 });
    advance(30_000);
    assert.equal(cache.lookup(key).kind, 'miss');
  });

  test('forgets an abandoned (dropped) request so a retransmission is processed again', () => {
    const { cache } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    cache.begin(key);
    cache.abandon(key);
    assert.equal(cache.lookup(key).kind, 'miss');
  });

  test('stays within its size bound, dropping the oldest', () => {
    const { cache } = fixture(3);
    for (let id = 0; id < 5; id++) {
      const key = requestKey('10.0.0.1', 1000, id, auth);
      cache.begin(key);
      cache.complete(key, Buffer.from([id]), 2);
    }
    assert.equal(cache.size, 3);
    assert.equal(cache.lookup(requestKey('10.0.0.1', 1000, 0, auth)).kind, 'miss');
    assert.equal(cache.lookup(requestKey('10.0.0.1', 1000, 4, auth)).kind, 'hit');
  });

  test('sweeps expired responses', () => {
    const { cache, advance } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    cache.begin(key);
    cache.complete(key, Buffer.from('x'), 2);
    advance(30_001);
    cache.sweep();
    assert.equal(cache.size, 0);
  });
});
