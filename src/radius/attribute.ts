// Attributes to send, and the RFC 2865 §5 data types eapd reads and writes.
import { MAX_ATTRIBUTE_VALUE_LENGTH } from './constants.js';

/** An attribute to put in a packet: the builder writes Type, Length and `value`. */
export interface RadiusAttribute {
  readonly type: number;
  readonly value: Buffer;
}

const INTEGER_LENGTH = 4;
const IPV4_LENGTH = 4;
const IPV6_LENGTH = 16;

/** RFC 2865 §5 "integer": 32-bit unsigned, network byte order. */
export function integerAttribute(type: number, value: number): RadiusAttribute {
  const buf = Buffer.allocUnsafe(INTEGER_LENGTH);
  buf.writeUInt32BE(value);
  return { type, value: buf };
}

/** RFC 2865 §5 "text": UTF-8. Throws RangeError past 253 octets (our own output only). */
export function textAttribute(type: number, text: string): RadiusAttribute {
  const value = Buffer.from(text, 'utf8');
  if (value.length > MAX_ATTRIBUTE_VALUE_LENGTH)
    throw new RangeError(`attribute ${type}: text longer than 253 octets`);
  return { type, value };
}

/** Reads an "integer" value; undefined unless exactly four octets. */
export function readInteger(value: Buffer | undefined): number | undefined {
  return value?.length === INTEGER_LENGTH ? value.readUInt32BE(0) : undefined;
}

/** Reads a "text" value as UTF-8 (invalid sequences become U+FFFD; never throws). */
export function readText(value: Buffer | undefined): string | undefined {
  return value === undefined ? undefined : value.toString('utf8');
}

/** Reads an "address" value (RFC 2865 §5, NAS-IP-Address) as dotted quad. */
export function readIpv4(value: Buffer | undefined): string | undefined {
  if (value?.length !== IPV4_LENGTH) return undefined;
  return `${value[0]!}.${value[1]!}.${value[2]!}.${value[3]!}`;
}

/** Reads an "ipv6addr" value (RFC 3162 §2.1, NAS-IPv6-Address) in uncompressed colon form. */
export function readIpv6(value: Buffer | undefined): string | undefined {
  if (value?.length !== IPV6_LENGTH) return undefined;
  const groups: string[] = [];
  for (let i = 0; i < IPV6_LENGTH; i += 2) groups.push(value.readUInt16BE(i).toString(16));
  return groups.join(':');
}
