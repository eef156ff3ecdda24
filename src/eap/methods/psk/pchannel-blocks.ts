import { AES_BLOCK, xorInto } from '../../crypto/aes-128.js';
import {
  EAX_NONCE_LENGTH,
  PCHANNEL_FLAGS_LENGTH,
  PCHANNEL_NONCE_LENGTH,
  PSK_EAX_HEADER_LENGTH,
} from './constants.js';

/*
 * The EAX blocks of an EAP-PSK PCHANNEL (RFC 4764 §3.3, §5.3, §5.4; EAX §3, OMAC = CMAC RFC 4493)
 * shared by ServerPchannel and PeerPchannel: each writes one input block of a batched AES-ECB call
 * into slot `slot` of `dst`. Every EAX value of a PCHANNEL is a chain of at most three blocks
 * (a 4-octet Nonce in one block, the 22-octet EAX header in two, a 1-octet ciphertext in one), so
 * both sides compute them depth by depth, one ECB call per depth.
 */

/** EAX §3 tweaks [0]_n, [1]_n, [2]_n: blocks 0, 1 and 2 of one input (block 0 all zero: E([0]) is L). */
export const TWEAK_HEADER = 1;
export const TWEAK_CIPHERTEXT = 2;
export const TWEAKS = Buffer.alloc(3 * AES_BLOCK);
TWEAKS[TWEAK_HEADER * AES_BLOCK + AES_BLOCK - 1] = TWEAK_HEADER;
TWEAKS[TWEAK_CIPHERTEXT * AES_BLOCK + AES_BLOCK - 1] = TWEAK_CIPHERTEXT;

/** RFC 4493 §2.4: a partial last block is padded with one 1 bit then zeros. */
export const PAD_FIRST_BYTE = 0x80;
/** The EAX header spans one complete block and one partial block. */
const HEADER_TAIL = PSK_EAX_HEADER_LENGTH - AES_BLOCK;
if (HEADER_TAIL <= 0 || HEADER_TAIL >= AES_BLOCK) throw new Error('EAX header must span 1.x blocks');

/** OMAC^0(N) = E(E([0]) ⊕ N ⊕ K1), E([0]) = L (first block of `l`): writes L ⊕ N ⊕ K1 into `slot`. */
export function nonceBlock(dst: Buffer, slot: number, nonce: number, l: Buffer, k1: Buffer): void {
  const at = slot * AES_BLOCK;
  dst.fill(0, at, at + EAX_NONCE_LENGTH);
  dst.writeUInt32BE(nonce, at + EAX_NONCE_LENGTH - PCHANNEL_NONCE_LENGTH);
  xorInto(dst, at, l, 0, AES_BLOCK);
  xorInto(dst, at, k1, 0, AES_BLOCK);
}

/** CTR (EAX §3): the first counter block is N' itself (its output is in `nonces`' slot). */
export function counterBlock(dst: Buffer, slot: number, nonces: Buffer): void {
  const at = slot * AES_BLOCK;
  nonces.copy(dst, at, at, at + AES_BLOCK);
}

/** OMAC^1(H), second block of the chain: E([1]) ⊕ H[0..16) (`header` starts with H). */
export function headerFirstBlock(dst: Buffer, slot: number, tweaked: Buffer, header: Buffer): void {
  const at = slot * AES_BLOCK;
  header.copy(dst, at, 0, AES_BLOCK);
  xorInto(dst, at, tweaked, TWEAK_HEADER * AES_BLOCK, AES_BLOCK);
}

/**
 * OMAC^1(H), last block: previous ⊕ pad(H[16..22)) ⊕ K2 (the previous output is in `chain`'s slot;
 * `header` starts with H).
 */
export function headerLastBlock(dst: Buffer, slot: number, chain: Buffer, header: Buffer, k2: Buffer): void {
  const at = slot * AES_BLOCK;
  dst.fill(0, at, at + AES_BLOCK);
  header.copy(dst, at, AES_BLOCK, PSK_EAX_HEADER_LENGTH);
  dst[at + HEADER_TAIL] = PAD_FIRST_BYTE;
  xorInto(dst, at, chain, at, AES_BLOCK);
  xorInto(dst, at, k2, 0, AES_BLOCK);
}

/** OMAC^2(C) for a one-octet C: E([2]) ⊕ pad(C) ⊕ K2. */
export function ciphertextBlock(
  dst: Buffer,
  slot: number,
  tweaked: Buffer,
  encrypted: number,
  k2: Buffer,
): void {
  const at = slot * AES_BLOCK;
  dst.fill(0, at, at + AES_BLOCK);
  dst[at] = encrypted;
  dst[at + PCHANNEL_FLAGS_LENGTH] = PAD_FIRST_BYTE;
  xorInto(dst, at, tweaked, TWEAK_CIPHERTEXT * AES_BLOCK, AES_BLOCK);
  xorInto(dst, at, k2, 0, AES_BLOCK);
}

/** EAX §3: Tag = N' ⊕ H' ⊕ C', each taken from the slot of its batch output. */
export function tagOf(n: Buffer, nSlot: number, h: Buffer, hSlot: number, c: Buffer, cSlot: number): Buffer {
  const tag = Buffer.allocUnsafe(AES_BLOCK);
  n.copy(tag, 0, nSlot * AES_BLOCK, (nSlot + 1) * AES_BLOCK);
  xorInto(tag, 0, h, hSlot * AES_BLOCK, AES_BLOCK);
  xorInto(tag, 0, c, cSlot * AES_BLOCK, AES_BLOCK);
  return tag;
}
