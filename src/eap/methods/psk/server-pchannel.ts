import { AES_BLOCK, Aes128, xorInto } from '../../crypto/aes-128.js';
import { doubleBlock } from '../../crypto/cmac.js';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { Eax } from '../../crypto/eax.js';
import {
  PCHANNEL_FLAGS_LENGTH,
  PCHANNEL_NONCE_LENGTH,
  PSK_EAX_HEADER_LENGTH,
  PSK_R_SHIFT,
  PSK3_NONCE,
  PSK4_NONCE,
  PskResult,
} from './constants.js';
import {
  TWEAKS,
  ciphertextBlock,
  counterBlock,
  headerFirstBlock,
  headerLastBlock,
  nonceBlock,
} from './pchannel-blocks.js';
import { eaxNonce, type PchannelView } from './pchannel.js';

/**
 * The server's PCHANNEL under one session's TEK (RFC 4764 §5.3 seal in PSK-3, §5.4 open in PSK-4),
 * EAX (RFC 4764 §3.3; Bellare–Rogaway–Wagner) computed in four batched AES-ECB calls per session
 * instead of one call per OMAC/CTR step (each node:crypto call costs about 1 µs, whatever the number
 * of blocks), with one ECB cipher object for the TEK.
 *
 * Every EAX value here is a chain of at most three blocks, so the blocks of all chains are grouped
 * by depth; the two OMACs over the header take the 22-octet EAX header (two blocks, the last one
 * partial) and the one over the ciphertext takes the single R octet (one partial block):
 *
 *   1. L = E(0) (= E([0]), the first block of every OMAC^0), E([1]), E([2]); K1 = dbl(L), K2 = dbl(K1)
 *   2. N'_0, N'_1 = E(L ⊕ N ⊕ K1) for the Nonces 0 (PSK-3) and 1 (PSK-4); E(E([1]) ⊕ H_1) for both
 *      headers (first header block)
 *   3. the CTR keystreams E(N'_0), E(N'_1); H' = E(previous ⊕ pad(H_2) ⊕ K2) for both headers
 *   4. C' = E(E([2]) ⊕ pad(C) ⊕ K2) for PSK-3's ciphertext and for the ciphertext PSK-4 carries when
 *      the peer answers R = DONE_SUCCESS without EXT
 *
 * PSK-4's header is predictable (Response, PSK-3's Identifier, the length without EXT, T = 3,
 * RAND_S), so the expected PSK-4 tag is computed with PSK-3's. Opening that PSK-4 then needs no AES
 * call: its tag is compared in constant time with the expected one. Any other PSK-4 (another header,
 * Nonce or ciphertext, e.g. a peer reporting DONE_FAILURE or sending EXT) goes through the general
 * EAX on the same key. Which path was taken depends only on values the peer sent in clear and on
 * whether they encrypt DONE_SUCCESS, which the outcome of the exchange reveals anyway.
 */
export class ServerPchannel {
  readonly #aes: Aes128;
  /** PSK-4 as the peer is expected to send it: EAX header, encrypted R octet, tag. */
  #psk4Header: Buffer | undefined;
  #psk4Encrypted = 0;
  #psk4Tag: Buffer | undefined;

  constructor(tek: Buffer) {
    this.#aes = new Aes128(tek);
  }

  /**
   * RFC 4764 §5.3: writes Nonce 0, Tag and the encrypted R octet (no EXT) into the PSK-3 `packet`
   * at `offset`; the packet already holds its final first 22 octets, the EAX header. Also prepares
   * the PSK-4 answer expected with the EAX header `psk4Header` (kept, not copied) and R = DONE_SUCCESS.
   */
  sealPsk3(packet: Buffer, offset: number, r: number, psk4Header: Buffer): void {
    const aes = this.#aes;
    // Depth 1: L and the OMAC tweak blocks [1], [2] (EAX §3; RFC 4493 §2.3 for K1, K2).
    const t1 = aes.encryptEcb(TWEAKS);
    const l = t1; // L is its first block
    const k1 = doubleBlock(l);
    const k2 = doubleBlock(k1);
    // Depth 2: OMAC^0 of both Nonces (a complete block: K1), first header blocks of both OMAC^1.
    const in2 = batchInput;
    nonceBlock(in2, SLOT_NONCE_3, PSK3_NONCE, l, k1);
    nonceBlock(in2, SLOT_NONCE_4, PSK4_NONCE, l, k1);
    headerFirstBlock(in2, SLOT_HEADER_3, t1, packet);
    headerFirstBlock(in2, SLOT_HEADER_4, t1, psk4Header);
    const t2 = aes.encryptEcb(in2);
    // Depth 3: CTR counter blocks N' (one keystream block each), last header blocks (partial: K2).
    const in3 = batchInput;
    counterBlock(in3, SLOT_NONCE_3, t2);
    counterBlock(in3, SLOT_NONCE_4, t2);
    headerLastBlock(in3, SLOT_HEADER_3, t2, packet, k2);
    headerLastBlock(in3, SLOT_HEADER_4, t2, psk4Header, k2);
    const t3 = aes.encryptEcb(in3);
    // The one-octet plaintexts: C = R octet ⊕ first keystream octet.
    const encrypted3 = (r << PSK_R_SHIFT) ^ t3[SLOT_NONCE_3 * AES_BLOCK]!;
    const encrypted4 = (PskResult.DoneSuccess << PSK_R_SHIFT) ^ t3[SLOT_NONCE_4 * AES_BLOCK]!;
    // Depth 4: OMAC^2 of both one-octet ciphertexts.
    const in4 = pairInput;
    ciphertextBlock(in4, 0, t1, encrypted3, k2);
    ciphertextBlock(in4, 1, t1, encrypted4, k2);
    const t4 = aes.encryptEcb(in4);
    batchInput.fill(0);
    pairInput.fill(0);
    // Tag = N' ⊕ H' ⊕ C' (EAX §3), written in place into PSK-3; kept for PSK-4.
    const tagAt = offset + PCHANNEL_NONCE_LENGTH;
    packet.writeUInt32BE(PSK3_NONCE, offset);
    t2.copy(packet, tagAt, SLOT_NONCE_3 * AES_BLOCK, (SLOT_NONCE_3 + 1) * AES_BLOCK);
    xorInto(packet, tagAt, t3, SLOT_HEADER_3 * AES_BLOCK, AES_BLOCK);
    xorInto(packet, tagAt, t4, 0, AES_BLOCK);
    packet[tagAt + AES_BLOCK] = encrypted3;
    const tag4 = Buffer.allocUnsafe(AES_BLOCK);
    t2.copy(tag4, 0, SLOT_NONCE_4 * AES_BLOCK, (SLOT_NONCE_4 + 1) * AES_BLOCK);
    xorInto(tag4, 0, t3, SLOT_HEADER_4 * AES_BLOCK, AES_BLOCK);
    xorInto(tag4, 0, t4, AES_BLOCK, AES_BLOCK);
    this.#psk4Header = psk4Header;
    this.#psk4Encrypted = encrypted4;
    this.#psk4Tag = tag4;
    // Key-derived intermediates: leave none behind in the buffers dropped now.
    for (const b of [t1, t2, t3, t4, k1, k2]) b.fill(0);
  }

  /**
   * RFC 4764 §5.4: verifies and decrypts PSK-4's PCHANNEL (`raw` is the whole packet, `view` its
   * PCHANNEL); undefined when the tag does not verify.
   */
  openPsk4(raw: Buffer, view: PchannelView): Buffer | undefined {
    const header = raw.subarray(0, PSK_EAX_HEADER_LENGTH);
    const expectedTag = this.#psk4Tag;
    if (
      expectedTag !== undefined &&
      view.nonce === PSK4_NONCE &&
      view.encrypted.length === PCHANNEL_FLAGS_LENGTH &&
      view.encrypted[0] === this.#psk4Encrypted &&
      this.#psk4Header?.equals(header) === true
    ) {
      if (!constantTimeEqual(view.tag, expectedTag)) return undefined;
      return Buffer.from([PskResult.DoneSuccess << PSK_R_SHIFT]);
    }
    return new Eax(this.#aes).open(eaxNonce(view.nonce), header, view.encrypted, view.tag);
  }
}

/** Block slots of the depth-2 and depth-3 batches. */
const SLOT_NONCE_3 = 0;
const SLOT_NONCE_4 = 1;
const SLOT_HEADER_3 = 2;
const SLOT_HEADER_4 = 3;
const BATCH = 4;
/** The input of one batch: `encryptEcb` copies it, so one scratch serves all sessions (zeroed after use). */
const batchInput = Buffer.alloc(BATCH * AES_BLOCK);
const pairInput = Buffer.alloc(2 * AES_BLOCK);
