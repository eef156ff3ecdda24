import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RadiusAttr, RadiusCode } from '../../../src/radius/constants.js';
import { RadiusPacket, RadiusParseError } from '../../../src/radius/packet.js';
import { accessRequest, identityResponse } from './fixtures.js';
import { RFC2865_7_1_REQUEST } from './rfc2865-examples.js';

function header(code: number, identifier: number, length: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const buf = Buffer.alloc(20 + body.length);
  buf[0] = code;
  buf[1] = identifier;
  buf.writeUInt16BE(length, 2);
  body.copy(buf, 20);
  return buf;
}

describe('RadiusPacket.parse', () => {
  test('reads the RFC 2865 §7.1 Access-Request field by field', () => {
    const result = RadiusPacket.parse(RFC2865_7_1_REQUEST);
    assert.ok(result.ok);
    const p = result.packet;
    assert.equal(p.code, RadiusCode.AccessRequest);
    assert.equal(p.identifier, 0);
    assert.equal(p.length, 56);
    assert.equal(p.authenticator.toString('hex'), '0f403f9473978057bd83d5cb98f4227a');
    assert.equal(p.get(RadiusAttr.UserName)?.toString(), 'nemo');
    assert.equal(p.get(RadiusAttr.NasIpAddress)?.toString('hex'), 'c0a80110');
    assert.equal(p.get(RadiusAttr.NasPort)?.readUInt32BE(0), 3);
    assert.deepEqual(
      p.attributes.map((a) => a.type),
      [RadiusAttr.UserName, RadiusAttr.UserPassword, RadiusAttr.NasIpAddress, RadiusAttr.NasPort],
    );
  });

  test('returns views into the datagram, not copies', () => {
    const datagram = Buffer.from(RFC2865_7_1_REQUEST);
    const result = RadiusPacket.parse(datagram);
    assert.ok(result.ok);
    datagram[22] = 0x4e; // 'n' → 'N' in User-Name
    assert.equal(result.packet.get(RadiusAttr.UserName)?.toString(), 'Nemo');
  });

  test('rejects datagrams shorter than the 20-octet header', () => {
    for (const n of [0, 1, 4, 19]) {
      const result = RadiusPacket.parse(Buffer.alloc(n));
      assert.deepEqual(result, { ok: false, error: RadiusParseError.TooShort, offset: 0 });
    }
  });

  test('rejects a Length field below 20 or above 4096', () => {
    for (const length of [0, 19, 4097, 0xffff]) {
      const datagram = header(
        RadiusCode.AccessRequest,
        1,
        length,
        Buffer.alloc(Math.max(0, Math.min(length, 5000) - 20)),
      );
      const result = RadiusPacket.parse(datagram);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.error, RadiusParseError.BadLength);
    }
  });

  test('rejects a Length field larger than the datagram (truncated packet)', () => {
    const result = RadiusPacket.parse(header(RadiusCode.AccessRequest, 1, 30, Buffer.from([1, 5, 0x61])));
    assert.equal(!result.ok && result.error, RadiusParseError.Truncated);
  });

  test('ignores octets past Length as padding (RFC 2865 §3)', () => {
    const datagram = Buffer.concat([RFC2865_7_1_REQUEST, Buffer.from([0xff, 0xff, 0xff])]);
    const result = RadiusPacket.parse(datagram);
    assert.ok(result.ok);
    assert.equal(result.packet.length, 56);
    assert.equal(result.packet.frame.length, 56);
    assert.equal(result.packet.attributes.length, 4);
  });

  test('rejects attributes with Length 0 or 1, or running past the packet', () => {
    for (const body of [[1, 0], [1, 1, 0x61], [1, 9, 0x61, 0x62], [1]]) {
      const b = Buffer.from(body);
      const result = RadiusPacket.parse(header(RadiusCode.AccessRequest, 1, 20 + b.length, b));
      assert.equal(!result.ok && result.error, RadiusParseError.BadAttribute, `body ${b.toString('hex')}`);
      assert.equal(!result.ok && result.offset, 20);
    }
  });

  test('accepts an attribute of Length 2 (empty EAP-Message is EAP-Start)', () => {
    const result = RadiusPacket.parse(
      header(RadiusCode.AccessRequest, 1, 22, Buffer.from([RadiusAttr.EapMessage, 2])),
    );
    assert.ok(result.ok);
    assert.equal(result.packet.get(RadiusAttr.EapMessage)?.length, 0);
  });

  test('finds all attributes of a type in wire order', () => {
    const eap = Buffer.concat([identityResponse(1, 'x'), Buffer.alloc(300, 7)]);
    eap.writeUInt16BE(eap.length, 2);
    const { datagram } = accessRequest({ identifier: 9, eap });
    const result = RadiusPacket.parse(datagram);
    assert.ok(result.ok);
    assert.deepEqual(
      result.packet.all(RadiusAttr.EapMessage).map((a) => a.value.length),
      [253, eap.length - 253],
    );
    assert.equal(result.packet.count(RadiusAttr.EapMessage), 2);
    assert.equal(result.packet.count(RadiusAttr.State), 0);
    assert.equal(result.packet.has(RadiusAttr.State), false);
    assert.deepEqual(
      result.packet.attributes.map((a) => a.type),
      [RadiusAttr.MessageAuthenticator, RadiusAttr.UserName, RadiusAttr.EapMessage, RadiusAttr.EapMessage],
    );
  });

  test('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const result = RadiusPacket.parse(Buffer.from(bytes));
        if (result.ok) {
          // Whatever parses must describe itself consistently.
          const p = result.packet;
          assert.ok(p.length >= 20 && p.length <= 4096);
          assert.equal(
            p.attributes.reduce((n, a) => n + 2 + a.value.length, 20),
            p.length,
          );
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('never throws on valid packets with corrupted octets or a forged Length', () => {
    const { datagram } = accessRequest({ identifier: 3, eap: identityResponse(1, 'device@example') });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: datagram.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        }),
        fc.nat({ max: datagram.length }),
        (edits, cut) => {
          const copy = Buffer.from(datagram.subarray(0, Math.max(cut, 1)));
          for (const [at, v] of edits) if (at < copy.length) copy[at] = v;
          RadiusPacket.parse(copy);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
