import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_DUPLICATE_TTL_MS, DuplicateCache } from '../../../../src/diameter/node/duplicate-cache.js';
import { ManualClock } from '../../../../src/util/manual-clock.js';

const HOST = 'nas.example.net';
const answer = (n: number, fill = 1): Buffer => Buffer.alloc(n, fill);

function cache(over: { maxEntries?: number; maxBytes?: number; ttlMs?: number } = {}): {
  c: DuplicateCache;
  clock: ManualClock;
} {
  const clock = new ManualClock(1_000);
  return { c: new DuplicateCache({ clock, ...over }), clock };
}

describe('duplicate cache (RFC 6733 §5.5.4)', () => {
  test('a first request is new and is then pending', () => {
    const { c } = cache();
    assert.deepEqual(c.begin(HOST, 1), { kind: 'new' });
    assert.deepEqual(c.begin(HOST, 1), { kind: 'pending' });
  });

  test('a duplicate after the answer gets the same answer', () => {
    const { c } = cache();
    c.begin(HOST, 1);
    const a = answer(20, 7);
    assert.equal(c.complete(HOST, 1, a), true);
    const r = c.begin(HOST, 1);
    assert.equal(r.kind, 'answered');
    // A copy of the same bytes (the cache keeps answers in shared chunks, not the caller's Buffer).
    assert.deepEqual(r.kind === 'answered' && r.answer, a);
  });

  test('the key is the pair (Origin-Host, End-to-End id)', () => {
    const { c } = cache();
    c.begin(HOST, 1);
    assert.equal(c.begin('other.example.net', 1).kind, 'new');
    assert.equal(c.begin(HOST, 2).kind, 'new');
  });

  test('peek looks without marking', () => {
    const { c } = cache();
    assert.equal(c.peek(HOST, 1).kind, 'new');
    assert.equal(c.begin(HOST, 1).kind, 'new');
    assert.equal(c.peek(HOST, 1).kind, 'pending');
  });

  test('abandon forgets a pending request but never a stored answer', () => {
    const { c } = cache();
    c.begin(HOST, 1);
    c.abandon(HOST, 1);
    assert.equal(c.begin(HOST, 1).kind, 'new');
    c.complete(HOST, 1, answer(4));
    c.abandon(HOST, 1);
    assert.equal(c.begin(HOST, 1).kind, 'answered');
  });

  test('keeps answers for 4 minutes by default, then forgets them', () => {
    const { c, clock } = cache();
    c.begin(HOST, 1);
    c.complete(HOST, 1, answer(4));
    clock.advance(DEFAULT_DUPLICATE_TTL_MS - 1);
    assert.equal(c.peek(HOST, 1).kind, 'answered');
    clock.advance(1);
    assert.equal(c.peek(HOST, 1).kind, 'new');
    assert.equal(c.size, 0);
    assert.equal(c.bytes, 0);
  });

  test('the TTL restarts when the answer is stored', () => {
    const { c, clock } = cache({ ttlMs: 100 });
    c.begin(HOST, 1);
    clock.advance(90);
    c.complete(HOST, 1, answer(4));
    clock.advance(90);
    assert.equal(c.peek(HOST, 1).kind, 'answered');
  });

  test('a pending mark expires too', () => {
    const { c, clock } = cache({ ttlMs: 100 });
    c.begin(HOST, 1);
    clock.advance(100);
    assert.equal(c.begin(HOST, 1).kind, 'new');
  });

  test('evicts oldest first when max entries is reached', () => {
    const { c } = cache({ maxEntries: 2 });
    c.begin(HOST, 1);
    c.begin(HOST, 2);
    c.begin(HOST, 3);
    assert.equal(c.size, 2);
    assert.equal(c.evictions, 1);
    assert.equal(c.peek(HOST, 1).kind, 'new');
    assert.equal(c.peek(HOST, 3).kind, 'pending');
  });

  test('evicts oldest first when max bytes is reached', () => {
    const { c } = cache({ maxBytes: 100 });
    c.complete(HOST, 1, answer(40));
    c.complete(HOST, 2, answer(40));
    c.complete(HOST, 3, answer(40));
    assert.equal(c.bytes, 80);
    assert.equal(c.peek(HOST, 1).kind, 'new');
    assert.equal(c.peek(HOST, 2).kind, 'answered');
  });

  test('an answer larger than max bytes is not stored', () => {
    const { c } = cache({ maxBytes: 10 });
    c.begin(HOST, 1);
    assert.equal(c.complete(HOST, 1, answer(11)), false);
    assert.equal(c.peek(HOST, 1).kind, 'new');
    assert.equal(c.bytes, 0);
  });

  test('keeps many answers from several hosts byte-exact through chunk turnover', () => {
    const { c } = cache({ maxEntries: 5_000, maxBytes: 300_000 });
    const hosts = ['a.example', 'b.example', 'c.example'];
    for (let i = 0; i < 20_000; i++) {
      const host = hosts[i % hosts.length]!;
      c.begin(host, i);
      c.complete(host, i, Buffer.alloc(40 + (i % 200), i % 251));
    }
    assert.ok(c.size <= 5_000 && c.bytes <= 300_000);
    for (let i = 19_000; i < 20_000; i++) {
      const r = c.peek(hosts[i % hosts.length]!, i);
      assert.equal(r.kind, 'answered', `entry ${i}`);
      if (r.kind === 'answered') {
        assert.equal(r.answer.length, 40 + (i % 200));
        assert.ok(r.answer.every((b) => b === i % 251));
      }
    }
    assert.equal(c.peek(hosts[0]!, 0).kind, 'new');
  });

  test('removing entries from the middle of full buckets loses none of the others', () => {
    // 1,024 entries with scattered End-to-End ids in 2,048 buckets: some buckets hold three or
    // more (sequential ids would not collide), and abandoning every third entry unlinks some from
    // between a newer and an older one.
    const n = 1024;
    const { c } = cache({ maxEntries: n });
    const hosts = ['a.example', 'b.example'];
    const ids = Array.from({ length: n }, (_v, i) => (Math.imul(i + 1, 0x2545f491) ^ (i << 7)) >>> 0);
    const key = (id: number): [string, number] => [hosts[id % 2]!, ids[id]!];
    for (let id = 0; id < n; id++) c.begin(...key(id));
    for (let id = 1; id < n; id += 3) c.abandon(...key(id));
    for (let id = 0; id < n; id++)
      assert.equal(c.peek(...key(id)).kind, id % 3 === 1 ? 'new' : 'pending', `entry ${id}`);
  });

  test('End-to-End ids above 2^31 are distinct keys', () => {
    const { c } = cache();
    c.begin(HOST, 0xffffffff);
    assert.equal(c.begin(HOST, 0x7fffffff).kind, 'new');
    assert.equal(c.begin(HOST, 0xffffffff).kind, 'pending');
  });

  test('refuses bounds that are not positive integers', () => {
    assert.throws(() => new DuplicateCache({ maxEntries: 0 }), RangeError);
    assert.throws(() => new DuplicateCache({ maxBytes: 1.5 }), RangeError);
    assert.throws(() => new DuplicateCache({ ttlMs: -1 }), RangeError);
  });

  test('never exceeds its bounds and its byte count stays exact, whatever the operations', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('begin' as const), id: fc.integer({ min: 0, max: 30 }) }),
      fc.record({
        k: fc.constant('complete' as const),
        id: fc.integer({ min: 0, max: 30 }),
        size: fc.integer({ min: 0, max: 70 }),
      }),
      fc.record({ k: fc.constant('abandon' as const), id: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const { c, clock } = cache({ maxEntries: 8, maxBytes: 200, ttlMs: 120 });
        for (const o of ops) {
          if (o.k === 'begin') c.begin(HOST, o.id);
          else if (o.k === 'complete') c.complete(HOST, o.id, answer(o.size, o.id));
          else if (o.k === 'abandon') c.abandon(HOST, o.id);
          else clock.advance(o.ms);
          if (c.size > 8 || c.bytes > 200 || c.bytes < 0) return false;
        }
        let sum = 0;
        for (let id = 0; id <= 30; id++) {
          const r = c.peek(HOST, id);
          if (r.kind !== 'answered') continue;
          sum += r.answer.length;
          // The bytes are the ones stored for this id (chunks are reused as entries go).
          if (!r.answer.every((b) => b === id)) return false;
        }
        return sum === c.bytes;
      }),
    );
  });
});
