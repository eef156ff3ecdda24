import type { Eax } from '../../crypto/eax.js';
import {
  EAX_NONCE_LENGTH,
  PCHANNEL_FLAGS_LENGTH,
  PCHANNEL_NONCE_LENGTH,
  PCHANNEL_TAG_LENGTH,
  PSK_E_FLAG,
  PSK_EAX_HEADER_LENGTH,
  PSK_R_SHIFT,
} from './constants.js';

/** A received PCHANNEL (RFC 4764 §5.3), as views into the packet. */
export type PchannelView = {
  /** The 32-bit Nonce. */
  readonly nonce: number;
  readonly tag: Buffer;
  /** The encrypted R/E/reserved octet and optional EXT. */
  readonly encrypted: Buffer;
};

/** The decrypted first PCHANNEL octet and EXT (RFC 4764 §5.3). */
export type PchannelContent = { r: number; e: boolean; extType: number | undefined };

const R_MASK = 0b11;
const TAG_OFFSET = PCHANNEL_NONCE_LENGTH;
const DATA_OFFSET = PCHANNEL_NONCE_LENGTH + PCHANNEL_TAG_LENGTH;

/** Reads a PCHANNEL that starts at `offset` of the EAP packet `raw` (length already checked). */
export function pchannelAt(raw: Buffer, offset: number): PchannelView {
  return {
    nonce: raw.readUInt32BE(offset),
    tag: raw.subarray(offset + TAG_OFFSET, offset + DATA_OFFSET),
    encrypted: raw.subarray(offset + DATA_OFFSET),
  };
}

/** RFC 4764 §3.3: EAX nonce = 12 zero octets ‖ the 4-octet big-endian Nonce. */
export function eaxNonce(nonce: number): Buffer {
  const out = Buffer.alloc(EAX_NONCE_LENGTH);
  out.writeUInt32BE(nonce, EAX_NONCE_LENGTH - PCHANNEL_NONCE_LENGTH);
  return out;
}

/** The plaintext of a PCHANNEL: R (and E with an EXT type and payload when given). */
export function pchannelPlaintext(r: number, ext?: { type: number; payload: Buffer }): Buffer {
  if (ext === undefined) return Buffer.from([r << PSK_R_SHIFT]);
  return Buffer.concat([Buffer.from([(r << PSK_R_SHIFT) | PSK_E_FLAG, ext.type]), ext.payload]);
}

/** Decodes a decrypted PCHANNEL plaintext (at least one octet). */
export function pchannelContent(plain: Buffer): PchannelContent {
  const first = plain[0]!;
  const e = (first & PSK_E_FLAG) !== 0;
  return {
    r: (first >>> PSK_R_SHIFT) & R_MASK,
    e,
    extType: e && plain.length > PCHANNEL_FLAGS_LENGTH ? plain[1]! : undefined,
  };
}

/**
 * RFC 4764 §5.3/§5.4: writes Nonce, Tag and the encrypted data into `packet` at `offset`. The packet
 * must already hold its final header (Code..RAND_S): those 22 octets are the EAX header.
 */
export function sealPchannel(
  eax: Eax,
  packet: Buffer,
  offset: number,
  nonce: number,
  plaintext: Buffer,
): void {
  packet.writeUInt32BE(nonce, offset);
  const { ciphertext, tag } = eax.seal(eaxNonce(nonce), packet.subarray(0, PSK_EAX_HEADER_LENGTH), plaintext);
  tag.copy(packet, offset + TAG_OFFSET);
  ciphertext.copy(packet, offset + DATA_OFFSET);
}

/** Verifies and decrypts a received PCHANNEL; undefined when the tag does not verify. */
export function openPchannel(eax: Eax, raw: Buffer, view: PchannelView): Buffer | undefined {
  return eax.open(eaxNonce(view.nonce), raw.subarray(0, PSK_EAX_HEADER_LENGTH), view.encrypted, view.tag);
}

/** Octets a PCHANNEL with this plaintext takes on the wire. */
export function pchannelLength(plaintext: Buffer): number {
  return DATA_OFFSET + plaintext.length;
}
