import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { MasterKey } from '../../../../src/store/crypto/master-key.js';
import { PSK } from '../temp-store.js';

describe('MasterKey (AES-256-GCM, identity as associated data)', () => {
  test('opens what it sealed for the same identity', () => {
    const key = MasterKey.generate();
    assert.deepEqual(key.open('a@x', key.seal('a@x', PSK)), PSK);
  });
  test('uses a fresh nonce for every record', () => {
    const key = MasterKey.generate();
    assert.notDeepEqual(key.seal('a@x', PSK).nonce, key.seal('a@x', PSK).nonce);
  });
  test('refuses a sealed PSK under another identity (swapped rows)', () => {
    const key = MasterKey.generate();
    assert.equal(key.open('b@x', key.seal('a@x', PSK)), undefined);
  });
  test('refuses a sealed PSK under another key and one with a flipped bit', () => {
    const key = MasterKey.generate();
    const sealed = key.seal('a@x', PSK);
    assert.equal(MasterKey.generate().open('a@x', sealed), undefined);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = flipped[0]! ^ 1;
    assert.equal(key.open('a@x', { ...sealed, ciphertext: flipped }), undefined);
  });
  test('derives a stable id and shows only the id when inspected or serialised', () => {
    const bytes = Buffer.alloc(32, 7);
    const key = MasterKey.fromBytes(bytes);
    assert.equal(key.id, MasterKey.fromBytes(bytes).id);
    assert.match(key.id, /^[0-9a-f]{16}$/);
    const hex = bytes.toString('hex');
    assert.ok(!inspect(key).includes(hex));
    assert.ok(!JSON.stringify({ key }).includes(hex));
  });
  test('refuses a key that is not 32 bytes', () => {
    assert.throws(() => MasterKey.fromBytes(Buffer.alloc(16)), RangeError);
  });
});
