import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildFailure,
  buildIdentity,
  buildNak,
  buildSuccess,
  EapCode,
  EapType,
  identityText,
  nextIdentifier,
  parseEapPacket,
} from '../../../src/eap/packet.js';
import { HOSTAPD, hex } from './fixtures.js';

describe('EAP packets (RFC 3748 §4)', () => {
  test('parses a Request with its Type and zero-copy Type-Data', () => {
    const p = parseEapPacket(HOSTAPD.psk1);
    assert.ok(p.ok);
    assert.equal(p.value.code, EapCode.Request);
    assert.equal(p.value.identifier, 0xcb);
    assert.equal(p.value.type, EapType.Psk);
    assert.equal(p.value.typeData.buffer, HOSTAPD.psk1.buffer);
    assert.equal(p.value.typeData.length, HOSTAPD.psk1.length - 5);
  });

  test('ignores octets beyond Length as link-layer padding (§4)', () => {
    const padded = Buffer.concat([HOSTAPD.success, Buffer.alloc(3)]);
    const p = parseEapPacket(padded);
    assert.ok(p.ok);
    assert.equal(p.value.raw.length, 4);
  });

  test('returns an error, never throws, for short, truncated or unknown-code packets', () => {
    for (const bad of [
      hex(''),
      hex('0201'),
      hex('020100'),
      hex('05010004'),
      hex('02010009 01'),
      hex('02010003'),
      hex('02010004'),
      hex('03010005 00'),
    ]) {
      const p = parseEapPacket(bad);
      assert.equal(p.ok, false, bad.toString('hex'));
    }
  });

  test('builds Success and Failure with Length 4 and the given Identifier', () => {
    assert.deepEqual(buildSuccess(0xcc), hex('03cc0004'));
    assert.deepEqual(buildFailure(7), hex('04070004'));
  });

  test('builds Identity and Nak packets that parse back', () => {
    const id = parseEapPacket(buildIdentity(EapCode.Response, 9, 'dev@example.org'));
    assert.ok(id.ok);
    assert.equal(identityText(id.value.typeData), 'dev@example.org');
    const nak = parseEapPacket(buildNak(10, [EapType.Psk]));
    assert.ok(nak.ok);
    assert.equal(nak.value.type, EapType.Nak);
    assert.deepEqual([...nak.value.typeData], [EapType.Psk]);
    assert.deepEqual(buildIdentity(EapCode.Request, 1), hex('0101000501'));
  });

  test('cuts the identity at a NUL (RFC 4284 network selection hints)', () => {
    assert.equal(identityText(Buffer.from('user@realm\0NAIRealms=x')), 'user@realm');
  });

  test('wraps the Identifier modulo 256', () => {
    assert.equal(nextIdentifier(0xff), 0);
    assert.equal(nextIdentifier(0xca), 0xcb);
  });
});
