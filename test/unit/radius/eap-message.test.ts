import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RadiusAttr } from '../../../src/radius/constants.js';
import { eapMessageAttributes, reassembleEapMessage } from '../../../src/radius/eap-message.js';
import { buildAccessRequest } from '../../../src/radius/packet-builder.js';
import { RadiusPacket } from '../../../src/radius/packet.js';
import { SECRET } from './fixtures.js';

const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

function roundTrip(eap: Buffer, between: boolean = false): Buffer | undefined {
  const parts = eapMessageAttributes(eap);
  const attributes = between
    ? parts.flatMap((p) => [p, { type: RadiusAttr.NasIdentifier, value: Buffer.from('ap') }])
    : parts;
  const result = RadiusPacket.parse(buildAccessRequest({ identifier: 1, secret: SECRET, attributes }));
  assert.ok(result.ok);
  return reassembleEapMessage(result.packet);
}

describe('EAP-Message splitting (RFC 3579 §3.1)', () => {
  for (const [size, expected] of [
    [1, [1]],
    [253, [253]],
    [254, [253, 1]],
    [506, [253, 253]],
    [507, [253, 253, 1]],
  ] as const) {
    test(`splits a ${size}-octet EAP packet into attributes of ${expected.join('+')} octets`, () => {
      const parts = eapMessageAttributes(bytes(size));
      assert.deepEqual(
        parts.map((p) => p.value.length),
        expected,
      );
      assert.ok(parts.every((p) => p.type === RadiusAttr.EapMessage));
      assert.deepEqual(roundTrip(bytes(size)), bytes(size));
    });
  }

  test('sends EAP-Start as one empty EAP-Message', () => {
    const parts = eapMessageAttributes(Buffer.alloc(0));
    assert.equal(parts.length, 1);
    assert.equal(parts[0]?.value.length, 0);
    assert.deepEqual(roundTrip(Buffer.alloc(0)), Buffer.alloc(0));
  });

  test('reassembles in wire order even with other attributes in between', () => {
    assert.deepEqual(roundTrip(bytes(600), true), bytes(600));
  });

  test('returns undefined when there is no EAP-Message', () => {
    const result = RadiusPacket.parse(buildAccessRequest({ identifier: 1, secret: SECRET, attributes: [] }));
    assert.ok(result.ok);
    assert.equal(reassembleEapMessage(result.packet), undefined);
  });

  test('returns a view of the datagram for a single attribute', () => {
    const frame = buildAccessRequest({
      identifier: 1,
      secret: SECRET,
      attributes: eapMessageAttributes(bytes(10)),
    });
    const result = RadiusPacket.parse(frame);
    assert.ok(result.ok);
    const eap = reassembleEapMessage(result.packet);
    assert.equal(eap?.buffer, frame.buffer);
  });
});
