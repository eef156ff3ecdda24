import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Eax } from '../../../../../src/eap/crypto/eax.js';
import { PskResult } from '../../../../../src/eap/methods/psk/constants.js';
import {
  buildPsk3,
  buildPsk4,
  buildUnsealedPsk3,
  expectedPsk4Header,
  parsePsk4,
  PSK3_PCHANNEL_OFFSET,
} from '../../../../../src/eap/methods/psk/messages.js';
import { pchannelPlaintext } from '../../../../../src/eap/methods/psk/pchannel.js';
import { ServerPchannel } from '../../../../../src/eap/methods/psk/server-pchannel.js';
import { parseEapPacket } from '../../../../../src/eap/packet.js';
import { HOSTAPD } from '../../fixtures.js';

const R_OCTET = 1;
const PSK3_ID = HOSTAPD.psk3[1]!;

/** PSK-3 as the server builds it: header, MAC_S, then the PCHANNEL sealed by ServerPchannel. */
function sealedPsk3(pchannel: ServerPchannel, identifier: number, randS: Buffer, macS: Buffer): Buffer {
  const packet = buildUnsealedPsk3(identifier, randS, macS, R_OCTET);
  pchannel.sealPsk3(
    packet,
    PSK3_PCHANNEL_OFFSET,
    PskResult.DoneSuccess,
    expectedPsk4Header(identifier, randS),
  );
  return packet;
}

/** Opens `psk4` with the server's channel; the plaintext in hex, or undefined. */
function open(pchannel: ServerPchannel, psk4: Buffer): string | undefined {
  const p = parseEapPacket(psk4);
  assert.ok(p.ok);
  const m = parsePsk4(p.value);
  assert.ok(m.ok);
  return pchannel.openPsk4(p.value.raw, m.value.pchannel)?.toString('hex');
}

function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at]! ^= 0x01;
  return c;
}

describe('EAP-PSK server PCHANNEL in batched AES calls (RFC 4764 §5.3, §5.4)', () => {
  test('seals the hostapd capture PSK-3 byte for byte', () => {
    const pchannel = new ServerPchannel(HOSTAPD.tek);
    assert.deepEqual(sealedPsk3(pchannel, PSK3_ID, HOSTAPD.randS, HOSTAPD.macS), HOSTAPD.psk3);
  });

  test('opens the hostapd capture PSK-4 to R = DONE_SUCCESS', () => {
    const pchannel = new ServerPchannel(HOSTAPD.tek);
    sealedPsk3(pchannel, PSK3_ID, HOSTAPD.randS, HOSTAPD.macS);
    assert.equal(open(pchannel, HOSTAPD.psk4), pchannelPlaintext(PskResult.DoneSuccess).toString('hex'));
  });

  test('refuses the hostapd PSK-4 with one bit flipped in its tag, ciphertext or header', () => {
    const tagAt = 26;
    const dataAt = 42;
    for (const at of [tagAt, tagAt + 15, dataAt, 1, 5, 21]) {
      const pchannel = new ServerPchannel(HOSTAPD.tek);
      sealedPsk3(pchannel, PSK3_ID, HOSTAPD.randS, HOSTAPD.macS);
      assert.equal(open(pchannel, flip(HOSTAPD.psk4, at)), undefined, `bit flipped at octet ${at}`);
    }
  });

  test('opens a PSK-4 it did not predict (DONE_FAILURE, EXT) with the general EAX', () => {
    const eax = new Eax(HOSTAPD.tek);
    const pchannel = new ServerPchannel(HOSTAPD.tek);
    sealedPsk3(pchannel, PSK3_ID, HOSTAPD.randS, HOSTAPD.macS);
    const failure = pchannelPlaintext(PskResult.DoneFailure);
    assert.equal(open(pchannel, buildPsk4(PSK3_ID, HOSTAPD.randS, eax, 1, failure)), failure.toString('hex'));
    const ext = pchannelPlaintext(PskResult.DoneSuccess, { type: 7, payload: Buffer.from('abc') });
    assert.equal(open(pchannel, buildPsk4(PSK3_ID, HOSTAPD.randS, eax, 1, ext)), ext.toString('hex'));
  });

  test('matches the general EAX for any TEK, RAND_S, Identifier and PSK-4 plaintext', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 }),
        (tekBytes, randSBytes, macSBytes, identifier, psk4Plain, psk4Nonce) => {
          const tek = Buffer.from(tekBytes);
          const randS = Buffer.from(randSBytes);
          const macS = Buffer.from(macSBytes);
          const eax = new Eax(tek);
          const pchannel = new ServerPchannel(tek);
          const plain = pchannelPlaintext(PskResult.DoneSuccess);
          assert.deepEqual(
            sealedPsk3(pchannel, identifier, randS, macS),
            buildPsk3(identifier, randS, macS, eax, 0, plain),
          );
          // The predicted answer and an arbitrary one, at the expected Nonce 1 and others.
          for (const p4 of [plain, Buffer.from(psk4Plain)]) {
            const psk4 = buildPsk4(identifier, randS, eax, psk4Nonce, p4);
            assert.equal(open(pchannel, psk4), p4.toString('hex'));
            assert.equal(open(pchannel, flip(psk4, psk4.length - p4.length - 1)), undefined);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
