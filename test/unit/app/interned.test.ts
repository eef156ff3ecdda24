import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Interned } from '../../../src/app/interned.js';

describe('Interned', () => {
  test('returns the first copy for equal strings', () => {
    const names = new Interned();
    const first = ['nas', 'example'].join('.');
    const second = ['nas', 'example'].join('.');
    assert.equal(names.get(first), first);
    assert.equal(names.get(second), second);
    assert.equal(names.size, 1);
    names.get('other');
    assert.equal(names.size, 2);
  });

  test('stops adding at its bound and still returns the value asked for', () => {
    const names = new Interned(2);
    names.get('a');
    names.get('b');
    assert.equal(names.get('c'), 'c');
    assert.equal(names.size, 2);
    assert.equal(names.get('a'), 'a');
  });
});
