import { CRC32C_INIT, crc32cFinish, crc32cUpdate } from './crc32c.js';

/** RFC 9260 §3.1 common header: ports, verification tag, checksum. */
export const COMMON_HEADER_LENGTH = 12;
const SOURCE_PORT_OFFSET = 0;
const DESTINATION_PORT_OFFSET = 2;
const VERIFICATION_TAG_OFFSET = 4;
export const CHECKSUM_OFFSET = 8;
/** RFC 9260 §3.2 chunk header: type, flags, length. */
const CHUNK_HEADER_LENGTH = 4;
const CHUNK_LENGTH_OFFSET = 2;
const CHUNK_FLAGS_OFFSET = 1;
const CHUNK_ALIGNMENT = 4;
const ZERO_CHECKSUM = new Uint8Array(4);

/** RFC 9260 §3.2 chunk types (and RFC 6525 RE-CONFIG, RFC 3758 FORWARD-TSN). */
export const ChunkType = {
  DATA: 0,
  INIT: 1,
  INIT_ACK: 2,
  SACK: 3,
  HEARTBEAT: 4,
  HEARTBEAT_ACK: 5,
  ABORT: 6,
  SHUTDOWN: 7,
  SHUTDOWN_ACK: 8,
  ERROR: 9,
  COOKIE_ECHO: 10,
  COOKIE_ACK: 11,
  SHUTDOWN_COMPLETE: 14,
  RE_CONFIG: 130,
  FORWARD_TSN: 192,
} as const;
export type ChunkType = (typeof ChunkType)[keyof typeof ChunkType];

const KNOWN_CHUNKS = new Set<number>(Object.values(ChunkType));
/** RFC 9260 §3.2: the two high bits of an unknown type say whether to skip it or drop the packet. */
const UNKNOWN_CHUNK_SKIP_BIT = 0x80;
/** RFC 9260 §3.3.7 / §8.5.1: the T bit of ABORT and SHUTDOWN COMPLETE (tag reflected). */
export const T_BIT = 0x01;

export interface SctpPacketInfo {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly verificationTag: number;
  /** Chunk types in order, unknown-but-skippable chunks removed. */
  readonly chunkTypes: readonly number[];
  /** The first chunk's flags (T bit of an ABORT, for instance). */
  readonly firstChunkFlags: number;
  /** The packet to hand to the association: the input, or a copy without skipped chunks. */
  readonly packet: Buffer;
}

export type InspectResult =
  { readonly ok: true; readonly info: SctpPacketInfo } | { readonly ok: false; readonly reason: string };

export function sctpChecksum(packet: Buffer): number {
  let crc = crc32cUpdate(CRC32C_INIT, packet, 0, CHECKSUM_OFFSET);
  crc = crc32cUpdate(crc, ZERO_CHECKSUM);
  crc = crc32cUpdate(crc, packet, COMMON_HEADER_LENGTH);
  return crc32cFinish(crc);
}

/** Writes the CRC32c (stored little-endian, RFC 9260 Appendix A) into a finished packet. */
export function sealPacket(packet: Buffer): Buffer {
  packet.writeUInt32LE(sctpChecksum(packet), CHECKSUM_OFFSET);
  return packet;
}

/**
 * Checks everything about a received SCTP packet that the association code relies on, so that a
 * malformed packet is dropped here instead of reaching (and crashing) it: checksum (RFC 9260
 * §6.8), chunk lengths inside the packet and never zero (§3.2), INIT alone with tag 0 and
 * INIT/INIT ACK/SHUTDOWN COMPLETE never bundled (§6.10, §8.5.1), unknown chunks handled by
 * their high bits (§3.2: stop → drop the packet; skip → removed).
 */
export function inspectPacket(packet: Buffer): InspectResult {
  if (packet.length < COMMON_HEADER_LENGTH + CHUNK_HEADER_LENGTH)
    return { ok: false, reason: 'short packet' };
  if (packet.readUInt32LE(CHECKSUM_OFFSET) !== sctpChecksum(packet))
    return { ok: false, reason: 'bad checksum' };
  const chunkTypes: number[] = [];
  const skipped: Array<[number, number]> = [];
  let offset = COMMON_HEADER_LENGTH;
  while (offset < packet.length) {
    if (packet.length - offset < CHUNK_HEADER_LENGTH) return { ok: false, reason: 'truncated chunk header' };
    const type = packet[offset]!;
    const length = packet.readUInt16BE(offset + CHUNK_LENGTH_OFFSET);
    if (length < CHUNK_HEADER_LENGTH || offset + length > packet.length)
      return { ok: false, reason: `bad chunk length ${length}` };
    const padded = Math.min(packet.length - offset, Math.ceil(length / CHUNK_ALIGNMENT) * CHUNK_ALIGNMENT);
    if (KNOWN_CHUNKS.has(type)) chunkTypes.push(type);
    else if (type & UNKNOWN_CHUNK_SKIP_BIT) skipped.push([offset, offset + padded]);
    else return { ok: false, reason: `unknown chunk type ${type}` };
    offset += padded;
  }
  if (chunkTypes.length === 0) return { ok: false, reason: 'no chunk' };
  const verificationTag = packet.readUInt32BE(VERIFICATION_TAG_OFFSET);
  const alone = [ChunkType.INIT, ChunkType.INIT_ACK, ChunkType.SHUTDOWN_COMPLETE] as number[];
  if (chunkTypes.length > 1 && chunkTypes.some((t) => alone.includes(t)))
    return { ok: false, reason: 'bundled control chunk' };
  if (chunkTypes[0] === ChunkType.INIT && verificationTag !== 0)
    return { ok: false, reason: 'INIT with non-zero tag' };
  const firstFlags = packet[COMMON_HEADER_LENGTH + CHUNK_FLAGS_OFFSET]!;
  return {
    ok: true,
    info: {
      sourcePort: packet.readUInt16BE(SOURCE_PORT_OFFSET),
      destinationPort: packet.readUInt16BE(DESTINATION_PORT_OFFSET),
      verificationTag,
      chunkTypes,
      firstChunkFlags: skipped.length > 0 && firstChunkIsSkipped(skipped) ? 0 : firstFlags,
      packet: skipped.length === 0 ? packet : withoutRanges(packet, skipped),
    },
  };
}

function firstChunkIsSkipped(skipped: ReadonlyArray<[number, number]>): boolean {
  return skipped[0]?.[0] === COMMON_HEADER_LENGTH;
}

function withoutRanges(packet: Buffer, ranges: ReadonlyArray<[number, number]>): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (const [start, end] of ranges) {
    parts.push(packet.subarray(from, start));
    from = end;
  }
  parts.push(packet.subarray(from));
  return sealPacket(Buffer.concat(parts));
}

/**
 * An ABORT for an out-of-the-blue packet (RFC 9260 §8.4 item 8): the T bit is set and the
 * packet's own verification tag is reflected, so no TCB is needed.
 */
export function buildOotbAbort(received: SctpPacketInfo): Buffer {
  const chunkLength = CHUNK_HEADER_LENGTH;
  const packet = Buffer.alloc(COMMON_HEADER_LENGTH + chunkLength);
  packet.writeUInt16BE(received.destinationPort, SOURCE_PORT_OFFSET);
  packet.writeUInt16BE(received.sourcePort, DESTINATION_PORT_OFFSET);
  packet.writeUInt32BE(received.verificationTag, VERIFICATION_TAG_OFFSET);
  packet[COMMON_HEADER_LENGTH] = ChunkType.ABORT;
  packet[COMMON_HEADER_LENGTH + CHUNK_FLAGS_OFFSET] = T_BIT;
  packet.writeUInt16BE(chunkLength, COMMON_HEADER_LENGTH + CHUNK_LENGTH_OFFSET);
  return sealPacket(packet);
}
