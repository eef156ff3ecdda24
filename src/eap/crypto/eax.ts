import { AES_BLOCK, Aes128, xorInto } from './aes-128.js';
import { Cmac } from './cmac.js';
import { constantTimeEqual } from './constant-time.js';

/** EAX tag length used by RFC 4764 (§3.3): a full block. */
export const EAX_TAG_LENGTH = AES_BLOCK;

/** EAX tweaks [t]_n (Bellare–Rogaway–Wagner, "The EAX Mode of Operation", §3): 0 nonce, 1 header, 2 ciphertext. */
const TWEAK_NONCE = tweak(0);
const TWEAK_HEADER = tweak(1);
const TWEAK_CIPHERTEXT = tweak(2);

export type EaxSealed = { ciphertext: Buffer; tag: Buffer };

/**
 * EAX authenticated encryption (AES-128), as used by the EAP-PSK protected channel (RFC 4764 §3.3).
 * One instance per key; all OMACs and the CTR keystream run on the same reusable cipher object.
 */
export class Eax {
  readonly #cmac: Cmac;
  readonly #aes: Aes128;

  constructor(key: Buffer | Aes128) {
    this.#cmac = new Cmac(key);
    this.#aes = this.#cmac.aes;
  }

  /** EAX.Encrypt: C = CTR_K^{N'}(M); Tag = N' ⊕ H' ⊕ C' with N' = OMAC^0(N), H' = OMAC^1(H), C' = OMAC^2(C). */
  seal(nonce: Buffer, header: Buffer, plaintext: Buffer): EaxSealed {
    const n = this.#cmac.mac([TWEAK_NONCE, nonce]);
    const ciphertext = this.#ctr(n, plaintext);
    const tag = this.#tag(n, header, ciphertext);
    return { ciphertext, tag };
  }

  /** EAX.Decrypt: verifies the tag in constant time first; returns the plaintext, or undefined when invalid. */
  open(nonce: Buffer, header: Buffer, ciphertext: Buffer, tag: Buffer): Buffer | undefined {
    const n = this.#cmac.mac([TWEAK_NONCE, nonce]);
    if (!constantTimeEqual(this.#tag(n, header, ciphertext), tag)) return undefined;
    return this.#ctr(n, ciphertext);
  }

  #tag(n: Buffer, header: Buffer, ciphertext: Buffer): Buffer {
    const tag = this.#cmac.mac([TWEAK_HEADER, header]);
    xorInto(tag, 0, n, 0, AES_BLOCK);
    xorInto(tag, 0, this.#cmac.mac([TWEAK_CIPHERTEXT, ciphertext]), 0, AES_BLOCK);
    return tag;
  }

  /** CTR mode starting at the 128-bit big-endian counter `initial`, incremented per block. */
  #ctr(initial: Buffer, input: Buffer): Buffer {
    const out = Buffer.from(input);
    const counter = Buffer.from(initial);
    for (let at = 0; at < out.length; at += AES_BLOCK) {
      const stream = this.#aes.encryptBlock(counter);
      xorInto(out, at, stream, 0, Math.min(AES_BLOCK, out.length - at));
      increment(counter);
    }
    return out;
  }
}

function tweak(t: number): Buffer {
  const b = Buffer.alloc(AES_BLOCK);
  b[AES_BLOCK - 1] = t;
  return b;
}

function increment(counter: Buffer): void {
  for (let i = counter.length - 1; i >= 0; i--) {
    counter[i] = (counter[i]! + 1) & 0xff;
    if (counter[i] !== 0) return;
  }
}
