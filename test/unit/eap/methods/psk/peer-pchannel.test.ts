import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Eax } from '../../../../../src/eap/crypto/eax.js';
import { PSK3_NONCE, PSK4_NONCE, PskResult } from '../../../../../src/eap/methods/psk/constants.js';
import {
  buildPsk3,
  buildPsk4,
  expectedPsk4Header,
  parsePsk3,
  PSK3_PCHANNEL_OFFSET,
  type Psk3,
} from '../../../../../src/eap/methods/psk/messages.js';
import { pchannelPlaintext } from '../../../../../src/eap/methods/psk/pchannel.js';
import { buildSealedPsk4, PeerPchannel } from '../../../../../src/eap/methods/psk/peer-pchannel.js';
import { parseEapPacket } from '../../../../../src/eap/packet.js';
import { HOSTAPD } from '../../fixtures.js';

const PSK3_ID = HOSTAPD.psk3[1]!;
const SUCCESS = pchannelPlaintext(PskResult.DoneSuccess);
const FAILURE = pchannelPlaintext(PskResult.DoneFailure);
const EXT_TYPE = 7;

function psk3Of(packet: Buffer): { raw: Buffer; m: Psk3 } {
  const p = parseEapPacket(packet);
  assert.ok(p.ok);
  const m = parsePsk3(p.value);
  assert.ok(m.ok);
  return { raw: p.value.raw, m: m.value };
}

/** Opens `psk3` with a fresh peer channel under `tek`; the channel and the plaintext in hex. */
function open(tek: Buffer, psk3: Buffer): { pchannel: PeerPchannel; plain: string | undefined } {
  const { raw, m } = psk3Of(psk3);
  const pchannel = new PeerPchannel(tek);
  const plain = pchannel.openPsk3(raw, m.pchannel, expectedPsk4Header(raw[1]!, m.randS));
  return { pchannel, plain: plain?.toString('hex') };
}

function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at]! ^= 0x01;
  return c;
}

describe('EAP-PSK peer PCHANNEL in batched AES calls (RFC 4764 §5.3, §5.4)', () => {
  test('opens the hostapd capture PSK-3 and seals the wpa_supplicant PSK-4 byte for byte', () => {
    const { pchannel, plain } = open(HOSTAPD.tek, HOSTAPD.psk3);
    assert.equal(plain, SUCCESS.toString('hex'));
    assert.deepEqual(buildSealedPsk4(PSK3_ID, HOSTAPD.randS, pchannel, PSK4_NONCE, SUCCESS), HOSTAPD.psk4);
  });

  test('refuses a PSK-3 whose header, tag or ciphertext was altered', () => {
    // Identifier, RAND_S (the EAX header), the Nonce, the tag, the encrypted R octet.
    const nonceAt = PSK3_PCHANNEL_OFFSET;
    const tagAt = nonceAt + 4;
    for (const at of [1, 10, 21, nonceAt + 3, tagAt, tagAt + 15, HOSTAPD.psk3.length - 1]) {
      assert.equal(open(HOSTAPD.tek, flip(HOSTAPD.psk3, at)).plain, undefined, `octet ${at}`);
    }
  });

  test('refuses PSK-3 under another TEK', () => {
    assert.equal(open(Buffer.alloc(16, 1), HOSTAPD.psk3).plain, undefined);
  });

  test('after a refused PSK-3 seals PSK-4 with the general EAX, still correctly', () => {
    const { pchannel } = open(HOSTAPD.tek, flip(HOSTAPD.psk3, HOSTAPD.psk3.length - 1));
    assert.deepEqual(buildSealedPsk4(PSK3_ID, HOSTAPD.randS, pchannel, PSK4_NONCE, SUCCESS), HOSTAPD.psk4);
  });

  test('agrees with the general EAX for any TEK, RAND_S, MAC_S, Identifier, R and answer', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom(PskResult.Cont, PskResult.DoneSuccess, PskResult.DoneFailure),
        fc.constantFrom(SUCCESS, FAILURE),
        (tekBytes, randSBytes, macSBytes, id, r, answer) => {
          const tek = Buffer.from(tekBytes);
          const randS = Buffer.from(randSBytes);
          const eax = new Eax(tek);
          const psk3 = buildPsk3(id, randS, Buffer.from(macSBytes), eax, PSK3_NONCE, pchannelPlaintext(r));
          const { pchannel, plain } = open(tek, psk3);
          assert.equal(plain, pchannelPlaintext(r).toString('hex'));
          assert.deepEqual(
            buildSealedPsk4(id, randS, pchannel, PSK4_NONCE, answer),
            buildPsk4(id, randS, eax, PSK4_NONCE, answer),
          );
        },
      ),
    );
  });

  test('opens a PSK-3 with EXT and seals a PSK-4 with EXT or another Nonce like the general EAX', () => {
    const eax = new Eax(HOSTAPD.tek);
    const withExt = pchannelPlaintext(PskResult.DoneSuccess, { type: EXT_TYPE, payload: Buffer.from('abc') });
    const psk3 = buildPsk3(PSK3_ID, HOSTAPD.randS, HOSTAPD.macS, eax, PSK3_NONCE, withExt);
    const { pchannel, plain } = open(HOSTAPD.tek, psk3);
    assert.equal(plain, withExt.toString('hex'));
    const answer = pchannelPlaintext(PskResult.DoneFailure, { type: EXT_TYPE, payload: Buffer.alloc(0) });
    assert.deepEqual(
      buildSealedPsk4(PSK3_ID, HOSTAPD.randS, pchannel, PSK4_NONCE, answer),
      buildPsk4(PSK3_ID, HOSTAPD.randS, eax, PSK4_NONCE, answer),
    );
    const other = open(HOSTAPD.tek, HOSTAPD.psk3).pchannel;
    const nonce = 5;
    assert.deepEqual(
      buildSealedPsk4(PSK3_ID, HOSTAPD.randS, other, nonce, SUCCESS),
      buildPsk4(PSK3_ID, HOSTAPD.randS, eax, nonce, SUCCESS),
    );
  });

  test('opens a PSK-3 with another Nonce through the general EAX', () => {
    const eax = new Eax(HOSTAPD.tek);
    const nonce = 9;
    const psk3 = buildPsk3(PSK3_ID, HOSTAPD.randS, HOSTAPD.macS, eax, nonce, SUCCESS);
    assert.equal(open(HOSTAPD.tek, psk3).plain, SUCCESS.toString('hex'));
    assert.equal(open(HOSTAPD.tek, flip(psk3, psk3.length - 1)).plain, undefined);
  });
});
