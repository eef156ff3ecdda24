// One-shot MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) for the RADIUS authenticators (RFC 2865 §3,
// RFC 3579 §3.2) and MS-MPPE key hiding (RFC 2548 §2.4.2). node:crypto (OpenSSL) does the
// hashing; what this file saves is the per-call Hash/Hmac object and the per-digest Buffer:
// `crypto.hash` hashes one contiguous buffer, its digest is taken as a 16-character latin1
// string (one character per octet; a 'buffer' result costs a fresh ArrayBuffer per call, about
// 2.5× the whole hash), and the HMAC pads of a secret are computed once per secret.
import { hash } from 'node:crypto';

/** RFC 1321: an MD5 digest is 16 octets. */
export const MD5_LENGTH = 16;
/** RFC 2104 §2: MD5's block length B, the length of the ipad/opad-masked key. */
export const MD5_BLOCK_LENGTH = 64;
const IPAD = 0x36;
const OPAD = 0x5c;

/** MD5 of `data` as 16 latin1 characters, character i being octet i (`charCodeAt(i)`). */
export function md5Latin1(data: Buffer): string {
  return hash('md5', data, 'binary'); // 'binary' is latin1
}

/** Writes the 16-octet MD5 of `data` into `target` at `offset`. */
export function md5Into(data: Buffer, target: Buffer, offset: number): void {
  target.write(md5Latin1(data), offset, MD5_LENGTH, 'latin1');
}

/** MD5 of `data` in one call (no Hash object). */
export function md5(data: Buffer): Buffer {
  const digest = Buffer.allocUnsafe(MD5_LENGTH);
  md5Into(data, digest, 0);
  return digest;
}

/**
 * An HMAC-MD5 key with its padded forms precomputed (RFC 2104 §2: K ⊕ ipad, K ⊕ opad; a key
 * longer than B is first hashed). Holds secret material: never log it.
 */
export class HmacMd5Key {
  readonly #ipad: Buffer;
  /** opad-masked key followed by room for the inner digest: the outer hash's whole input. */
  readonly #outer: Buffer;

  constructor(secret: Buffer) {
    const key = secret.length > MD5_BLOCK_LENGTH ? md5(secret) : secret;
    this.#ipad = Buffer.alloc(MD5_BLOCK_LENGTH, IPAD);
    this.#outer = Buffer.alloc(MD5_BLOCK_LENGTH + MD5_LENGTH, OPAD);
    for (let i = 0; i < key.length; i++) {
      this.#ipad[i] = key[i]! ^ IPAD;
      this.#outer[i] = key[i]! ^ OPAD;
    }
  }

  /**
   * HMAC-MD5 of `padded[MD5_BLOCK_LENGTH, end)`: the first MD5_BLOCK_LENGTH octets of `padded`
   * are scratch room (overwritten with K ⊕ ipad) so that the inner hash is one call.
   */
  macAfterRoom(padded: Buffer, end: number): Buffer {
    this.#ipad.copy(padded, 0);
    md5Into(padded.subarray(0, end), this.#outer, MD5_BLOCK_LENGTH);
    return md5(this.#outer);
  }
}

const keys = new WeakMap<Buffer, HmacMd5Key>();

/** The HmacMd5Key of a secret, computed once per secret Buffer (a weak cache). */
export function hmacMd5KeyFor(secret: Buffer): HmacMd5Key {
  let key = keys.get(secret);
  if (key === undefined) {
    key = new HmacMd5Key(secret);
    keys.set(secret, key);
  }
  return key;
}

let scratch = Buffer.allocUnsafeSlow(MD5_BLOCK_LENGTH + 4096);

/**
 * A module-wide scratch buffer of at least `length` octets for assembling hash input (the
 * hashing is synchronous, so one buffer serves every caller). Its contents are garbage.
 */
export function hashScratch(length: number): Buffer {
  if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(length);
  return scratch;
}
