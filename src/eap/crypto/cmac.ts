import { AES_BLOCK, Aes128 } from './aes-128.js';

/** RFC 4493 §2.3: R_128 = 0^120 ‖ 10000111, the constant of subkey generation. */
const RB = 0x87;
/** RFC 4493 §2.4: padding appends a single 1 bit then zeros. */
const PAD_FIRST_BYTE = 0x80;

/**
 * AES-CMAC (RFC 4493; NIST SP 800-38B; OMAC1 in EAX and RFC 4764). The subkeys K1, K2 are derived
 * once per key; each MAC is one allocation plus one AES `update` call (see Aes128.cbcMac).
 */
export class Cmac {
  readonly #aes: Aes128;
  readonly #k1: Buffer;
  readonly #k2: Buffer;

  constructor(key: Buffer | Aes128) {
    this.#aes = key instanceof Aes128 ? key : new Aes128(key);
    // RFC 4493 §2.3 Generate_Subkey: L = AES-128(K, 0^128); K1 = L << 1 (^ Rb); K2 = K1 << 1 (^ Rb).
    const l = Buffer.from(this.#aes.encryptBlock(Buffer.alloc(AES_BLOCK)));
    this.#k1 = doubleBlock(l);
    this.#k2 = doubleBlock(this.#k1);
  }

  /** The cipher this MAC runs on, for callers that also need raw blocks under the same key. */
  get aes(): Aes128 {
    return this.#aes;
  }

  /** CMAC over the concatenation of `parts` (no concatenation is allocated besides the padded input). */
  mac(parts: readonly Buffer[]): Buffer {
    let total = 0;
    for (const p of parts) total += p.length;
    // RFC 4493 §2.4 steps 2-4: n blocks, the last one complete or padded.
    const blocks = total === 0 ? 1 : Math.ceil(total / AES_BLOCK);
    // From Node's pool (scratch, dropped at once): only the padding needs zeroing.
    const input = Buffer.allocUnsafe(blocks * AES_BLOCK);
    let at = 0;
    for (const p of parts) at += p.copy(input, at);
    input.fill(0, total);
    const complete = total > 0 && total % AES_BLOCK === 0;
    if (!complete) input[total] = PAD_FIRST_BYTE;
    const subkey = complete ? this.#k1 : this.#k2;
    const last = input.length - AES_BLOCK;
    for (let i = 0; i < AES_BLOCK; i++) input[last + i]! ^= subkey[i]!;
    // RFC 4493 §2.4 steps 5-7: CBC with a zero IV; the last block is the tag (a buffer of its own).
    return this.#aes.cbcMac(input);
  }
}

/** RFC 4493 §2.3: left shift of a 128-bit block by one, XOR Rb when the top bit was set. */
function doubleBlock(block: Buffer): Buffer {
  const out = Buffer.alloc(AES_BLOCK);
  for (let i = 0; i < AES_BLOCK - 1; i++) out[i] = ((block[i]! << 1) | (block[i + 1]! >>> 7)) & 0xff;
  out[AES_BLOCK - 1] = (block[AES_BLOCK - 1]! << 1) & 0xff;
  if (block[0]! & 0x80) out[AES_BLOCK - 1]! ^= RB;
  return out;
}
