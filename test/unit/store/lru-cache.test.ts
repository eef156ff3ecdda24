import { test } from 'node:test';
import { countMapKeyWalks } from '../../helpers/map-walks.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LruCache } from '../../../src/store/lru-cache.js';

test('evicts the least recently used entry beyond its bound', () => {
  const c = new LruCache<string, number>(2);
  c.set('a', 1);
  c.set('b', 2);
  assert.equal(c.get('a'), 1); // a is now the most recent
  c.set('c', 3);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a'), 1);
  assert.equal(c.get('c'), 3);
  assert.equal(c.size, 2);
});

test('stores nothing when its bound is 0', () => {
  const c = new LruCache<string, number>(0);
  c.set('a', 1);
  assert.equal(c.get('a'), undefined);
});

test('a set on a present key replaces its value and makes it the most recent', () => {
  const c = new LruCache<string, number>(2);
  c.set('a', 1);
  c.set('b', 2);
  c.set('a', 10);
  c.set('c', 3);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a'), 10);
  assert.equal(c.size, 2);
});

test('deleted and cleared entries are gone, and their room is used again', () => {
  const c = new LruCache<string, number>(3);
  for (const [k, v] of [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ] as const)
    c.set(k, v);
  c.delete('b');
  c.delete('missing');
  assert.equal(c.get('b'), undefined);
  c.set('d', 4);
  assert.deepEqual(
    ['a', 'c', 'd'].map((k) => c.get(k)),
    [1, 3, 4],
  );
  c.clear();
  assert.equal(c.size, 0);
  assert.equal(c.get('a'), undefined);
  c.set('e', 5);
  assert.equal(c.get('e'), 5);
});

test('behaves as a reference LRU through any sequence of operations', () => {
  type Op = { kind: 'get' | 'set' | 'delete'; key: number };
  const op = fc.record({
    kind: fc.constantFrom<'get' | 'set' | 'delete'>('get', 'set', 'set', 'delete'),
    key: fc.integer({ min: 0, max: 40 }),
  });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 24 }), fc.array(op, { maxLength: 400 }), (max, ops: Op[]) => {
      const c = new LruCache<number, number>(max);
      const model: number[] = []; // keys, oldest first
      const values = new Map<number, number>();
      ops.forEach(({ kind, key }, i) => {
        const at = model.indexOf(key);
        if (kind === 'get') {
          assert.equal(c.get(key), at === -1 ? undefined : values.get(key));
          if (at !== -1) model.push(...model.splice(at, 1));
        } else if (kind === 'set') {
          c.set(key, i);
          values.set(key, i);
          if (at !== -1) model.splice(at, 1);
          model.push(key);
          if (model.length > max) model.shift();
        } else {
          c.delete(key);
          if (at !== -1) model.splice(at, 1);
        }
        assert.equal(c.size, model.length);
      });
      for (const key of model) assert.equal(c.get(key), values.get(key));
    }),
  );
});

// Regression: a Map kept in recency order finds its oldest key by walking one hole per earlier
// deletion; with more devices than the cache holds, every miss paid that walk (O(bound)).
test('evicts without walking a Map from its front', () => {
  const c = new LruCache<string, number>(100);
  const walks = countMapKeyWalks(() => {
    for (let i = 0; i < 1000; i++) c.set(`k${i}`, i);
  });
  assert.equal(walks, 0);
  assert.equal(c.size, 100);
  assert.equal(c.get('k899'), undefined);
  assert.equal(c.get('k900'), 900);
});
