import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

const IPV4_MAPPED_PREFIX = '::ffff:';
const IP_V4 = 4;

/** `::ffff:192.0.2.1` → `192.0.2.1`; any other address unchanged. */
export function unmapIpv4(address: string): string {
  if (address.toLowerCase().startsWith(IPV4_MAPPED_PREFIX)) {
    const tail = address.slice(IPV4_MAPPED_PREFIX.length);
    if (isIP(tail) === IP_V4) return tail;
  }
  return address;
}

/**
 * Addresses to advertise as Host-IP-Address (RFC 6733 §5.3.5: one per local address that may be
 * used): every non-internal interface address of the connection's family, plus the socket's own
 * local address so a loopback connection still advertises a usable one. Link-local IPv6 addresses
 * are left out (they are meaningless without a zone to a remote peer).
 */
export function advertisedLocalAddresses(
  socketLocalAddress: string | undefined,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): string[] {
  const local = socketLocalAddress === undefined ? undefined : unmapIpv4(socketLocalAddress);
  const family = local !== undefined && isIP(local) === IP_V4 ? 'IPv4' : 'IPv6';
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) {
      if (info.internal || info.family !== family) continue;
      if (family === 'IPv6' && info.address.toLowerCase().startsWith('fe80:')) continue;
      if (!out.includes(info.address)) out.push(info.address);
    }
  }
  if (local !== undefined && isIP(local) !== 0 && !out.includes(local)) out.push(local);
  return out;
}
