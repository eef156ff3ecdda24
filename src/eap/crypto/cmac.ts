import { AES_BLOCK, Aes128 } from './aes-128.js';

/** RFC 4493 §2.3: R_128 = 0^120 ‖ 10000111, the constant of subkey generation. */
const RB = 0x87;
/** RFC 4493 §2.4: padding appends a single 1 bit then zeros. */
const PAD_FIRST_BYTE = 0x80;

/** Initial size of the shared padded-input scratch; it grows to the longest message seen. */
const INITIAL_SCRATCH_BLOCKS = 8;
/**
 * The padded input of the MAC being computed. Shared by every Cmac: `mac` is synchronous and
 * `update` copies its input, so one scratch serves all keys without allocating per MAC (a fresh
 * buffer per MAC was measured to churn Node's 8 KiB buffer pool).
 */
let scratch = Buffer.alloc(INITIAL_SCRATCH_BLOCKS * AES_BLOCK);

/**
 * AES-CMAC (RFC 4493; NIST SP 800-38B; OMAC1 in EAX and RFC 4764). The subkeys K1, K2 are derived
 * once per key; each MAC is one AES `update` call (see Aes128.cbcMac) and no other allocation.
 */
export class Cmac {
  readonly #aes: Aes128;
  readonly #k1: Buffer;
  readonly #k2: Buffer;

  constructor(key: Buffer | Aes128) {
    this.#aes = key instanceof Aes128 ? key : new Aes128(key);
    // RFC 4493 §2.3 Generate_Subkey: L = AES-128(K, 0^128); K1 = L << 1 (^ Rb); K2 = K1 << 1 (^ Rb).
    const l = this.#aes.encryptBlock(Buffer.alloc(AES_BLOCK));
    // Both subkeys in one slice of Node's pool: a Cmac lives as long as its device's cached keys,
    // and a Buffer.alloc each would be two ArrayBuffers per cached device for every full GC to sweep.
    const subkeys = Buffer.allocUnsafe(2 * AES_BLOCK);
    this.#k1 = doubleBlockInto(l, subkeys.subarray(0, AES_BLOCK));
    this.#k2 = doubleBlockInto(this.#k1, subkeys.subarray(AES_BLOCK));
    l.fill(0);
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
    const length = blocks * AES_BLOCK;
    if (scratch.length < length) scratch = Buffer.alloc(length);
    // Zeroed after use below: only the padding needs zeroing before.
    const input = scratch.subarray(0, length);
    let at = 0;
    for (const p of parts) at += p.copy(input, at);
    input.fill(0, total);
    const complete = total > 0 && total % AES_BLOCK === 0;
    if (!complete) input[total] = PAD_FIRST_BYTE;
    const subkey = complete ? this.#k1 : this.#k2;
    const last = input.length - AES_BLOCK;
    for (let i = 0; i < AES_BLOCK; i++) input[last + i]! ^= subkey[i]!;
    // RFC 4493 §2.4 steps 5-7: CBC with a zero IV; the last block is the tag (a buffer of its own).
    const tag = this.#aes.cbcMac(input);
    input.fill(0); // its last block holds message ⊕ subkey: leave no key material in the scratch
    return tag;
  }
}

/**
 * RFC 4493 §2.3 (EAX's dbl): left shift by one of the 128-bit block at the start of `block`, XOR Rb
 * when the top bit was set.
 */
export function doubleBlock(block: Buffer): Buffer {
  return doubleBlockInto(block, Buffer.alloc(AES_BLOCK));
}

function doubleBlockInto(block: Buffer, out: Buffer): Buffer {
  for (let i = 0; i < AES_BLOCK - 1; i++) out[i] = ((block[i]! << 1) | (block[i + 1]! >>> 7)) & 0xff;
  out[AES_BLOCK - 1] = (block[AES_BLOCK - 1]! << 1) & 0xff;
  if (block[0]! & 0x80) out[AES_BLOCK - 1]! ^= RB;
  return out;
}
