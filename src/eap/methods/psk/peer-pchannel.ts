import { AES_BLOCK, Aes128, xorInto } from '../../crypto/aes-128.js';
import { doubleBlock } from '../../crypto/cmac.js';
import { constantTimeEqual } from '../../crypto/constant-time.js';
import { Eax } from '../../crypto/eax.js';
import { buildEapPacket, EapCode, EapType } from '../../packet.js';
import {
  PCHANNEL_FLAGS_LENGTH,
  PCHANNEL_NONCE_LENGTH,
  PCHANNEL_TAG_LENGTH,
  PSK_EAX_HEADER_LENGTH,
  PSK_T_SHIFT,
  PSK3_NONCE,
  PSK4_NONCE,
  PskT,
} from './constants.js';
import {
  PAD_FIRST_BYTE,
  TWEAKS,
  TWEAK_CIPHERTEXT,
  ciphertextBlock,
  headerFirstBlock,
  headerLastBlock,
  nonceBlock,
  tagOf,
} from './pchannel-blocks.js';
import { eaxNonce, pchannelLength, type PchannelView } from './pchannel.js';

/**
 * The peer's PCHANNEL under one session's TEK (RFC 4764 §5.3 open in PSK-3, §5.4 seal in PSK-4),
 * the mirror of ServerPchannel: EAX (RFC 4764 §3.3; Bellare–Rogaway–Wagner) computed in four
 * batched AES-ECB calls per session instead of one call per OMAC/CTR step (each node:crypto call
 * costs about 1 µs, whatever the number of blocks), with one ECB cipher object for the TEK.
 *
 * When PSK-3 carries the usual PCHANNEL (Nonce 0, the R octet and no EXT), the blocks of every EAX
 * chain of both messages are grouped by depth; PSK-4's EAX header is predictable (Response, PSK-3's
 * Identifier, the length of a PSK-4 without EXT, T = 3, RAND_S), so it is computed with PSK-3's:
 *
 *   1. L = E(0) (= E([0])), E([1]), E([2]); K1 = dbl(L), K2 = dbl(K1)
 *   2. N'_0, N'_1 = E(L ⊕ N ⊕ K1) for the Nonces 0 (PSK-3) and 1 (PSK-4); E(E([1]) ⊕ H_1) for both
 *      headers (first header block); C'_3 = E(E([2]) ⊕ pad(C_3) ⊕ K2) for PSK-3's received ciphertext
 *   3. the CTR keystreams E(N'_0), E(N'_1); H' = E(previous ⊕ pad(H_2) ⊕ K2) for both headers.
 *      PSK-3's tag N'_0 ⊕ H'_3 ⊕ C'_3 is then checked (constant time) and its R octet decrypted.
 *   4. (sealPsk4) C'_4 = E(E([2]) ⊕ pad(C_4) ⊕ K2) for the one-octet answer.
 *
 * Any other PSK-3 (an EXT, another Nonce) or a PSK-4 with another header or length (an answer with
 * EXT) goes through the general EAX on the same key. Which path is taken depends only on lengths,
 * Nonces and headers sent in clear.
 */
export class PeerPchannel {
  readonly #aes: Aes128;
  /** Prepared by openPsk3 for the PSK-4 answer: its EAX header, first keystream octet, N'_1 ⊕ H'_4. */
  #psk4Header: Buffer | undefined;
  #psk4Keystream = 0;
  #psk4PartialTag: Buffer | undefined;
  /** E([2]) ⊕ K2: the one-block OMAC^2 input of a one-octet ciphertext, less pad(C). */
  #ciphertextMask: Buffer | undefined;

  constructor(tek: Buffer) {
    this.#aes = new Aes128(tek);
  }

  /**
   * RFC 4764 §5.3: verifies and decrypts PSK-3's PCHANNEL (`raw` is the whole packet, `view` its
   * PCHANNEL); undefined when the tag does not verify. `psk4Header` is the EAX header of the PSK-4
   * answer without EXT (kept, not copied), prepared for sealPsk4.
   */
  openPsk3(raw: Buffer, view: PchannelView, psk4Header: Buffer): Buffer | undefined {
    this.#forget();
    if (view.nonce !== PSK3_NONCE || view.encrypted.length !== PCHANNEL_FLAGS_LENGTH)
      return this.#eax().open(
        eaxNonce(view.nonce),
        raw.subarray(0, PSK_EAX_HEADER_LENGTH),
        view.encrypted,
        view.tag,
      );
    const aes = this.#aes;
    const encrypted3 = view.encrypted[0]!;
    // Depth 1: L and the OMAC tweak blocks [1], [2] (EAX §3; RFC 4493 §2.3 for K1, K2).
    const t1 = aes.encryptEcb(TWEAKS);
    const k1 = doubleBlock(t1);
    const k2 = doubleBlock(k1);
    // Depth 2: OMAC^0 of both Nonces, first header blocks of both OMAC^1, OMAC^2 of PSK-3's C.
    const in2 = depth2Input;
    nonceBlock(in2, SLOT_NONCE_3, PSK3_NONCE, t1, k1);
    nonceBlock(in2, SLOT_NONCE_4, PSK4_NONCE, t1, k1);
    headerFirstBlock(in2, SLOT_HEADER_3, t1, raw);
    headerFirstBlock(in2, SLOT_HEADER_4, t1, psk4Header);
    ciphertextBlock(in2, SLOT_CIPHERTEXT_3, t1, encrypted3, k2);
    const t2 = aes.encryptEcb(in2);
    // Depth 3: CTR keystreams E(N') (EAX §3: the first counter is N'), last header blocks.
    const in3 = depth3Input;
    t2.copy(in3, SLOT_NONCE_3 * AES_BLOCK, SLOT_NONCE_3 * AES_BLOCK, (SLOT_NONCE_3 + 1) * AES_BLOCK);
    t2.copy(in3, SLOT_NONCE_4 * AES_BLOCK, SLOT_NONCE_4 * AES_BLOCK, (SLOT_NONCE_4 + 1) * AES_BLOCK);
    headerLastBlock(in3, SLOT_HEADER_3, t2, raw, k2);
    headerLastBlock(in3, SLOT_HEADER_4, t2, psk4Header, k2);
    const t3 = aes.encryptEcb(in3);
    depth2Input.fill(0);
    depth3Input.fill(0);
    // PSK-3's tag = N'_0 ⊕ H'_3 ⊕ C'_3 (EAX §3).
    const tag3 = tagOf(t2, SLOT_NONCE_3, t3, SLOT_HEADER_3, t2, SLOT_CIPHERTEXT_3);
    const valid = constantTimeEqual(tag3, view.tag);
    // Kept for PSK-4: N'_1 ⊕ H'_4, the first keystream octet of Nonce 1, E([2]) ⊕ K2.
    const partial = Buffer.allocUnsafe(AES_BLOCK);
    t2.copy(partial, 0, SLOT_NONCE_4 * AES_BLOCK, (SLOT_NONCE_4 + 1) * AES_BLOCK);
    xorInto(partial, 0, t3, SLOT_HEADER_4 * AES_BLOCK, AES_BLOCK);
    const mask = Buffer.allocUnsafe(AES_BLOCK);
    t1.copy(mask, 0, TWEAK_CIPHERTEXT * AES_BLOCK, (TWEAK_CIPHERTEXT + 1) * AES_BLOCK);
    xorInto(mask, 0, k2, 0, AES_BLOCK);
    const plain = Buffer.from([encrypted3 ^ t3[SLOT_NONCE_3 * AES_BLOCK]!]);
    const keystream4 = t3[SLOT_NONCE_4 * AES_BLOCK]!;
    // Key-derived intermediates: leave none behind in the buffers dropped now.
    for (const b of [t1, t2, t3, k1, k2, tag3]) b.fill(0);
    if (!valid) {
      partial.fill(0);
      mask.fill(0);
      plain.fill(0);
      return undefined;
    }
    this.#psk4Header = psk4Header;
    this.#psk4Keystream = keystream4;
    this.#psk4PartialTag = partial;
    this.#ciphertextMask = mask;
    return plain;
  }

  /**
   * RFC 4764 §5.4: writes `nonce`, Tag and the encrypted `plaintext` into the PSK-4 `packet` at
   * `offset`; the packet already holds its final first 22 octets, the EAX header.
   */
  sealPsk4(packet: Buffer, offset: number, nonce: number, plaintext: Buffer): void {
    const header = packet.subarray(0, PSK_EAX_HEADER_LENGTH);
    const partial = this.#psk4PartialTag;
    const mask = this.#ciphertextMask;
    const tagAt = offset + PCHANNEL_NONCE_LENGTH;
    const dataAt = tagAt + PCHANNEL_TAG_LENGTH;
    packet.writeUInt32BE(nonce, offset);
    if (
      partial !== undefined &&
      mask !== undefined &&
      nonce === PSK4_NONCE &&
      plaintext.length === PCHANNEL_FLAGS_LENGTH &&
      this.#psk4Header?.equals(header) === true
    ) {
      // Depth 4: C'_4 = E(E([2]) ⊕ pad(C_4) ⊕ K2); Tag = N'_1 ⊕ H'_4 ⊕ C'_4.
      const encrypted4 = plaintext[0]! ^ this.#psk4Keystream;
      mask[0]! ^= encrypted4;
      mask[PCHANNEL_FLAGS_LENGTH]! ^= PAD_FIRST_BYTE;
      const c4 = this.#aes.encryptEcb(mask);
      packet.fill(0, tagAt, tagAt + AES_BLOCK);
      xorInto(packet, tagAt, partial, 0, AES_BLOCK);
      xorInto(packet, tagAt, c4, 0, AES_BLOCK);
      packet[dataAt] = encrypted4;
      c4.fill(0);
      this.#forget();
      return;
    }
    this.#forget();
    const { ciphertext, tag } = this.#eax().seal(eaxNonce(nonce), header, plaintext);
    tag.copy(packet, tagAt);
    ciphertext.copy(packet, dataAt);
  }

  /** The general EAX on the same key (CBC object created on first use). */
  #eax(): Eax {
    return new Eax(this.#aes);
  }

  #forget(): void {
    this.#psk4PartialTag?.fill(0);
    this.#ciphertextMask?.fill(0);
    this.#psk4Header = undefined;
    this.#psk4PartialTag = undefined;
    this.#ciphertextMask = undefined;
    this.#psk4Keystream = 0;
  }
}

/** RFC 4764 §5.4: PSK-4 is Flags ‖ RAND_S ‖ PCHANNEL, so its PCHANNEL starts after the EAX header. */
const PSK4_PCHANNEL_OFFSET = PSK_EAX_HEADER_LENGTH;
const PSK4_FLAGS = Buffer.from([PskT.Psk4 << PSK_T_SHIFT]);

/**
 * RFC 4764 §5.4: PSK-4 (Flags ‖ RAND_S ‖ PCHANNEL) with its PCHANNEL sealed by `pchannel` with this
 * Nonce and plaintext; the same octets as buildPsk4 with an Eax on the same TEK.
 */
export function buildSealedPsk4(
  identifier: number,
  randS: Buffer,
  pchannel: PeerPchannel,
  nonce: number,
  plaintext: Buffer,
): Buffer {
  const packet = buildEapPacket(EapCode.Response, identifier, EapType.Psk, [
    PSK4_FLAGS,
    randS,
    Buffer.alloc(pchannelLength(plaintext)),
  ]);
  pchannel.sealPsk4(packet, PSK4_PCHANNEL_OFFSET, nonce, plaintext);
  return packet;
}

/** Block slots of the depth-2 and depth-3 batches. */
const SLOT_NONCE_3 = 0;
const SLOT_NONCE_4 = 1;
const SLOT_HEADER_3 = 2;
const SLOT_HEADER_4 = 3;
const SLOT_CIPHERTEXT_3 = 4;
const DEPTH_2_BLOCKS = 5;
const DEPTH_3_BLOCKS = 4;
/** Batch inputs: `encryptEcb` copies them, so one scratch serves all sessions (zeroed after use). */
const depth2Input = Buffer.alloc(DEPTH_2_BLOCKS * AES_BLOCK);
const depth3Input = Buffer.alloc(DEPTH_3_BLOCKS * AES_BLOCK);
