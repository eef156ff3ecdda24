import { AvpFlag } from '../dict/model.js';

/** RFC 6733 §3: the 20-octet Diameter header. */
export const HEADER_LENGTH = 20;
export const DIAMETER_VERSION = 1;

/** Command flag bits (RFC 6733 §3). */
export const CommandFlag = {
  R: 0x80,
  P: 0x40,
  E: 0x20,
  T: 0x10,
  /** The four low bits are reserved and must be zero. */
  RESERVED: 0x0f,
} as const;

/** RFC 6733 §4.1: AVP header without / with the Vendor-ID field. */
export const AVP_HEADER_LENGTH = 8;
export const AVP_VENDOR_HEADER_LENGTH = 12;

/** Offsets of the header fields (RFC 6733 §3). */
export const HeaderOffset = {
  VERSION: 0,
  LENGTH: 1,
  FLAGS: 4,
  COMMAND_CODE: 5,
  APPLICATION_ID: 8,
  HOP_BY_HOP: 12,
  END_TO_END: 16,
} as const;

/** Offsets inside an AVP header (RFC 6733 §4.1). */
export const AvpOffset = {
  CODE: 0,
  FLAGS: 4,
  LENGTH: 5,
  VENDOR_ID: 8,
} as const;

/** Bytes of the 24-bit length fields. */
export const UINT24_BYTES = 3;
export const UINT24_MAX = 0xffffff;
const ALIGN = 4;
const BYTE_BITS = 8;
const BYTE_MASK = 0xff;

/**
 * Reads a 24-bit big-endian field (the message and AVP lengths, the command code) at `offset`;
 * the caller has checked that the three octets are inside `buf`. Byte loads: Buffer#readUIntBE
 * validates its arguments on every call, and a DER's AVPs are walked three times.
 */
export function readUint24(buf: Buffer, offset: number): number {
  return (buf[offset]! << (2 * BYTE_BITS)) | (buf[offset + 1]! << BYTE_BITS) | buf[offset + 2]!;
}

/**
 * Writes a 24-bit big-endian field (the message and AVP lengths, the command code) at `offset`,
 * which the caller has sized the buffer for. Byte stores: Buffer#writeUIntBE validates its
 * arguments on every call, and the encoder writes one per AVP.
 */
export function writeUint24(buf: Buffer, offset: number, value: number): void {
  buf[offset] = (value >>> (2 * BYTE_BITS)) & BYTE_MASK;
  buf[offset + 1] = (value >>> BYTE_BITS) & BYTE_MASK;
  buf[offset + 2] = value & BYTE_MASK;
}

/** Length rounded up to a multiple of 4 (RFC 6733 §4: AVPs are padded to 32 bits). */
export function pad4(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}

/**
 * The length of the AVP at `off` when its header (with the Vendor-ID when the V bit is set) and
 * its declared length fit before `end` (RFC 6733 §4.1), else 0.
 */
export function framedAvpLength(frame: Buffer, off: number, end: number): number {
  const avail = end - off;
  const vendor = avail > AvpOffset.FLAGS && (frame[off + AvpOffset.FLAGS]! & AvpFlag.V) !== 0;
  const header = vendor ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
  const len = avail >= header ? readUint24(frame, off + AvpOffset.LENGTH) : 0;
  return len < header || len > avail ? 0 : len;
}

/** True when [start, end) holds whole AVPs only: the contents of a Grouped AVP (RFC 6733 §4.4). */
export function isAvpList(frame: Buffer, start: number, end: number): boolean {
  for (let off = start; off < end;) {
    const len = framedAvpLength(frame, off, end);
    if (len === 0) return false;
    // The last AVP of a Grouped value may come without its padding: stop at the group's end.
    off = Math.min(off + pad4(len), end);
  }
  return true;
}

export function readVersion(frame: Buffer): number {
  return frame[HeaderOffset.VERSION]!;
}
export function readMessageLength(frame: Buffer, offset = 0): number {
  return readUint24(frame, offset + HeaderOffset.LENGTH);
}
export function readCommandFlags(frame: Buffer): number {
  return frame[HeaderOffset.FLAGS]!;
}
export function readCommandCode(frame: Buffer): number {
  return readUint24(frame, HeaderOffset.COMMAND_CODE);
}
export function readApplicationId(frame: Buffer): number {
  return frame.readUInt32BE(HeaderOffset.APPLICATION_ID);
}
export function readHopByHop(frame: Buffer): number {
  return frame.readUInt32BE(HeaderOffset.HOP_BY_HOP);
}
export function readEndToEnd(frame: Buffer): number {
  return frame.readUInt32BE(HeaderOffset.END_TO_END);
}
