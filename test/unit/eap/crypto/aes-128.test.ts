import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { AES_BLOCK, Aes128 } from '../../../../src/eap/crypto/aes-128.js';
import { Cmac } from '../../../../src/eap/crypto/cmac.js';

/** The straightforward CBC-MAC: a fresh AES-128-CBC object with a zero IV, the last block. */
function referenceCbcMac(key: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('aes-128-cbc', key, Buffer.alloc(AES_BLOCK));
  c.setAutoPadding(false);
  const out = c.update(data);
  return out.subarray(out.length - AES_BLOCK);
}

function referenceEcb(key: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return c.update(data);
}

/** RFC 4493 §2.3/§2.4 written out block by block with fresh single-block encryptions. */
function referenceCmac(key: Buffer, message: Buffer): Buffer {
  const e = (block: Buffer): Buffer => referenceEcb(key, block);
  const dbl = (b: Buffer): Buffer => {
    const out = Buffer.alloc(AES_BLOCK);
    for (let i = 0; i < AES_BLOCK; i++) out[i] = ((b[i]! << 1) | ((b[i + 1] ?? 0) >>> 7)) & 0xff;
    if (b[0]! & 0x80) out[AES_BLOCK - 1]! ^= 0x87;
    return out;
  };
  const k1 = dbl(e(Buffer.alloc(AES_BLOCK)));
  const k2 = dbl(k1);
  const n = Math.max(1, Math.ceil(message.length / AES_BLOCK));
  const complete = message.length > 0 && message.length % AES_BLOCK === 0;
  const last = Buffer.alloc(AES_BLOCK);
  message.copy(last, 0, (n - 1) * AES_BLOCK);
  if (!complete) last[message.length - (n - 1) * AES_BLOCK] = 0x80;
  const subkey = complete ? k1 : k2;
  for (let i = 0; i < AES_BLOCK; i++) last[i]! ^= subkey[i]!;
  let x: Buffer = Buffer.alloc(AES_BLOCK);
  for (let i = 0; i < n; i++) {
    const block = i === n - 1 ? last : message.subarray(i * AES_BLOCK, (i + 1) * AES_BLOCK);
    const y = Buffer.alloc(AES_BLOCK);
    for (let j = 0; j < AES_BLOCK; j++) y[j] = x[j]! ^ block[j]!;
    x = e(y);
  }
  return x;
}

const key = fc.uint8Array({ minLength: AES_BLOCK, maxLength: AES_BLOCK }).map((k) => Buffer.from(k));
const wholeBlocks = fc
  .integer({ min: 1, max: 6 })
  .chain((n) => fc.uint8Array({ minLength: n * AES_BLOCK, maxLength: n * AES_BLOCK }))
  .map((b) => Buffer.from(b));
/** One operation on a long-lived key object: CBC-MAC, single block, ECB batch. */
const op = fc.oneof(
  wholeBlocks.map((data) => ({ kind: 'cbcMac' as const, data })),
  fc.uint8Array({ minLength: AES_BLOCK, maxLength: AES_BLOCK }).map((b) => ({
    kind: 'block' as const,
    data: Buffer.from(b),
  })),
  wholeBlocks.map((data) => ({ kind: 'ecb' as const, data })),
);

describe('AES-128 with reused cipher objects', () => {
  test('gives every CBC-MAC, block and ECB batch of a long-lived object as a fresh cipher would', () => {
    fc.assert(
      fc.property(key, fc.array(op, { minLength: 1, maxLength: 12 }), (k, ops) => {
        const aes = new Aes128(k);
        for (const o of ops) {
          if (o.kind === 'ecb') assert.deepEqual(aes.encryptEcb(o.data), referenceEcb(k, o.data));
          else if (o.kind === 'block') assert.deepEqual(aes.encryptBlock(o.data), referenceEcb(k, o.data));
          else assert.deepEqual(aes.cbcMac(Buffer.from(o.data)), referenceCbcMac(k, o.data));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('CMAC of a long-lived object equals RFC 4493 computed block by block, for any split', () => {
    fc.assert(
      fc.property(
        key,
        fc.array(fc.uint8Array({ maxLength: 70 }), { minLength: 1, maxLength: 4 }),
        (k, parts) => {
          const cmac = new Cmac(k);
          const buffers = parts.map((p) => Buffer.from(p));
          const whole = Buffer.concat(buffers);
          assert.deepEqual(cmac.mac(buffers), referenceCmac(k, whole));
          assert.deepEqual(cmac.mac([whole]), referenceCmac(k, whole));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('gives the same CBC-MAC twice in a row on one object (the chaining value is cancelled)', () => {
    const k = Buffer.alloc(AES_BLOCK, 7);
    const aes = new Aes128(k);
    const data = Buffer.alloc(2 * AES_BLOCK, 3);
    const first = aes.cbcMac(Buffer.from(data));
    assert.deepEqual(aes.cbcMac(Buffer.from(data)), first);
    assert.deepEqual(first, referenceCbcMac(k, data));
  });

  test('rejects partial blocks', () => {
    const aes = new Aes128(Buffer.alloc(AES_BLOCK));
    assert.throws(() => aes.cbcMac(Buffer.alloc(AES_BLOCK + 1)), RangeError);
    assert.throws(() => aes.cbcMac(Buffer.alloc(0)), RangeError);
    assert.throws(() => aes.encryptEcb(Buffer.alloc(3)), RangeError);
  });
});
