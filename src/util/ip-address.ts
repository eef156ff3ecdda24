import { isIPv4, isIPv6 } from 'node:net';

/** Bytes in an IPv6 address; every address is held in this form, IPv4 as IPv4-mapped IPv6. */
export const IPV6_BYTES = 16;
const IPV4_BYTES = 4;
const IPV6_GROUPS = 8;
const GROUP_BYTES = 2;
const HEX = 16;
/** RFC 4291 §2.5.5.2: ::ffff:a.b.c.d — bytes 10 and 11 are 0xff, the IPv4 address follows. */
const MAPPED_PREFIX_END = 10;
const MAPPED_MARKER = 0xff;
const MAPPED_V4_OFFSET = 12;

/**
 * Parses an IPv4 or IPv6 address (an IPv6 zone such as `%eth0` is ignored) into 16 bytes, IPv4
 * addresses as IPv4-mapped IPv6 (RFC 4291 §2.5.5.2), so that `127.0.0.1` and `::ffff:127.0.0.1`
 * are the same address. Returns undefined for anything else (host names included).
 */
export function parseIpAddress(text: string): Buffer | undefined {
  if (isIPv4(text)) return mappedFromV4(text);
  if (!isIPv6(text)) return undefined;
  const zone = text.indexOf('%');
  return parseV6(zone === -1 ? text : text.substring(0, zone));
}

function mappedFromV4(text: string): Buffer {
  const out = Buffer.alloc(IPV6_BYTES);
  out[MAPPED_PREFIX_END] = MAPPED_MARKER;
  out[MAPPED_PREFIX_END + 1] = MAPPED_MARKER;
  writeV4(text, out, MAPPED_V4_OFFSET);
  return out;
}

function writeV4(text: string, out: Buffer, offset: number): void {
  const parts = text.split('.');
  for (let i = 0; i < IPV4_BYTES; i++) out[offset + i] = Number(parts[i]);
}

/** `text` has already been validated by net.isIPv6, so the grammar is known to be right. */
function parseV6(text: string): Buffer {
  const out = Buffer.alloc(IPV6_BYTES);
  const [headText, tailText] = text.split('::') as [string, string | undefined];
  const head = headText === '' ? [] : headText.split(':');
  const tail = tailText === undefined || tailText === '' ? [] : tailText.split(':');
  const groups = (parts: string[]): number => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  let offset = 0;
  const put = (part: string): void => {
    if (part.includes('.')) {
      writeV4(part, out, offset);
      offset += IPV4_BYTES;
    } else {
      out.writeUInt16BE(parseInt(part, HEX), offset);
      offset += GROUP_BYTES;
    }
  };
  head.forEach(put);
  offset += (IPV6_GROUPS - groups(head) - groups(tail)) * GROUP_BYTES;
  tail.forEach(put);
  return out;
}
