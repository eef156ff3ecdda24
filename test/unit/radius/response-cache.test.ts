import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/manual-clock.js';
import { ResponseCache } from '../../../src/radius/response-cache.js';

function fixture(maxEntries = 10) {
  const clock = new ManualClock();
  return {
    cache: new ResponseCache({ ttlMs: 30_000, maxEntries, clock }),
    advance: (ms: number) => clock.advance(ms),
  };
}
const auth = Buffer.alloc(16, 1);
type Key = readonly [address: string, port: number, identifier: number, authenticator: Buffer];
const requestKey = (address: string, port: number, identifier: number, authenticator: Buffer): Key => [
  address,
  port,
  identifier,
  authenticator,
];

describe('ResponseCache (RFC 5080 §2.2.2)', () => {
  test('keys on source address, port, Identifier and Request Authenticator', () => {
    const { cache } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    cache.begin(...key);
    cache.complete(...key, Buffer.from('resp'), 2);
    for (const other of [
      requestKey('10.0.0.2', 1000, 1, auth),
      requestKey('10.0.0.1', 1001, 1, auth),
      requestKey('10.0.0.1', 1000, 2, auth),
      requestKey('10.0.0.1', 1000, 1, Buffer.alloc(16, 2)),
    ])
      assert.equal(cache.lookup(...other).kind, 'miss', other.join(' '));
    assert.equal(cache.lookup(...key).kind, 'hit');
  });

  test('reports miss, then pending, then the stored response until it expires', () => {
    const { cache, advance } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    assert.equal(cache.lookup(...key).kind, 'miss');
    cache.begin(...key);
    assert.equal(cache.lookup(...key).kind, 'pending');
    cache.complete(...key, Buffer.from('resp'), 11);
    assert.deepEqual(cache.lookup(...key), { kind: 'hit', response: Buffer.from('resp'), code: 11 });
    advance(30_000);
    assert.equal(cache.lookup(...key).kind, 'miss');
  });

  test('forgets an abandoned (dropped) request so a retransmission is processed again', () => {
    const { cache } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    cache.begin(...key);
    cache.abandon(...key);
    assert.equal(cache.lookup(...key).kind, 'miss');
  });

  test('stays within its size bound, dropping the oldest', () => {
    const { cache } = fixture(3);
    for (let id = 0; id < 5; id++) {
      const key = requestKey('10.0.0.1', 1000, id, auth);
      cache.begin(...key);
      cache.complete(...key, Buffer.from([id]), 2);
    }
    assert.equal(cache.size, 3);
    assert.equal(cache.lookup(...requestKey('10.0.0.1', 1000, 0, auth)).kind, 'miss');
    assert.equal(cache.lookup(...requestKey('10.0.0.1', 1000, 4, auth)).kind, 'hit');
  });

  test('evicts in insertion order past abandoned and re-begun keys', () => {
    const { cache } = fixture(3);
    const key = (id: number): Key => requestKey('10.0.0.1', 1000, id, auth);
    cache.begin(...key(0));
    cache.abandon(...key(0));
    cache.begin(...key(1));
    cache.complete(...key(1), Buffer.from([1]), 2);
    cache.begin(...key(0)); // a retransmission of the dropped request, now newer than key 1
    cache.complete(...key(0), Buffer.from([0]), 2);
    cache.begin(...key(2));
    cache.complete(...key(2), Buffer.from([2]), 2);
    cache.begin(...key(3)); // full: the oldest live entry (key 1) goes, not key 0's old slot
    assert.equal(cache.size, 3);
    assert.equal(cache.lookup(...key(1)).kind, 'miss');
    assert.equal(cache.lookup(...key(0)).kind, 'hit');
    assert.equal(cache.lookup(...key(2)).kind, 'hit');
    assert.equal(cache.lookup(...key(3)).kind, 'pending');
  });

  test('keeps an expired request that is still pending until it is completed', () => {
    const { cache, advance } = fixture();
    const slow = requestKey('10.0.0.1', 1000, 1, auth);
    const done = requestKey('10.0.0.1', 1000, 2, auth);
    cache.begin(...slow);
    cache.begin(...done);
    cache.complete(...done, Buffer.from('x'), 2);
    advance(30_001);
    cache.sweep();
    assert.equal(cache.size, 1);
    assert.equal(cache.lookup(...slow).kind, 'pending');
    cache.complete(...slow, Buffer.from('y'), 2);
    cache.sweep();
    assert.equal(cache.size, 0);
  });

  test('stays bounded and correct over many more requests than entries', () => {
    const { cache, advance } = fixture(100);
    for (let id = 0; id < 10_000; id++) {
      const key = requestKey('10.0.0.1', id, id % 256, auth);
      cache.begin(...key);
      if (id % 3 === 0) cache.abandon(...key);
      else cache.complete(...key, Buffer.from([id % 256]), 2);
      advance(10);
    }
    assert.ok(cache.size <= 100);
    const last = requestKey('10.0.0.1', 9_998, 9_998 % 256, auth);
    assert.deepEqual(cache.lookup(...last), { kind: 'hit', response: Buffer.from([9_998 % 256]), code: 2 });
  });

  test('sweeps expired responses', () => {
    const { cache, advance } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    cache.begin(...key);
    cache.complete(...key, Buffer.from('x'), 2);
    advance(30_001);
    cache.sweep();
    assert.equal(cache.size, 0);
  });

  test('requests whose hashes collide are told apart by the whole key, and each goes alone', () => {
    // Same source, port, Identifier and first four Authenticator octets: the same hash chain.
    const { cache, advance } = fixture(8);
    const a = requestKey('10.0.0.1', 1000, 7, Buffer.from('00000000000000000000000000000001', 'hex'));
    const b = requestKey('10.0.0.1', 1000, 7, Buffer.from('00000000000000000000000000000002', 'hex'));
    const c = requestKey('10.0.0.1', 1000, 7, Buffer.from('00000000000000000000000000000003', 'hex'));
    cache.begin(...a);
    cache.complete(...a, Buffer.from('A'), 2);
    advance(10_000);
    cache.begin(...b);
    cache.complete(...b, Buffer.from('B'), 11);
    cache.begin(...c);
    assert.deepEqual(cache.lookup(...a), { kind: 'hit', response: Buffer.from('A'), code: 2 });
    assert.deepEqual(cache.lookup(...b), { kind: 'hit', response: Buffer.from('B'), code: 11 });
    assert.equal(cache.lookup(...c).kind, 'pending');
    cache.abandon(...b); // answered: abandon leaves it
    assert.equal(cache.lookup(...b).kind, 'hit');
    advance(20_000); // a expires, b and c do not
    cache.sweep();
    assert.equal(cache.lookup(...a).kind, 'miss');
    assert.equal(cache.lookup(...b).kind, 'hit');
    cache.abandon(...c); // the middle of the chain goes
    assert.equal(cache.lookup(...c).kind, 'miss');
    assert.deepEqual(cache.lookup(...b), { kind: 'hit', response: Buffer.from('B'), code: 11 });
    assert.equal(cache.size, 1);
  });

  test('forgetting requests from the middle of shared buckets loses none of the others', () => {
    // 1,024 pending requests with random Authenticators in 2,048 buckets: some buckets hold three
    // or more, and abandoning every third request unlinks some from between a newer and an older one.
    const n = 1024;
    const { cache } = fixture(n);
    const keys = Array.from({ length: n }, (_v, i) =>
      requestKey(`10.0.0.${1 + (i % 3)}`, 1000 + (i % 7), i % 256, randomBytes(16)),
    );
    for (const key of keys) cache.begin(...key);
    keys.forEach((key, i) => {
      if (i % 3 === 1) cache.abandon(...key);
    });
    keys.forEach((key, i) =>
      assert.equal(cache.lookup(...key).kind, i % 3 === 1 ? 'miss' : 'pending', `request ${i}`),
    );
    assert.equal(cache.size, n - Math.floor((n + 1) / 3));
  });

  test('a hit is a copy: changing it changes nothing cached', () => {
    const { cache } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    cache.begin(...key);
    cache.complete(...key, Buffer.from('resp'), 11);
    const first = cache.lookup(...key);
    assert.equal(first.kind, 'hit');
    if (first.kind === 'hit') first.response.fill(0);
    assert.deepEqual(cache.lookup(...key), { kind: 'hit', response: Buffer.from('resp'), code: 11 });
  });

  test('a pending request past its TTL in a full cache stays findable and completes', () => {
    const { cache, advance } = fixture(3);
    const slow = requestKey('10.0.0.9', 1000, 1, auth);
    cache.begin(...slow);
    cache.begin(...requestKey('10.0.0.1', 1000, 2, auth));
    cache.begin(...requestKey('10.0.0.1', 1000, 3, auth));
    advance(30_001);
    cache.sweep(); // every entry is pending: all stay, in the same full ring
    assert.equal(cache.size, 3);
    assert.equal(cache.lookup(...slow).kind, 'pending');
    cache.complete(...slow, Buffer.from('late'), 2);
    assert.equal(cache.lookup(...slow).kind, 'miss', 'answered after its TTL: expired at once');
    assert.equal(cache.size, 2);
  });

  test('a re-begun request replaces its entry, and a completed one can be completed again', () => {
    const { cache } = fixture();
    const key = requestKey('10.0.0.1', 1000, 1, auth);
    cache.begin(...key);
    cache.complete(...key, Buffer.from('one'), 2);
    cache.complete(...key, Buffer.from('two'), 3);
    assert.deepEqual(cache.lookup(...key), { kind: 'hit', response: Buffer.from('two'), code: 3 });
    cache.begin(...key);
    assert.equal(cache.lookup(...key).kind, 'pending');
    assert.equal(cache.size, 1);
  });

  test('refuses a bound that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5])
      assert.throws(() => fixture(maxEntries), RangeError, String(maxEntries));
  });
});
