import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { AES_BLOCK, Aes128, useNativeAes } from '../../../../src/eap/crypto/aes-128.js';

/** FIPS 197 Appendix C.1 (AES-128). */
const FIPS_KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const FIPS_PLAIN = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const FIPS_CIPHER = '69c4e0d86a7b0430d8cdb78070b4c55a';

function both<T>(run: () => T): { native: T; nodeCrypto: T } {
  assert.equal(useNativeAes(true), true);
  const native = run();
  useNativeAes(false);
  const nodeCrypto = run();
  useNativeAes(true);
  return { native, nodeCrypto };
}

describe('AES-128 backends (native one-shot addon and node:crypto objects)', () => {
  after(() => useNativeAes(true));

  test('the native addon is built and in use (native/build.mjs, run on install)', () => {
    assert.equal(
      useNativeAes(true),
      true,
      'native/build/Release/aes128.node missing: run npm run build:native',
    );
  });

  test('both give the FIPS 197 C.1 ciphertext', () => {
    const r = both(() => new Aes128(FIPS_KEY).encryptEcb(FIPS_PLAIN).toString('hex'));
    assert.equal(r.native, FIPS_CIPHER);
    assert.equal(r.nodeCrypto, FIPS_CIPHER);
  });

  test('ECB and CBC-MAC agree for any key and any number of blocks (beyond the addon chunk too)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: AES_BLOCK, maxLength: AES_BLOCK }),
        fc.integer({ min: 1, max: 80 }),
        fc.uint8Array({ minLength: 80 * AES_BLOCK, maxLength: 80 * AES_BLOCK }),
        (key, blocks, bytes) => {
          const data = Buffer.from(bytes).subarray(0, blocks * AES_BLOCK);
          const r = both(() => {
            const aes = new Aes128(Buffer.from(key));
            return [aes.encryptEcb(data).toString('hex'), aes.cbcMac(Buffer.from(data)).toString('hex')];
          });
          assert.deepEqual(r.native, r.nodeCrypto);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('the native contexts carry nothing from one call to the next (keys and modes interleaved)', () => {
    // The addon keeps one context per mode and only re-keys it: each result must equal the one
    // computed alone, whatever ran before it.
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.uint8Array({ minLength: AES_BLOCK, maxLength: AES_BLOCK }),
            blocks: fc.integer({ min: 1, max: 4 }),
            mac: fc.boolean(),
          }),
          { minLength: 2, maxLength: 12 },
        ),
        (calls) => {
          const run = (c: (typeof calls)[number], i: number): string => {
            const aes = new Aes128(Buffer.from(c.key));
            const data = Buffer.alloc(c.blocks * AES_BLOCK, i);
            return (c.mac ? aes.cbcMac(data) : aes.encryptEcb(data)).toString('hex');
          };
          assert.equal(useNativeAes(true), true);
          const interleaved = calls.map(run);
          useNativeAes(false);
          const reference = calls.map(run);
          useNativeAes(true);
          assert.deepEqual(interleaved, reference);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a cipher object reused across calls keeps giving fresh CBC-MACs (node:crypto path)', () => {
    useNativeAes(false);
    const aes = new Aes128(FIPS_KEY);
    const first = aes.cbcMac(Buffer.from(FIPS_PLAIN)).toString('hex');
    const again = aes.cbcMac(Buffer.from(FIPS_PLAIN)).toString('hex');
    useNativeAes(true);
    assert.equal(first, FIPS_CIPHER);
    assert.equal(again, FIPS_CIPHER);
  });
});
