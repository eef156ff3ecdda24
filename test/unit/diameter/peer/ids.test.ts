import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EndToEndIds, HopByHopIds } from '../../../../src/diameter/peer/ids.js';
import { ManualClock } from '../../../../src/util/manual-clock.js';
import { cryptoRandom, sequenceRandom } from '../../../../src/util/random.js';

describe('Hop-by-Hop ids (RFC 6733 §3)', () => {
  test('start at a random value and increase by one', () => {
    const ids = new HopByHopIds(sequenceRandom([1000]));
    assert.deepEqual([ids.next(), ids.next(), ids.next()], [1000, 1001, 1002]);
  });

  test('wrap from 0xffffffff to 0', () => {
    const ids = new HopByHopIds(sequenceRandom([0xffffffff]));
    assert.deepEqual([ids.next(), ids.next()], [0xffffffff, 0]);
  });

  test('are unique on one connection over many requests', () => {
    const ids = new HopByHopIds(cryptoRandom);
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(ids.next());
    assert.equal(seen.size, 100_000);
  });

  test('two connections start at different places', () => {
    const a = new HopByHopIds(sequenceRandom([7]));
    const b = new HopByHopIds(sequenceRandom([9_000_000]));
    assert.notEqual(a.next(), b.next());
  });
});

describe('End-to-End ids (RFC 6733 §3)', () => {
  test('put the low 12 bits of the time in seconds in the high 12 bits', () => {
    const seconds = 0x12345;
    const ids = new EndToEndIds(new ManualClock(seconds * 1000 + 999), sequenceRandom([0]));
    assert.equal(ids.next() >>> 20, seconds & 0xfff);
  });

  test('put 20 random bits in the low 20 bits', () => {
    const ids = new EndToEndIds(new ManualClock(0), sequenceRandom([0xfff_abcde]));
    assert.equal(ids.next(), 0xabcde);
  });

  test('then increase by one, carrying into the time bits', () => {
    const ids = new EndToEndIds(new ManualClock(1000), sequenceRandom([0xfffff]));
    const first = ids.next();
    assert.equal(first, (1 << 20) | 0xfffff);
    assert.equal(ids.next(), 2 << 20);
  });

  test('a restart a second later starts elsewhere even with the same random bits', () => {
    const before = new EndToEndIds(new ManualClock(5_000), sequenceRandom([42])).next();
    const after = new EndToEndIds(new ManualClock(6_000), sequenceRandom([42])).next();
    assert.notEqual(before, after);
  });

  test('are unsigned 32-bit values', () => {
    const ids = new EndToEndIds(new ManualClock(0xfff * 1000), sequenceRandom([0xffffffff]));
    const id = ids.next();
    assert.equal(id, 0xffffffff);
    assert.equal(ids.next(), 0);
  });
});
