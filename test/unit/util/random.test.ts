import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cryptoRandom, sequenceRandom } from '../../../src/util/random.js';

describe('random sources', () => {
  test('cryptoRandom yields unsigned 32-bit integers that vary', () => {
    const values = Array.from({ length: 64 }, () => cryptoRandom.uint32());
    assert.ok(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff));
    assert.ok(new Set(values).size > 60);
  });

  test('sequenceRandom repeats its values as unsigned 32-bit integers', () => {
    const r = sequenceRandom([1, -1]);
    assert.deepEqual([r.uint32(), r.uint32(), r.uint32()], [1, 0xffffffff, 1]);
    assert.throws(() => sequenceRandom([]), RangeError);
  });
});
