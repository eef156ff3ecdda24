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

  test('evicts in insertion order past abandoned and re-begun keys', () => {
    const { cache } = fixture(3);
    const key = (id: number): string => requestKey('10.0.0.1', 1000, id, auth);
    cache.begin(key(0));
    cache.abandon(key(0));
    cache.begin(key(1));
    cache.complete(key(1), Buffer.from([1]), 2);
    cache.begin(key(0)); // a retransmission of the dropped request, now newer than key 1
    cache.complete(key(0), Buffer.from([0]), 2);
    cache.begin(key(2));
    cache.complete(key(2), Buffer.from([2]), 2);
    cache.begin(key(3)); // full: the oldest live entry (key 1) goes, not key 0's old slot
    assert.equal(cache.size, 3);
    assert.equal(cache.lookup(key(1)).kind, 'miss');
    assert.equal(cache.lookup(key(0)).kind, 'hit');
    assert.equal(cache.lookup(key(2)).kind, 'hit');
    assert.equal(cache.lookup(key(3)).kind, 'pending');
  });

  test('keeps an expired request that is still pending until it is completed', () => {
    const { cache, advance } = fixture();
    const slow = requestKey('10.0.0.1', 1000, 1, auth);
    const done = requestKey('10.0.0.1', 1000, 2, auth);
    cache.begin(slow);
    cache.begin(done);
    cache.complete(done, Buffer.from('x'), 2);
    advance(30_001);
    cache.sweep();
    assert.equal(cache.size, 1);
    assert.equal(cache.lookup(slow).kind, 'pending');
    cache.complete(slow, Buffer.from('y'), 2);
    cache.sweep();
    assert.equal(cache.size, 0);
  });

  test('stays bounded and correct over many more requests than entries', () => {
    const { cache, advance } = fixture(100);
    for (let id = 0; id < 10_000; id++) {
      const key = requestKey('10.0.0.1', id, id % 256, auth);
      cache.begin(key);
      if (id % 3 === 0) cache.abandon(key);
      else cache.complete(key, Buffer.from([id % 256]), 2);
      advance(10);
    }
    assert.ok(cache.size <= 100);
    const last = requestKey('10.0.0.1', 9_998, 9_998 % 256, auth);
    assert.deepEqual(cache.lookup(last), { kind: 'hit', response: Buffer.from([9_998 % 256]), code: 2 });
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
