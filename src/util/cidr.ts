import { IPV6_BYTES, parseIpAddress } from './ip-address.js';
import { err, ok, type Result } from './result.js';

const BITS_PER_BYTE = 8;
const IPV6_BITS = 128;
const IPV4_BITS = 32;
/** An IPv4 prefix length n is the IPv4-mapped IPv6 prefix length 96 + n. */
const V4_MAPPED_PREFIX_BITS = IPV6_BITS - IPV4_BITS;

/** An address block; IPv4 blocks are held as IPv4-mapped IPv6 blocks (::ffff:0:0/96 + n). */
export interface Cidr {
  /** The network address (host bits cleared), 16 bytes. */
  readonly network: Buffer;
  /** Prefix length in IPv6 bits (an IPv4 /8 is 104 here). */
  readonly prefixBits: number;
  /** The text it was parsed from, for logs. */
  readonly text: string;
}

/**
 * Parses `192.0.2.0/24`, `2001:db8::/32`, `::ffff:127.0.0.0/104` or a bare address (a /32 or
 * /128). Host bits set below the prefix are cleared (`10.1.2.3/8` is `10.0.0.0/8`).
 */
export function parseCidr(text: string): Result<Cidr, string> {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.substring(0, slash);
  const address = parseIpAddress(addressText);
  if (address === undefined || addressText.includes('%')) {
    return err(`"${text}" is not an IP address or CIDR block (such as 192.0.2.0/24 or 2001:db8::/32)`);
  }
  const isV4Text = !addressText.includes(':');
  const maxBits = isV4Text ? IPV4_BITS : IPV6_BITS;
  let bits = maxBits;
  if (slash !== -1) {
    const lengthText = text.substring(slash + 1);
    if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > maxBits) {
      return err(`"${text}": prefix length must be a number from 0 to ${maxBits}`);
    }
    bits = Number(lengthText);
  }
  const prefixBits = isV4Text ? V4_MAPPED_PREFIX_BITS + bits : bits;
  return ok({ network: maskTo(address, prefixBits), prefixBits, text });
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6 text) lies inside `cidr`. */
export function cidrContains(cidr: Cidr, address: string | Buffer): boolean {
  const bytes = typeof address === 'string' ? parseIpAddress(address) : address;
  if (bytes === undefined || bytes.length !== IPV6_BYTES) return false;
  const whole = Math.floor(cidr.prefixBits / BITS_PER_BYTE);
  for (let i = 0; i < whole; i++) if (bytes[i] !== cidr.network[i]) return false;
  const rest = cidr.prefixBits % BITS_PER_BYTE;
  if (rest === 0) return true;
  const mask = (0xff << (BITS_PER_BYTE - rest)) & 0xff;
  return (bytes[whole]! & mask) === cidr.network[whole];
}

const LOOPBACK_BLOCKS: readonly Cidr[] = ['127.0.0.0/8', '::1/128'].map((t) => {
  const r = parseCidr(t);
  if (!r.ok) throw new Error(r.error);
  return r.value;
});

/**
 * True for 127.0.0.0/8 (RFC 1122 §3.2.1.3), its IPv4-mapped form ::ffff:127.0.0.0/104, and ::1
 * (RFC 4291 §2.5.3). Anything unparseable is not loopback.
 */
export function isLoopbackAddress(address: string): boolean {
  const bytes = parseIpAddress(address);
  return bytes !== undefined && LOOPBACK_BLOCKS.some((c) => cidrContains(c, bytes));
}

function maskTo(address: Buffer, prefixBits: number): Buffer {
  const out = Buffer.from(address);
  for (let bit = prefixBits; bit < IPV6_BITS; bit++) {
    const byte = Math.floor(bit / BITS_PER_BYTE);
    out[byte] = out[byte]! & ~(0x80 >> (bit % BITS_PER_BYTE));
  }
  return out;
}
