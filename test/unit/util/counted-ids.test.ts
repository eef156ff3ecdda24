import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CountedIds } from '../../../src/util/counted-ids.js';

test('a name keeps its id while held, loses it with its last holder, and the id is reused', () => {
  const ids = new CountedIds();
  const a = ids.acquire('a.example');
  assert.equal(ids.acquire('a.example'), a);
  const b = ids.acquire('b.example');
  assert.notEqual(a, b);
  ids.release(a);
  assert.equal(ids.idOf('a.example'), a, 'one holder left');
  ids.release(a);
  assert.equal(ids.idOf('a.example'), undefined);
  assert.equal(ids.acquire('c.example'), a, 'the freed id is reused');
  assert.equal(ids.idOf('b.example'), b);
});
