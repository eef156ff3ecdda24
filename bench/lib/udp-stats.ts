import { readFileSync } from 'node:fs';

/**
 * UDP datagrams the kernel dropped because a socket's receive buffer was full (RcvbufErrors of
 * /proc/net/snmp). System-wide: read it before and after a step and take the difference.
 */
export function udpReceiveBufferErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'latin1')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.split(' ') ?? [];
  const values = lines[1]?.split(' ') ?? [];
  const at = names.indexOf('RcvbufErrors');
  return at < 0 ? 0 : Number(values[at] ?? 0);
}
