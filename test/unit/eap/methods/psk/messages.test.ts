import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Eax } from '../../../../../src/eap/crypto/eax.js';
import { PskResult } from '../../../../../src/eap/methods/psk/constants.js';
import {
  buildPsk1,
  buildPsk2,
  buildPsk3,
  buildPsk4,
  parsePsk1,
  parsePsk2,
  parsePsk3,
  parsePsk4,
} from '../../../../../src/eap/methods/psk/messages.js';
import {
  openPchannel,
  pchannelContent,
  pchannelPlaintext,
} from '../../../../../src/eap/methods/psk/pchannel.js';
import { parseEapPacket, type EapPacket } from '../../../../../src/eap/packet.js';
import { FREERADIUS, HOSTAPD } from '../../fixtures.js';

function packet(buf: Buffer): EapPacket {
  const p = parseEapPacket(buf);
  assert.ok(p.ok, 'test packet parses');
  return p.value;
}

// Offsets in PSK-3: header 22, MAC_S 16, Nonce 4, Tag 16, then the encrypted octet.
const PSK3_TAG = 42;
const PSK3_DATA = 58;
// Offsets in PSK-4: header 22, Nonce 4, Tag 16, then the encrypted octet.
const PSK4_NONCE = 22;
const PSK4_TAG = 26;
const PSK4_DATA = 42;

describe('EAP-PSK messages (RFC 4764 §5)', () => {
  test('builds the FreeRADIUS PSK-3 with the known tag and encrypted R octet', () => {
    const eax = new Eax(FREERADIUS.tek);
    const p = buildPsk3(
      FREERADIUS.psk3.identifier,
      FREERADIUS.randS,
      FREERADIUS.macS,
      eax,
      0,
      pchannelPlaintext(PskResult.DoneSuccess),
    );
    assert.equal(p.length, FREERADIUS.psk3.length);
    assert.equal(p.readUInt16BE(2), FREERADIUS.psk3.length);
    assert.deepEqual(p.subarray(PSK3_TAG, PSK3_DATA), FREERADIUS.psk3.tag);
    assert.equal(p[PSK3_DATA], FREERADIUS.psk3.encrypted);
  });

  test('builds the FreeRADIUS PSK-4 with Nonce 1, the known tag and encrypted R octet', () => {
    const eax = new Eax(FREERADIUS.tek);
    const p = buildPsk4(
      FREERADIUS.psk4.identifier,
      FREERADIUS.randS,
      eax,
      FREERADIUS.psk4.nonce,
      pchannelPlaintext(PskResult.DoneSuccess),
    );
    assert.equal(p.length, FREERADIUS.psk4.length);
    assert.equal(p.readUInt32BE(PSK4_NONCE), 1);
    assert.deepEqual(p.subarray(PSK4_TAG, PSK4_DATA), FREERADIUS.psk4.tag);
    assert.equal(p[PSK4_DATA], FREERADIUS.psk4.encrypted);
  });

  test('parses the hostapd capture PSK-1..PSK-4 into their fields', () => {
    const m1 = parsePsk1(packet(HOSTAPD.psk1));
    assert.ok(m1.ok);
    assert.deepEqual(m1.value.randS, HOSTAPD.randS);
    assert.equal(m1.value.idS.toString(), HOSTAPD.idS);
    const m2 = parsePsk2(packet(HOSTAPD.psk2));
    assert.ok(m2.ok);
    assert.deepEqual(m2.value.randP, HOSTAPD.randP);
    assert.deepEqual(m2.value.macP, HOSTAPD.macP);
    assert.equal(m2.value.idP.toString(), HOSTAPD.idP);
    const m3 = parsePsk3(packet(HOSTAPD.psk3));
    assert.ok(m3.ok);
    assert.deepEqual(m3.value.macS, HOSTAPD.macS);
    assert.equal(m3.value.pchannel.nonce, 0);
    const m4 = parsePsk4(packet(HOSTAPD.psk4));
    assert.ok(m4.ok);
    assert.equal(m4.value.pchannel.nonce, 1);
  });

  test('opens the hostapd capture PCHANNELs to R = DONE_SUCCESS under the TEK', () => {
    const eax = new Eax(HOSTAPD.tek);
    for (const [buf, parse] of [
      [HOSTAPD.psk3, parsePsk3],
      [HOSTAPD.psk4, parsePsk4],
    ] as const) {
      const m = parse(packet(buf));
      assert.ok(m.ok);
      const plain = openPchannel(eax, buf, m.value.pchannel);
      assert.ok(plain !== undefined);
      assert.deepEqual(pchannelContent(plain), { r: PskResult.DoneSuccess, e: false, extType: undefined });
    }
  });

  test('rebuilds the hostapd capture PSK-1 and PSK-2 byte for byte', () => {
    assert.deepEqual(buildPsk1(0xcb, HOSTAPD.randS, Buffer.from(HOSTAPD.idS)), HOSTAPD.psk1);
    const m2 = parsePsk2(packet(HOSTAPD.psk2));
    assert.ok(m2.ok);
    assert.deepEqual(buildPsk2(0xcb, m2.value), HOSTAPD.psk2);
  });

  test('refuses a message with the wrong T, a short body or an empty ID_P', () => {
    assert.equal(parsePsk2(packet(HOSTAPD.psk1)).ok, false);
    assert.equal(parsePsk4(packet(HOSTAPD.psk3)).ok, false);
    const short = Buffer.from(HOSTAPD.psk4.subarray(0, 42));
    short.writeUInt16BE(42, 2);
    assert.equal(parsePsk4(packet(short)).ok, false);
    const noIdP = Buffer.from(HOSTAPD.psk2.subarray(0, 54));
    noIdP.writeUInt16BE(54, 2);
    assert.equal(parsePsk2(packet(noIdP)).ok, false);
  });

  test('encodes an E flag with EXT type and decodes it back', () => {
    const plain = pchannelPlaintext(PskResult.DoneFailure, { type: 2, payload: Buffer.alloc(0) });
    assert.deepEqual(plain, Buffer.from([0xe0, 2]));
    assert.deepEqual(pchannelContent(plain), { r: PskResult.DoneFailure, e: true, extType: 2 });
  });
});
