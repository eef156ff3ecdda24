import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Eax } from '../../../src/eap/crypto/eax.js';
import { PskResult } from '../../../src/eap/methods/psk/constants.js';
import { buildPsk3 } from '../../../src/eap/methods/psk/messages.js';
import { pchannelPlaintext } from '../../../src/eap/methods/psk/pchannel.js';
import { buildIdentity, EapCode, EapType, parseEapPacket } from '../../../src/eap/packet.js';
import { EapPskPeer, PeerErrorCode, type PeerStep } from '../../../src/eap/peer.js';
import { HOSTAPD, hex, scriptedRandom } from './fixtures.js';

function capturePeer(): EapPskPeer {
  return new EapPskPeer({ peerId: HOSTAPD.idP, psk: HOSTAPD.psk, random: scriptedRandom(HOSTAPD.randP) });
}

function packetOf(step: PeerStep): Buffer {
  assert.equal(step.kind, 'response', JSON.stringify(step));
  return (step as { packet: Buffer }).packet;
}

describe('EapPskPeer (RFC 4764 peer side)', () => {
  test('emits the wpa_supplicant capture PSK-2 and PSK-4 byte for byte and exposes MSK, EMSK, Session-Id', () => {
    const peer = capturePeer();
    assert.deepEqual(packetOf(peer.receive(HOSTAPD.psk1)), HOSTAPD.psk2);
    assert.equal(peer.serverId, HOSTAPD.idS);
    assert.deepEqual(packetOf(peer.receive(HOSTAPD.psk3)), HOSTAPD.psk4);
    assert.equal(peer.msk, undefined, 'no keys before EAP-Success');
    const done = peer.receive(HOSTAPD.success);
    assert.equal(done.kind, 'success');
    assert.deepEqual(peer.msk, HOSTAPD.msk);
    assert.deepEqual(peer.emsk, HOSTAPD.emsk);
    assert.deepEqual(peer.sessionId, HOSTAPD.sessionId);
  });

  test('answers Request/Identity with its identity and the same Identifier', () => {
    const peer = new EapPskPeer({ peerId: 'dev@x', psk: HOSTAPD.psk, identity: 'anon@x' });
    assert.deepEqual(
      packetOf(peer.receive(buildIdentity(EapCode.Request, 5))),
      buildIdentity(EapCode.Response, 5, 'anon@x'),
    );
  });

  test('answers another method with a Nak proposing EAP-PSK', () => {
    const peer = capturePeer();
    const nak = parseEapPacket(packetOf(peer.receive(hex('0107000619 00'))));
    assert.ok(nak.ok);
    assert.equal(nak.value.type, EapType.Nak);
    assert.deepEqual([...nak.value.typeData], [EapType.Psk]);
  });

  test('answers a retransmitted PSK-1 with the same PSK-2', () => {
    const peer = capturePeer();
    const first = packetOf(peer.receive(HOSTAPD.psk1));
    assert.deepEqual(packetOf(peer.receive(HOSTAPD.psk1)), first);
  });

  test('rejects a PSK-3 with a tampered MAC_S with a clear error and no answer', () => {
    const peer = capturePeer();
    peer.receive(HOSTAPD.psk1);
    const bad = Buffer.from(HOSTAPD.psk3);
    bad[25]! ^= 0x80; // inside MAC_S
    const step = peer.receive(bad);
    assert.deepEqual(step.kind === 'discard' ? step.code : step.kind, PeerErrorCode.BadMacS);
  });

  test('rejects a PSK-3 whose PCHANNEL tag or ciphertext was tampered with', () => {
    for (const at of [45, 58]) {
      const peer = capturePeer();
      peer.receive(HOSTAPD.psk1);
      const bad = Buffer.from(HOSTAPD.psk3);
      bad[at]! ^= 0x01;
      const step = peer.receive(bad);
      assert.deepEqual(
        step.kind === 'discard' ? step.code : step.kind,
        PeerErrorCode.BadPchannel,
        `offset ${at}`,
      );
    }
  });

  test('rejects a PSK-3 with a PCHANNEL Nonce other than 0', () => {
    const peer = capturePeer();
    peer.receive(HOSTAPD.psk1);
    const bad = Buffer.from(HOSTAPD.psk3);
    bad.writeUInt32BE(1, 38);
    const step = peer.receive(bad);
    assert.deepEqual(step.kind === 'discard' ? step.code : step.kind, PeerErrorCode.BadNonce);
  });

  test('refuses an EAP-Success before the method has finished', () => {
    const peer = capturePeer();
    peer.receive(HOSTAPD.psk1);
    const step = peer.receive(HOSTAPD.success);
    assert.equal(step.kind, 'discard');
    assert.equal(peer.msk, undefined);
  });

  test('answers a PSK-3 with E set by DONE_FAILURE, E and the same EXT_Type with an empty payload', () => {
    const peer = capturePeer();
    peer.receive(HOSTAPD.psk1);
    const tek = new Eax(HOSTAPD.tek);
    const withExt = buildPsk3(
      0xcc,
      HOSTAPD.randS,
      HOSTAPD.macS,
      tek,
      0,
      pchannelPlaintext(PskResult.Cont, { type: 2, payload: Buffer.from('key') }),
    );
    const psk4 = packetOf(peer.receive(withExt));
    assert.equal(psk4.length, 44); // PSK-4 with a one-octet EXT (EXT_Type only)
    const plain = tek.open(
      Buffer.from('000000000000000000000000' + '00000001', 'hex'),
      psk4.subarray(0, 22),
      psk4.subarray(42),
      psk4.subarray(26, 42),
    );
    assert.deepEqual(plain, Buffer.from([(PskResult.DoneFailure << 6) | 0x20, 2]));
    assert.equal(peer.receive(hex('04cc0004')).kind, 'failure');
    assert.equal(peer.msk, undefined);
  });

  test('draws a fresh RAND_P per conversation from the pooled CSPRNG by default', () => {
    /** RFC 4764 §5.2: RAND_P follows Flags and RAND_S in PSK-2. */
    const randPAt = 22;
    const randPs = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const peer = new EapPskPeer({ peerId: HOSTAPD.idP, psk: HOSTAPD.psk });
      const psk2 = packetOf(peer.receive(HOSTAPD.psk1));
      randPs.add(psk2.subarray(randPAt, randPAt + 16).toString('hex'));
    }
    assert.equal(randPs.size, 3);
  });

  test('requires a PSK or derived keys', () => {
    assert.throws(() => new EapPskPeer({ peerId: 'x' }), TypeError);
  });
});
