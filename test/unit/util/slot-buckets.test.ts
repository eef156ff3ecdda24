import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_SLOT, SlotBuckets } from '../../../src/util/slot-buckets.js';

/** The slots of a bucket, newest first. */
function chain(b: SlotBuckets, bucket: number): number[] {
  const out: number[] = [];
  for (let s = b.first(bucket); s !== NO_SLOT; s = b.next(s)) out.push(s);
  return out;
}

describe('SlotBuckets', () => {
  test('a bucket lists its slots newest first, and an unlink from the head, middle or tail keeps the rest', () => {
    for (const [gone, left] of [
      [4, [3, 2, 1]],
      [3, [4, 2, 1]],
      [2, [4, 3, 1]],
      [1, [4, 3, 2]],
    ] as const) {
      const b = new SlotBuckets(8);
      for (const slot of [1, 2, 3, 4]) b.link(slot, 5);
      assert.deepEqual(chain(b, 5), [4, 3, 2, 1]);
      b.unlink(gone, 5);
      assert.deepEqual(chain(b, 5), left, `unlinking ${gone}`);
      assert.deepEqual(chain(b, 6), []);
    }
  });

  test('has at least two buckets per slot, and every hash maps into them', () => {
    for (const slots of [1, 2, 3, 100, 10_000]) {
      const b = new SlotBuckets(slots);
      const buckets = new Set<number>();
      for (let h = 0; h < 50_000; h++) {
        const bucket = b.bucketOf(h * 7919 - 25_000);
        assert.ok(bucket >= 0 && Number.isInteger(bucket));
        buckets.add(bucket);
        assert.equal(b.first(bucket), NO_SLOT);
      }
      const count = 2 ** Math.max(1, Math.ceil(Math.log2(2 * slots)));
      assert.ok(buckets.size <= count && Math.max(...buckets) < count);
      assert.ok(buckets.size >= Math.min(count, 2 * slots), `${buckets.size} of ${count} buckets used`);
    }
  });

  test('spreads sequential hashes evenly: no bucket gets more than two of 1,024', () => {
    const b = new SlotBuckets(1024);
    const perBucket = new Map<number, number>();
    for (let h = 1000; h < 2024; h++) perBucket.set(b.bucketOf(h), (perBucket.get(b.bucketOf(h)) ?? 0) + 1);
    assert.ok(Math.max(...perBucket.values()) <= 2);
    assert.ok(perBucket.size >= 900, `${perBucket.size} buckets used`);
  });
});
