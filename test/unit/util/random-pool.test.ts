import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createRandomPool,
  fillRandom,
  RANDOM_POOL_BYTES,
  randomOctets,
} from '../../../src/util/random-pool.js';

describe('createRandomPool', () => {
  test('returns exactly n octets in a fresh buffer each draw', () => {
    const draw = createRandomPool(64);
    const a = draw(16);
    const b = draw(16);
    assert.equal(a.length, 16);
    assert.equal(b.length, 16);
    assert.notEqual(a.buffer === b.buffer && a.byteOffset === b.byteOffset, true);
    a.fill(0xaa);
    assert.notDeepEqual(b, Buffer.alloc(16, 0xaa));
  });

  test('never hands out the same octets twice across refills', () => {
    const draw = createRandomPool(48);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const hex = draw(16).toString('hex');
      assert.equal(seen.has(hex), false, `draw ${i} repeated an earlier one`);
      seen.add(hex);
    }
  });

  test('draws bigger than the pool come straight from the CSPRNG', () => {
    const draw = createRandomPool(32);
    const big = draw(100);
    assert.equal(big.length, 100);
    assert.notDeepEqual(big, Buffer.alloc(100));
  });

  test('the octets look uniformly random (every byte value appears)', () => {
    const draw = createRandomPool();
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4000; i++) for (const b of draw(16)) counts[b]! += 1;
    // 64,000 octets: each value is expected 250 times; absent or 3x over would mean a broken pool.
    for (const c of counts) assert.ok(c > 150 && c < 400, `byte count ${c} out of range`);
  });

  test('refuses a bad size or count', () => {
    assert.throws(() => createRandomPool(0), RangeError);
    const draw = createRandomPool(16);
    assert.throws(() => draw(-1), RangeError);
    assert.throws(() => draw(1.5), RangeError);
  });
});

describe('the process-wide pool (fillRandom, randomOctets)', () => {
  test('writes exactly the requested range of the target', () => {
    const target = Buffer.alloc(40, 0xee);
    fillRandom(target, 10, 16);
    assert.deepEqual(target.subarray(0, 10), Buffer.alloc(10, 0xee));
    assert.deepEqual(target.subarray(26), Buffer.alloc(14, 0xee));
    assert.notDeepEqual(target.subarray(10, 26), Buffer.alloc(16, 0xee));
  });

  test('never hands out the same octets twice, across refills of the pool', () => {
    const seen = new Set<string>();
    const draws = (3 * RANDOM_POOL_BYTES) / 16;
    for (let i = 0; i < draws; i++) seen.add(randomOctets(16).toString('hex'));
    assert.equal(seen.size, draws);
  });

  test('gives each value its own memory', () => {
    const a = randomOctets(16);
    const copy = Buffer.from(a);
    randomOctets(RANDOM_POOL_BYTES);
    randomOctets(16);
    assert.deepEqual(a, copy);
  });

  test('serves requests larger than the pool', () => {
    const big = randomOctets(RANDOM_POOL_BYTES + 1);
    assert.equal(big.length, RANDOM_POOL_BYTES + 1);
    assert.notDeepEqual(big.subarray(0, 64), Buffer.alloc(64));
  });

  test('is not visibly biased: every octet value turns up in 64 KiB', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 64; i++) for (const octet of randomOctets(1024)) counts[octet]!++;
    assert.ok(counts.every((c) => c > 0));
  });
});
