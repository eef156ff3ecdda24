import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ChunkType,
  T_BIT,
  buildOotbAbort,
  inspectPacket,
  sctpChecksum,
  sealPacket,
} from '../../../../../src/diameter/transport/sctp/userspace/packet.js';

function packet(tag: number, ...chunks: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(5000, 0);
  header.writeUInt16BE(3868, 2);
  header.writeUInt32BE(tag, 4);
  return sealPacket(Buffer.concat([header, ...chunks]));
}
function chunk(type: number, body: number[] = [], flags = 0): Buffer {
  const length = 4 + body.length;
  const out = Buffer.alloc(Math.ceil(length / 4) * 4);
  out[0] = type;
  out[1] = flags;
  out.writeUInt16BE(length, 2);
  Buffer.from(body).copy(out, 4);
  return out;
}

describe('inspectPacket (RFC 9260 §3, §6.8, §6.10)', () => {
  test('accepts a SACK packet and reports ports, tag and chunk types', () => {
    const r = inspectPacket(packet(77, chunk(ChunkType.SACK, Array(12).fill(0))));
    assert.ok(r.ok);
    assert.equal(r.info.sourcePort, 5000);
    assert.equal(r.info.destinationPort, 3868);
    assert.equal(r.info.verificationTag, 77);
    assert.deepEqual(r.info.chunkTypes, [ChunkType.SACK]);
  });
  test('drops a packet whose checksum is wrong', () => {
    const p = packet(1, chunk(ChunkType.SACK, Array(12).fill(0)));
    p[20]! ^= 1;
    assert.deepEqual(inspectPacket(p), { ok: false, reason: 'bad checksum' });
  });
  test('drops a zero-length chunk and a chunk running past the packet', () => {
    assert.equal(inspectPacket(packet(1, Buffer.from([0, 0, 0, 0]))).ok, false);
    assert.equal(inspectPacket(packet(1, Buffer.from([3, 0, 0, 40, 0, 0, 0, 0]))).ok, false);
  });
  test('drops INIT bundled with another chunk or with a non-zero tag', () => {
    assert.equal(
      inspectPacket(packet(0, chunk(ChunkType.INIT, Array(16).fill(1)), chunk(ChunkType.COOKIE_ACK))).ok,
      false,
    );
    assert.deepEqual(inspectPacket(packet(9, chunk(ChunkType.INIT, Array(16).fill(1)))), {
      ok: false,
      reason: 'INIT with non-zero tag',
    });
  });
  test('drops the packet for an unknown chunk whose high bit says stop; removes one that says skip', () => {
    assert.equal(inspectPacket(packet(1, chunk(0x3f), chunk(ChunkType.COOKIE_ACK))).ok, false);
    const r = inspectPacket(packet(1, chunk(0xbf, [1, 2, 3]), chunk(ChunkType.COOKIE_ACK)));
    assert.ok(r.ok);
    assert.deepEqual(r.info.chunkTypes, [ChunkType.COOKIE_ACK]);
    assert.equal(r.info.packet.length, 16);
    assert.equal(r.info.packet.readUInt32LE(8), sctpChecksum(r.info.packet), 'rebuilt packet is resealed');
  });
  test('never throws on arbitrary bytes, sealed or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, seal) => {
        const p = Buffer.from(bytes);
        if (seal && p.length >= 12) sealPacket(p);
        const r = inspectPacket(p);
        assert.equal(typeof r.ok, 'boolean');
      }),
    );
  });
});

describe('buildOotbAbort (RFC 9260 §8.4)', () => {
  test('reflects the tag with the T bit and swaps the ports', () => {
    const received = inspectPacket(packet(0xdeadbeef, chunk(ChunkType.DATA, Array(16).fill(0))));
    assert.ok(received.ok);
    const abort = inspectPacket(buildOotbAbort(received.info));
    assert.ok(abort.ok);
    assert.equal(abort.info.sourcePort, 3868);
    assert.equal(abort.info.destinationPort, 5000);
    assert.equal(abort.info.verificationTag, 0xdeadbeef);
    assert.deepEqual(abort.info.chunkTypes, [ChunkType.ABORT]);
    assert.equal(abort.info.firstChunkFlags & T_BIT, T_BIT);
  });
});
