import { createCipheriv, type Cipher } from 'node:crypto';

/** AES block and key size in bytes (FIPS 197: AES-128). */
export const AES_BLOCK = 16;
export const AES_128_KEY_LENGTH = 16;

const ZERO_IV = Buffer.alloc(AES_BLOCK);

/**
 * One AES-128 key with its node:crypto cipher objects created once and reused.
 *
 * Creating a cipher costs about as much as two `update` calls, and an `update` costs about the same
 * for one block as for nine: so every operation here is one `update` call on a long-lived object.
 *
 * - `cbcMac` and `encryptBlock` use a single persistent AES-128-CBC encryptor. Its chaining value
 *   (the last ciphertext block) is tracked here; XORing it into the first input block cancels it,
 *   so each call starts a fresh CBC computation with a zero IV on the same object.
 * - `encryptEcb` (independent blocks in one call) uses an AES-128-ECB encryptor, created lazily.
 *
 * Synchronous and single-threaded, so the tracked chaining value always matches the object.
 */
export class Aes128 {
  #cbc: Cipher | undefined;
  #ecb: Cipher | undefined;
  /** The CBC object's chaining value (its last output block); created with the CBC object. */
  #chain: Buffer | undefined;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== AES_128_KEY_LENGTH)
      throw new RangeError(`AES-128 key must be ${AES_128_KEY_LENGTH} bytes`);
    this.#key = Buffer.from(key); // private copy: the caller may reuse its buffer
  }

  /**
   * CBC-MAC with a zero IV over `data` (a whole number of blocks, at least one): returns the last
   * ciphertext block. `data` is scratch owned by the caller and is modified (its first block).
   */
  cbcMac(data: Buffer): Buffer {
    if (data.length === 0 || data.length % AES_BLOCK !== 0) throw new RangeError('cbcMac: whole blocks only');
    const cbc = (this.#cbc ??= newCipher('aes-128-cbc', this.#key, ZERO_IV));
    const chain = (this.#chain ??= Buffer.alloc(AES_BLOCK));
    for (let i = 0; i < AES_BLOCK; i++) data[i]! ^= chain[i]!;
    const out = cbc.update(data);
    const at = out.length - AES_BLOCK;
    for (let i = 0; i < AES_BLOCK; i++) chain[i] = out[at + i]!;
    // A fresh buffer from `update`: hand it over as is when it is the one block asked for.
    return at === 0 ? out : out.subarray(at);
  }

  /** E_K(block) for one 16-byte block (uses the CBC object: no second cipher object needed). */
  encryptBlock(block: Buffer): Buffer {
    const scratch = Buffer.allocUnsafe(AES_BLOCK);
    for (let i = 0; i < AES_BLOCK; i++) scratch[i] = block[i]!;
    return this.cbcMac(scratch);
  }

  /** E_K applied to each block of `blocks` independently, in one call (ECB). */
  encryptEcb(blocks: Buffer): Buffer {
    if (blocks.length % AES_BLOCK !== 0) throw new RangeError('encryptEcb: whole blocks only');
    const ecb = (this.#ecb ??= newCipher('aes-128-ecb', this.#key, null));
    return ecb.update(blocks);
  }
}

function newCipher(algorithm: string, key: Buffer, iv: Buffer | null): Cipher {
  const c = createCipheriv(algorithm, key, iv);
  c.setAutoPadding(false);
  return c;
}

/** dst ^= src over `length` bytes, in place. */
export function xorInto(
  dst: Buffer,
  dstOffset: number,
  src: Buffer,
  srcOffset: number,
  length: number,
): void {
  for (let i = 0; i < length; i++) dst[dstOffset + i]! ^= src[srcOffset + i]!;
}
