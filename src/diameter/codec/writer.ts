import { AvpType } from '../dict/avp-type.js';
import type { Dictionary } from '../dict/dictionary.js';
import { AvpFlag } from '../dict/model.js';
import { encodeAddress } from './address.js';
import { NTP_UNIX_OFFSET_SECONDS } from './avp-view.js';
import {
  AVP_HEADER_LENGTH,
  AVP_VENDOR_HEADER_LENGTH,
  AvpOffset,
  DIAMETER_VERSION,
  HEADER_LENGTH,
  HeaderOffset,
  UINT24_MAX,
  pad4,
  writeUint24,
} from './header.js';

/** A value: Buffer = octets, string = UTF-8, number = 32-bit integer, bigint = 64-bit, array = Grouped. */
export type AvpValue = Buffer | string | number | bigint | readonly AvpSpec[];

export interface ValueAvpSpec {
  readonly code: number;
  readonly vendorId?: number;
  /** AVP flags; default M. V is always derived from vendorId. */
  readonly flags?: number;
  readonly value: AvpValue;
}
/** An AVP copied byte for byte (Proxy-Info, Failed-AVP content, State echo). */
export interface RawAvpSpec {
  readonly raw: Buffer;
}
export type AvpSpec = ValueAvpSpec | RawAvpSpec;

export interface MessageSpec {
  readonly commandCode: number;
  readonly applicationId: number;
  /** CommandFlag bits. */
  readonly flags: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
  readonly avps: readonly AvpSpec[];
}

export interface AvpOptions {
  readonly vendorId?: number;
  readonly flags?: number;
}

const U32_BYTES = 4;
const U64_BYTES = 8;
const INT32_MIN = -0x80000000;
const UINT32_LIMIT = 0x100000000;
const MS_PER_S = 1000;
const DEFAULT_FLAGS = AvpFlag.M;

function isRaw(s: AvpSpec): s is RawAvpSpec {
  return 'raw' in s;
}

function dataSize(v: AvpValue): number {
  if (typeof v === 'number') return U32_BYTES;
  if (typeof v === 'bigint') return U64_BYTES;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Buffer.isBuffer(v)) return v.length;
  let n = 0;
  for (const c of v as readonly AvpSpec[]) n += avpSize(c);
  return n;
}

/** Padded size of one AVP on the wire. */
export function avpSize(s: AvpSpec): number {
  if (isRaw(s)) return pad4(s.raw.length);
  const header = s.vendorId ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
  return pad4(header + dataSize(s.value));
}

/** Zeroes the (at most 3) padding octets [from, to): a loop, cheaper than Buffer#fill's checks. */
function zeroPadding(buf: Buffer, from: number, to: number): void {
  for (let i = from; i < to; i++) buf[i] = 0;
}

function writeAvp(buf: Buffer, off: number, s: AvpSpec): number {
  if (isRaw(s)) {
    buf.set(s.raw, off);
    const padded = off + pad4(s.raw.length);
    zeroPadding(buf, off + s.raw.length, padded);
    return padded;
  }
  const vendor = s.vendorId ?? 0;
  const header = vendor !== 0 ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
  const v = s.value;
  const size = dataSize(v);
  const length = header + size;
  if (length > UINT24_MAX) throw new RangeError(`AVP ${s.code} too long (${length})`);
  const flags =
    vendor !== 0 ? (s.flags ?? DEFAULT_FLAGS) | AvpFlag.V : (s.flags ?? DEFAULT_FLAGS) & ~AvpFlag.V;
  buf.writeUInt32BE(s.code, off + AvpOffset.CODE);
  buf[off + AvpOffset.FLAGS] = flags;
  writeUint24(buf, off + AvpOffset.LENGTH, length);
  if (vendor !== 0) buf.writeUInt32BE(vendor, off + AvpOffset.VENDOR_ID);
  const d = off + header;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < INT32_MIN || v >= UINT32_LIMIT)
      throw new RangeError(`AVP ${s.code}: ${v} is not a 32-bit integer`);
    if (v < 0) buf.writeInt32BE(v, d);
    else buf.writeUInt32BE(v, d);
  } else if (typeof v === 'bigint') {
    if (v < 0n) buf.writeBigInt64BE(v, d);
    else buf.writeBigUInt64BE(v, d);
  } else if (typeof v === 'string') buf.write(v, d, 'utf8');
  else if (Buffer.isBuffer(v)) buf.set(v, d);
  else {
    let o = d;
    for (const c of v as readonly AvpSpec[]) o = writeAvp(buf, o, c);
  }
  const padded = off + pad4(length);
  zeroPadding(buf, off + length, padded);
  return padded;
}

/** Encodes AVPs alone (e.g. a Failed-AVP payload) into one exact-size Buffer. */
export function encodeAvps(avps: readonly AvpSpec[]): Buffer {
  let n = 0;
  for (const a of avps) n += avpSize(a);
  const buf = Buffer.allocUnsafe(n);
  let off = 0;
  for (const a of avps) off = writeAvp(buf, off, a);
  return buf;
}

/** Encodes a message: sizes first, then one allocation and one pass of writes (RFC 6733 §3). */
export function encodeMessage(m: MessageSpec): Buffer {
  let length = HEADER_LENGTH;
  for (const a of m.avps) length += avpSize(a);
  if (length > UINT24_MAX) throw new RangeError(`message too long (${length})`);
  const buf = Buffer.allocUnsafe(length);
  buf[HeaderOffset.VERSION] = DIAMETER_VERSION;
  writeUint24(buf, HeaderOffset.LENGTH, length);
  buf[HeaderOffset.FLAGS] = m.flags;
  if (!Number.isInteger(m.commandCode) || m.commandCode < 0 || m.commandCode > UINT24_MAX)
    throw new RangeError(`command code ${m.commandCode} is not a 24-bit value`);
  writeUint24(buf, HeaderOffset.COMMAND_CODE, m.commandCode);
  buf.writeUInt32BE(m.applicationId, HeaderOffset.APPLICATION_ID);
  buf.writeUInt32BE(m.hopByHop, HeaderOffset.HOP_BY_HOP);
  buf.writeUInt32BE(m.endToEnd, HeaderOffset.END_TO_END);
  let off = HEADER_LENGTH;
  for (const a of m.avps) off = writeAvp(buf, off, a);
  return buf;
}

function spec(code: number, value: AvpValue, o: AvpOptions | undefined): ValueAvpSpec {
  // The common case (no options) allocates one small object of one shape.
  if (o === undefined) return { code, value };
  return {
    code,
    value,
    ...(o?.vendorId !== undefined ? { vendorId: o.vendorId } : {}),
    ...(o?.flags !== undefined ? { flags: o.flags } : {}),
  };
}

// Typed helpers (RFC 6733 §4.2, §4.3). Default flags: M.
export function u32(code: number, v: number, o?: AvpOptions): ValueAvpSpec {
  if (!Number.isInteger(v) || v < 0 || v >= UINT32_LIMIT) throw new RangeError(`u32: ${v}`);
  return spec(code, v, o);
}
export function i32(code: number, v: number, o?: AvpOptions): ValueAvpSpec {
  if (!Number.isInteger(v) || v < INT32_MIN || v > -INT32_MIN - 1) throw new RangeError(`i32: ${v}`);
  const b = Buffer.allocUnsafe(U32_BYTES);
  b.writeInt32BE(v, 0);
  return spec(code, b, o);
}
export function u64(code: number, v: bigint, o?: AvpOptions): ValueAvpSpec {
  const b = Buffer.allocUnsafe(U64_BYTES);
  b.writeBigUInt64BE(v, 0);
  return spec(code, b, o);
}
export function i64(code: number, v: bigint, o?: AvpOptions): ValueAvpSpec {
  const b = Buffer.allocUnsafe(U64_BYTES);
  b.writeBigInt64BE(v, 0);
  return spec(code, b, o);
}
export function f32(code: number, v: number, o?: AvpOptions): ValueAvpSpec {
  const b = Buffer.allocUnsafe(U32_BYTES);
  b.writeFloatBE(v, 0);
  return spec(code, b, o);
}
export function f64(code: number, v: number, o?: AvpOptions): ValueAvpSpec {
  const b = Buffer.allocUnsafe(U64_BYTES);
  b.writeDoubleBE(v, 0);
  return spec(code, b, o);
}
export function utf8(code: number, s: string, o?: AvpOptions): ValueAvpSpec {
  return spec(code, s, o);
}
export function octets(code: number, b: Buffer, o?: AvpOptions): ValueAvpSpec {
  return spec(code, b, o);
}
/** RFC 6733 §4.3.1 Address from '192.0.2.1' or '2001:db8::1'. */
export function address(code: number, ip: string, o?: AvpOptions): ValueAvpSpec {
  return spec(code, encodeAddress(ip), o);
}
/** RFC 6733 §4.3.1 Time: NTP seconds. */
export function time(code: number, d: Date, o?: AvpOptions): ValueAvpSpec {
  return u32(code, Math.floor(d.getTime() / MS_PER_S) + NTP_UNIX_OFFSET_SECONDS, o);
}
export function grouped(code: number, children: readonly AvpSpec[], o?: AvpOptions): ValueAvpSpec {
  return spec(code, children, o);
}
export function raw(avp: Buffer): RawAvpSpec {
  return { raw: avp };
}

/** A value for `avp()`: what fits the dictionary type (an enum name is accepted for Enumerated). */
export type DictValue = AvpValue | Date;

/**
 * Dictionary-aware AVP: code, vendor, flags (the "MUST" column) and encoding from the dictionary.
 * A value that does not fit the type is a programming error and throws a TypeError.
 */
export function avp(dict: Dictionary, name: string, value: DictValue): ValueAvpSpec {
  const d = dict.avpByName(name);
  const o: AvpOptions = { vendorId: d.vendorId, flags: d.mustFlags };
  const bad = (): never => {
    throw new TypeError(`avp(${name}): value does not fit type ${d.type}`);
  };
  switch (d.type) {
    case AvpType.Unsigned32:
      return typeof value === 'number' ? u32(d.code, value, o) : bad();
    case AvpType.Integer32:
      return typeof value === 'number' ? i32(d.code, value, o) : bad();
    case AvpType.Enumerated: {
      const n = typeof value === 'string' ? d.values.get(value) : value;
      return typeof n === 'number' ? i32(d.code, n, o) : bad();
    }
    case AvpType.Unsigned64:
      return typeof value === 'bigint'
        ? u64(d.code, value, o)
        : typeof value === 'number'
          ? u64(d.code, BigInt(value), o)
          : bad();
    case AvpType.Integer64:
      return typeof value === 'bigint'
        ? i64(d.code, value, o)
        : typeof value === 'number'
          ? i64(d.code, BigInt(value), o)
          : bad();
    case AvpType.Float32:
      return typeof value === 'number' ? f32(d.code, value, o) : bad();
    case AvpType.Float64:
      return typeof value === 'number' ? f64(d.code, value, o) : bad();
    case AvpType.Time:
      return value instanceof Date ? time(d.code, value, o) : bad();
    case AvpType.Address:
      return typeof value === 'string'
        ? address(d.code, value, o)
        : Buffer.isBuffer(value)
          ? octets(d.code, value, o)
          : bad();
    case AvpType.Grouped:
      return Array.isArray(value) ? grouped(d.code, value as readonly AvpSpec[], o) : bad();
    default:
      // OctetString and the string-derived types (UTF8String, DiameterIdentity, DiameterURI, *FilterRule).
      return typeof value === 'string' || Buffer.isBuffer(value) ? spec(d.code, value, o) : bad();
  }
}
