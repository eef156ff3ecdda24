import { isIPv4, isIPv6 } from 'node:net';
import { AddressFamily } from './avp-view.js';

const FAMILY_BYTES = 2;
const IPV4_BYTES = 4;
const IPV6_BYTES = 16;
const IPV6_GROUPS = 8;
const GROUP_BYTES = 2;
const HEX = 16;
const DECIMAL = 10;

function writeIPv4(out: Buffer, off: number, text: string): void {
  const parts = text.split('.');
  for (let i = 0; i < IPV4_BYTES; i++) out[off + i] = Number.parseInt(parts[i]!, DECIMAL);
}

/** RFC 6733 §4.3.1 Address data: AddressType (IANA family) followed by the address octets. */
export function encodeAddress(text: string): Buffer {
  if (isIPv4(text)) {
    const out = Buffer.alloc(FAMILY_BYTES + IPV4_BYTES);
    out.writeUInt16BE(AddressFamily.IPv4, 0);
    writeIPv4(out, FAMILY_BYTES, text);
    return out;
  }
  if (!isIPv6(text)) throw new TypeError(`not an IP address: '${text}'`);
  const out = Buffer.alloc(FAMILY_BYTES + IPV6_BYTES);
  out.writeUInt16BE(AddressFamily.IPv6, 0);
  let s = text.split('%')[0]!;
  // An embedded IPv4 tail ('::ffff:192.0.2.1') becomes two hex groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 !== null) {
    const b = Buffer.alloc(IPV4_BYTES);
    writeIPv4(b, 0, v4[1]!);
    s =
      s.slice(0, -v4[1]!.length) +
      `${b.readUInt16BE(0).toString(HEX)}:${b.readUInt16BE(GROUP_BYTES).toString(HEX)}`;
  }
  const [head = '', rest] = s.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const r = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : IPV6_GROUPS - h.length - r.length;
  const groups = [...h, ...Array<string>(zeros).fill('0'), ...r];
  for (let i = 0; i < IPV6_GROUPS; i++)
    out.writeUInt16BE(Number.parseInt(groups[i] ?? '0', HEX), FAMILY_BYTES + i * GROUP_BYTES);
  return out;
}
