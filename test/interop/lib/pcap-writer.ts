import type { Rig } from './rig.js';
import { requireTool } from './tools.js';

/** Where text2pcap puts a payload: TCP or UDP between two ports (it invents the addresses). */
export interface PcapPayload {
  readonly transport: 'tcp' | 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly bytes: Buffer;
}

const BYTES_PER_LINE = 16;
const OFFSET_DIGITS = 6;
const TIMEOUT_MS = 30_000;

/** text2pcap's input format: offset then hex bytes, 16 a line; offset 0 starts a new packet. */
function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += BYTES_PER_LINE) {
    const row = [...bytes.subarray(offset, offset + BYTES_PER_LINE)].map((b) =>
      b.toString(16).padStart(2, '0'),
    );
    lines.push(`${offset.toString(16).padStart(OFFSET_DIGITS, '0')} ${row.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes one single-packet pcap with text2pcap (a crafted Diameter or RADIUS message on the given
 * ports): lets tests prove what the tshark checker flags without a live peer. Returns the file.
 */
export async function writePcap(rig: Rig, name: string, payload: PcapPayload): Promise<string> {
  const hexFile = rig.writeFile(`${name}.hex`, hexDump(payload.bytes));
  const pcap = rig.path(`${name}.pcap`);
  const ports = `${payload.srcPort},${payload.dstPort}`;
  const { exit, log } = await rig.run(
    {
      name: `text2pcap-${name}`,
      command: requireTool('text2pcap'),
      args: ['-q', payload.transport === 'tcp' ? '-T' : '-u', ports, hexFile, pcap],
    },
    TIMEOUT_MS,
  );
  if (exit.code !== 0) throw new Error(`text2pcap failed (${exit.code}): ${log}`);
  return pcap;
}
