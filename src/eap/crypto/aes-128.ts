import { createCipheriv, type Cipher } from 'node:crypto';
import { loadAddon } from '../../util/native-addon.js';

/** native/src/aes128.c: one-shot AES-128 on a re-keyed OpenSSL context, output into our Buffer. */
interface NativeAes {
  ecb(key: Buffer, input: Buffer, output: Buffer): void;
  cbcMac(key: Buffer, input: Buffer, output: Buffer): void;
}
/** Set to 0 to use node:crypto cipher objects even when the addon is built (A/B, fallback tests). */
export const NATIVE_AES_ENV = 'EAPD_NATIVE_AES';

function loadNativeAes(): NativeAes | undefined {
  if (process.env[NATIVE_AES_ENV] === '0') return undefined;
  const load = loadAddon<NativeAes>('aes128');
  return load.ok ? load.addon : undefined;
}
let native: NativeAes | undefined = loadNativeAes();

/**
 * Chooses the AES backend for the whole process: the native one-shot (when built) or node:crypto
 * cipher objects. Returns whether the native one is in use. For tests that check both agree.
 */
export function useNativeAes(on: boolean): boolean {
  native = on ? loadNativeAes() : undefined;
  return native !== undefined;
}

/** AES block and key size in bytes (FIPS 197: AES-128). */
export const AES_BLOCK = 16;
export const AES_128_KEY_LENGTH = 16;

const ZERO_IV = Buffer.alloc(AES_BLOCK);

/**
 * One AES-128 key. With the native addon (native/src/aes128.c, built on install) every operation
 * is one call on a re-keyed OpenSSL context writing into a Buffer from Node's pool: no cipher
 * object per key (node:crypto's are C++ objects behind weak handles that the garbage collector
 * must finalise, one per EAP-PSK session for the TEK) and no fresh ArrayBuffer per call. Without
 * it, node:crypto cipher objects are created once per key and reused, as follows.
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
    if (native !== undefined) {
      const mac = Buffer.allocUnsafe(AES_BLOCK);
      native.cbcMac(this.#key, data, mac);
      return mac;
    }
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
    if (native !== undefined) {
      const out = Buffer.allocUnsafe(blocks.length);
      native.ecb(this.#key, blocks, out);
      return out;
    }
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
