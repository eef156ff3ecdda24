import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import {
  hashScratch,
  HmacMd5Key,
  hmacMd5KeyFor,
  MD5_BLOCK_LENGTH,
  MD5_LENGTH,
  md5,
  md5Into,
  md5Latin1,
} from '../../../src/radius/md5.js';

/** HMAC-MD5 of `message` through HmacMd5Key, with junk in the room before the message. */
function mac(secret: Buffer, message: Buffer): Buffer {
  const padded = Buffer.alloc(MD5_BLOCK_LENGTH + message.length, 0xa5);
  message.copy(padded, MD5_BLOCK_LENGTH);
  return new HmacMd5Key(secret).macAfterRoom(padded, padded.length);
}

describe('md5 (RFC 1321)', () => {
  test('gives the same digest as a Buffer, written in place and as latin1 characters', () => {
    for (let length = 0; length < 300; length += 7) {
      const data = Buffer.from(Array.from({ length }, (_, i) => (i * 31 + length) & 0xff));
      const expected = createHash('md5').update(data).digest();
      assert.deepEqual(md5(data), expected);
      const target = Buffer.alloc(MD5_LENGTH + 3, 0xff);
      md5Into(data, target, 2);
      assert.deepEqual(target.subarray(2, 2 + MD5_LENGTH), expected);
      assert.equal(target[0], 0xff);
      assert.equal(target[MD5_LENGTH + 2], 0xff);
      assert.deepEqual(Buffer.from(md5Latin1(data), 'latin1'), expected);
    }
  });

  test('matches the RFC 1321 §A.5 test suite', () => {
    assert.equal(md5(Buffer.from('')).toString('hex'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(md5(Buffer.from('abc')).toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
  });
});

describe('HmacMd5Key (RFC 2104)', () => {
  test('matches the RFC 2202 §2 HMAC-MD5 test cases 1, 2 and 6 (key longer than a block)', () => {
    assert.equal(
      mac(Buffer.alloc(16, 0x0b), Buffer.from('Hi There')).toString('hex'),
      '9294727a3638bb1c13f48ef8158bfc9d',
    );
    assert.equal(
      mac(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?')).toString('hex'),
      '750c783e6ab0b503eaa86e310a5db738',
    );
    assert.equal(
      mac(
        Buffer.alloc(80, 0xaa),
        Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
      ).toString('hex'),
      '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd',
    );
  });

  test('equals node:crypto HMAC-MD5 for key lengths around the block size and any message', () => {
    for (const keyLength of [1, 16, 63, 64, 65, 200]) {
      const secret = Buffer.from(Array.from({ length: keyLength }, (_, i) => (i * 7 + keyLength) & 0xff));
      for (const messageLength of [0, 20, 64, 150, 4096]) {
        const message = Buffer.from(Array.from({ length: messageLength }, (_, i) => (i * 13) & 0xff));
        assert.deepEqual(
          mac(secret, message),
          createHmac('md5', secret).update(message).digest(),
          `key ${keyLength}, message ${messageLength}`,
        );
      }
    }
  });

  test('hmacMd5KeyFor computes a key once per secret buffer', () => {
    const secret = Buffer.from('shared-secret');
    assert.equal(hmacMd5KeyFor(secret), hmacMd5KeyFor(secret));
    assert.notEqual(hmacMd5KeyFor(secret), hmacMd5KeyFor(Buffer.from('shared-secret')));
  });

  test('hashScratch grows to any requested length', () => {
    assert.ok(hashScratch(10).length >= 10);
    assert.ok(hashScratch(100_000).length >= 100_000);
  });
});
