import { AvpFlag } from '../dict/model.js';
import { AVP_HEADER_LENGTH, AVP_VENDOR_HEADER_LENGTH, AvpOffset, pad4, readUint24 } from './header.js';

/** RFC 6733 §4.3.1 Address family numbers (IANA). */
export const AddressFamily = { IPv4: 1, IPv6: 2 } as const;
const ADDRESS_FAMILY_BYTES = 2;
const IPV4_BYTES = 4;
const IPV6_BYTES = 16;
const IPV6_GROUP_BYTES = 2;
const HEX = 16;
/** RFC 6733 §4.3.1 Time: seconds since 1900-01-01 (NTP); 2208988800 s before the Unix epoch. */
export const NTP_UNIX_OFFSET_SECONDS = 2208988800;
const MS_PER_S = 1000;
const NO_VENDOR = 0;

/**
 * A zero-copy view of one AVP inside a frame. Nothing is decoded until read. The readers assume an
 * AVP the validator accepted; on other input they may throw a RangeError (never read out of bounds).
 */
export class AvpView {
  constructor(
    readonly frame: Buffer,
    readonly offset: number,
  ) {}

  get code(): number {
    return this.frame.readUInt32BE(this.offset + AvpOffset.CODE);
  }
  get flags(): number {
    return this.frame[this.offset + AvpOffset.FLAGS]!;
  }
  get isVendor(): boolean {
    return (this.flags & AvpFlag.V) !== 0;
  }
  get isMandatory(): boolean {
    return (this.flags & AvpFlag.M) !== 0;
  }
  get vendorId(): number {
    return this.isVendor ? this.frame.readUInt32BE(this.offset + AvpOffset.VENDOR_ID) : NO_VENDOR;
  }
  /** AVP Length: header + data, without padding (RFC 6733 §4.1). */
  get length(): number {
    return readUint24(this.frame, this.offset + AvpOffset.LENGTH);
  }
  get headerLength(): number {
    return this.isVendor ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
  }
  /** Offset of the AVP that follows (the padded end). */
  get end(): number {
    return this.offset + pad4(this.length);
  }
  /** The data bytes; shares memory with the frame: copy what outlives the request. */
  get data(): Buffer {
    return this.frame.subarray(this.offset + this.headerLength, this.offset + this.length);
  }
  /** The whole AVP (header + data, unpadded) for copy-through (Proxy-Info, Failed-AVP, State). */
  get raw(): Buffer {
    return this.frame.subarray(this.offset, this.offset + this.length);
  }

  asOctets(): Buffer {
    return this.data;
  }
  asUtf8(): string {
    // Decoded straight from the frame: no subarray object for a string read.
    return this.frame.toString('utf8', this.offset + this.headerLength, this.offset + this.length);
  }
  /** Whether the data bytes equal `other` (not constant-time: for public values such as State). */
  dataEquals(other: Buffer): boolean {
    const start = this.offset + this.headerLength;
    const end = this.offset + this.length;
    return end - start === other.length && this.frame.compare(other, 0, other.length, start, end) === 0;
  }
  asUnsigned32(): number {
    return this.frame.readUInt32BE(this.offset + this.headerLength);
  }
  asInteger32(): number {
    return this.frame.readInt32BE(this.offset + this.headerLength);
  }
  asUnsigned64(): bigint {
    return this.frame.readBigUInt64BE(this.offset + this.headerLength);
  }
  asInteger64(): bigint {
    return this.frame.readBigInt64BE(this.offset + this.headerLength);
  }
  asFloat32(): number {
    return this.frame.readFloatBE(this.offset + this.headerLength);
  }
  asFloat64(): number {
    return this.frame.readDoubleBE(this.offset + this.headerLength);
  }
  /** RFC 6733 §4.3.1 Time (NTP seconds; the 2036 wrap of §4.3.1 is not handled). */
  asTime(): Date {
    return new Date((this.asUnsigned32() - NTP_UNIX_OFFSET_SECONDS) * MS_PER_S);
  }
  /** RFC 6733 §4.3.1 Address as text ('192.0.2.1', '2001:db8:0:0:0:0:0:1'); other families as hex. */
  asAddress(): string {
    const d = this.data;
    const family = d.readUInt16BE(0);
    const a = d.subarray(ADDRESS_FAMILY_BYTES);
    if (family === AddressFamily.IPv4 && a.length === IPV4_BYTES) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
    if (family === AddressFamily.IPv6 && a.length === IPV6_BYTES) {
      const groups: string[] = [];
      for (let i = 0; i < IPV6_BYTES; i += IPV6_GROUP_BYTES) groups.push(a.readUInt16BE(i).toString(HEX));
      return groups.join(':');
    }
    return `${family}:${a.toString('hex')}`;
  }

  /** Grouped: the child AVPs (RFC 6733 §4.4). */
  *children(): IterableIterator<AvpView> {
    yield* iterateAvps(this.frame, this.offset + this.headerLength, this.offset + this.length);
  }
  /** Grouped: first child with that code and vendor. */
  find(code: number, vendorId = 0): AvpView | undefined {
    return findAvp(this.frame, this.offset + this.headerLength, this.offset + this.length, code, vendorId);
  }
  findAll(code: number, vendorId = 0): AvpView[] {
    return findAllAvps(
      this.frame,
      this.offset + this.headerLength,
      this.offset + this.length,
      code,
      vendorId,
    );
  }
}

function avpMatches(frame: Buffer, off: number, code: number, vendorId: number): boolean {
  if (frame.readUInt32BE(off + AvpOffset.CODE) !== code) return false;
  const vendor = (frame[off + AvpOffset.FLAGS]! & AvpFlag.V) !== 0;
  return vendor ? frame.readUInt32BE(off + AvpOffset.VENDOR_ID) === vendorId : vendorId === NO_VENDOR;
}

/**
 * Offset of the AVP after the one at `off` (its padded end), or +Infinity when the length field is
 * under the header size (unvalidated input must not loop forever). For hand-written AVP walks:
 * `for (let off = start; off + AVP_HEADER_LENGTH <= end; off = nextAvpOffset(frame, off))`.
 */
export function nextAvpOffset(frame: Buffer, off: number): number {
  return nextOffset(frame, off);
}

function nextOffset(frame: Buffer, off: number): number {
  const len = readUint24(frame, off + AvpOffset.LENGTH);
  // A length under the header size would loop forever on unvalidated input: stop the walk.
  return len < AVP_HEADER_LENGTH ? Number.POSITIVE_INFINITY : off + pad4(len);
}

/** AVPs in [start, end) of a frame. */
export function* iterateAvps(frame: Buffer, start: number, end: number): IterableIterator<AvpView> {
  for (let off = start; off + AVP_HEADER_LENGTH <= end; off = nextOffset(frame, off))
    yield new AvpView(frame, off);
}

export function findAvp(
  frame: Buffer,
  start: number,
  end: number,
  code: number,
  vendorId: number,
): AvpView | undefined {
  for (let off = start; off + AVP_HEADER_LENGTH <= end; off = nextOffset(frame, off)) {
    if (avpMatches(frame, off, code, vendorId)) return new AvpView(frame, off);
  }
  return undefined;
}

export function findAllAvps(
  frame: Buffer,
  start: number,
  end: number,
  code: number,
  vendorId: number,
): AvpView[] {
  const out: AvpView[] = [];
  for (let off = start; off + AVP_HEADER_LENGTH <= end; off = nextOffset(frame, off)) {
    if (avpMatches(frame, off, code, vendorId)) out.push(new AvpView(frame, off));
  }
  return out;
}
