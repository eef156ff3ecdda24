import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MsAttr, RadiusAttr, VENDOR_MICROSOFT } from '../../../src/radius/constants.js';
import {
  decryptMppeKey,
  encryptMppeKey,
  mppeKeyAttributes,
  newMppeSalt,
} from '../../../src/radius/mppe-key.js';
import { parseVendorSpecific } from '../../../src/radius/vendor-specific.js';
import { MSK, SECRET } from './fixtures.js';

// OpenBSD libradius regression test "test25" (MS-MPPE-{Send,Recv}-Key): a 16-octet key.
const KAT = {
  secret: Buffer.from('hogehogefugafuga'),
  requestAuthenticator: Buffer.from('678ae6ed696e1bd10ae2fea105d46a56', 'hex'),
  key: Buffer.from('fc6ea418373d8e90c136fae3735e37d1', 'hex'),
  encrypted: Buffer.from(
    '8036' + 'f4abbe2117fb3e4a7874dce91c5b0449' + '8ec7720f168688562dbc88e21cab6271',
    'hex',
  ),
};

/** RFC 2548 §2.4.2 written independently, for keys of any length. */
function referenceEncrypt(key: Buffer, secret: Buffer, ra: Buffer, salt: Buffer): Buffer {
  const plain = Buffer.concat([Buffer.from([key.length]), key]);
  const padded = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]);
  const blocks: Buffer[] = [];
  let previous = Buffer.concat([ra, salt]);
  for (let i = 0; i < padded.length; i += 16) {
    const b = createHash('md5')
      .update(Buffer.concat([secret, previous]))
      .digest();
    const c = Buffer.from(padded.subarray(i, i + 16).map((v, j) => v ^ b[j]!));
    blocks.push(c);
    previous = c;
  }
  return Buffer.concat([salt, ...blocks]);
}

describe('MS-MPPE key encryption (RFC 2548 §2.4.2)', () => {
  test('matches the OpenBSD libradius known answer', () => {
    const salt = KAT.encrypted.subarray(0, 2);
    assert.deepEqual(encryptMppeKey(KAT.key, KAT.secret, KAT.requestAuthenticator, salt), KAT.encrypted);
    assert.deepEqual(decryptMppeKey(KAT.encrypted, KAT.secret, KAT.requestAuthenticator), KAT.key);
  });

  test('encrypts a 32-octet key into salt + 48 octets, as an independent implementation does', () => {
    const salt = Buffer.from([0x85, 0x01]);
    const ra = Buffer.alloc(16, 0x33);
    const out = encryptMppeKey(MSK.subarray(0, 32), SECRET, ra, salt);
    assert.equal(out.length, 2 + 48);
    assert.deepEqual(out, referenceEncrypt(MSK.subarray(0, 32), SECRET, ra, salt));
  });

  test('round-trips keys of every length up to 239 octets', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 239 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, ra) => {
          const salt = newMppeSalt();
          const encrypted = encryptMppeKey(Buffer.from(key), SECRET, Buffer.from(ra), salt);
          assert.equal((encrypted.length - 2) % 16, 0);
          assert.deepEqual(decryptMppeKey(encrypted, SECRET, Buffer.from(ra)), Buffer.from(key));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('makes salts with the high bit set', () => {
    for (let i = 0; i < 200; i++) assert.ok(newMppeSalt()[0]! & 0x80);
  });

  test('refuses a salt without the high bit and keys over 239 octets', () => {
    assert.throws(
      () => encryptMppeKey(KAT.key, SECRET, KAT.requestAuthenticator, Buffer.from([0x7f, 0])),
      RangeError,
    );
    assert.throws(
      () => encryptMppeKey(Buffer.alloc(240), SECRET, KAT.requestAuthenticator, newMppeSalt()),
      RangeError,
    );
  });

  test('decryption rejects bad shapes instead of throwing', () => {
    assert.equal(
      decryptMppeKey(KAT.encrypted.subarray(0, 33), KAT.secret, KAT.requestAuthenticator),
      undefined,
    );
    assert.equal(
      decryptMppeKey(KAT.encrypted.subarray(0, 2), KAT.secret, KAT.requestAuthenticator),
      undefined,
    );
    const lowSalt = Buffer.from(KAT.encrypted);
    lowSalt[0] = 0x00;
    assert.equal(decryptMppeKey(lowSalt, KAT.secret, KAT.requestAuthenticator), undefined);
    // With the wrong secret the key-length octet decrypts to garbage: fits or not, never throws.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (v) => {
        decryptMppeKey(Buffer.from(v), SECRET, KAT.requestAuthenticator);
      }),
    );
  });
});

describe('mppeKeyAttributes', () => {
  test('puts MSK[0..31] in MS-MPPE-Recv-Key and MSK[32..63] in MS-MPPE-Send-Key, distinct salts', () => {
    const ra = Buffer.alloc(16, 0x99);
    const [recv, send] = mppeKeyAttributes(MSK, SECRET, ra);
    assert.ok(recv && send);
    const r = parseVendorSpecific(recv.value);
    const s = parseVendorSpecific(send.value);
    assert.equal(recv.type, RadiusAttr.VendorSpecific);
    assert.equal(r?.vendorId, VENDOR_MICROSOFT);
    assert.equal(s?.vendorId, VENDOR_MICROSOFT);
    assert.equal(r?.attributes[0]?.type, MsAttr.MppeRecvKey);
    assert.equal(s?.attributes[0]?.type, MsAttr.MppeSendKey);
    const rv = r!.attributes[0]!.value;
    const sv = s!.attributes[0]!.value;
    assert.equal(recv.value.length, 4 + 2 + 50); // Vendor-Id, Vendor-Type/Length, salt + 48
    assert.notDeepEqual(rv.subarray(0, 2), sv.subarray(0, 2));
    assert.deepEqual(decryptMppeKey(rv, SECRET, ra), MSK.subarray(0, 32));
    assert.deepEqual(decryptMppeKey(sv, SECRET, ra), MSK.subarray(32, 64));
  });

  test('refuses an MSK shorter than 64 octets', () => {
    assert.throws(() => mppeKeyAttributes(MSK.subarray(0, 63), SECRET, Buffer.alloc(16)), RangeError);
  });
});
