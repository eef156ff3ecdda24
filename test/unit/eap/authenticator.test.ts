import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AuthenticatorState,
  EapAuthenticator,
  type EapAuthenticatorOptions,
} from '../../../src/eap/authenticator.js';
import type { EapStep } from '../../../src/eap/eap-step.js';
import { EapFailureReason, EapInvalidReason } from '../../../src/eap/failure-reason.js';
import { derivePskKeys, type PskKeys } from '../../../src/eap/methods/psk/keys.js';
import type { PeerLookup } from '../../../src/eap/methods/psk/peer-lookup.js';
import { buildIdentity, buildNak, EapCode, EapType } from '../../../src/eap/packet.js';
import { EapPskPeer } from '../../../src/eap/peer.js';
import { HOSTAPD, hex, scriptedRandom } from './fixtures.js';

const SERVER_ID = 'aaa.example.net';
const DEVICE = 'meter-0001@iot.example.net';
const DEVICE_PSK = hex('00112233445566778899aabbccddeeff');

function lookupOf(devices: Record<string, PskKeys>): PeerLookup {
  return async (peerId) => {
    const keys = devices[peerId.toString()];
    return keys === undefined ? { kind: 'unknown' } : { kind: 'found', keys };
  };
}

function server(opts: Partial<EapAuthenticatorOptions> = {}): EapAuthenticator {
  return new EapAuthenticator({
    serverId: SERVER_ID,
    lookup: lookupOf({ [DEVICE]: derivePskKeys(DEVICE_PSK) }),
    ...opts,
  });
}

function expectKind<K extends EapStep['kind']>(step: EapStep, kind: K): Extract<EapStep, { kind: K }> {
  assert.equal(step.kind, kind, `expected ${kind}, got ${JSON.stringify({ ...step, packet: undefined })}`);
  return step as Extract<EapStep, { kind: K }>;
}

function peerResponse(peer: EapPskPeer, request: Buffer): Buffer {
  const step = peer.receive(request);
  assert.equal(step.kind, 'response');
  return (step as { packet: Buffer }).packet;
}

/** Drives EAP-Start → Identity → PSK-1 → PSK-2 → PSK-3 → PSK-4 → result. */
async function converse(auth: EapAuthenticator, peer: EapPskPeer): Promise<EapStep> {
  let step = auth.start();
  while (step.kind === 'request') step = await auth.receive(peerResponse(peer, step.packet));
  return step;
}

describe('EapAuthenticator (RFC 3748 / RFC 4137 with EAP-PSK)', () => {
  test('answers EAP-Start with EAP-Request/Identity', () => {
    const step = expectKind(server({ random: scriptedRandom(Buffer.from([0x42])) }).start(), 'request');
    assert.deepEqual(step.packet, buildIdentity(EapCode.Request, 0x42));
  });

  test('treats an empty first packet as EAP-Start', async () => {
    const step = expectKind(await server().receive(Buffer.alloc(0)), 'request');
    assert.equal(step.packet[4], EapType.Identity);
  });

  test('emits the hostapd capture PSK-1 and PSK-3 byte for byte and its MSK, EMSK and Session-Id', async () => {
    const auth = new EapAuthenticator({
      serverId: HOSTAPD.idS,
      lookup: lookupOf({ [HOSTAPD.idP]: derivePskKeys(HOSTAPD.psk) }),
      random: scriptedRandom(HOSTAPD.randS),
    });
    // The NAS did the Identity round (Identifier 0xca); PSK-1 then uses 0xcb as hostapd did.
    const psk1 = expectKind(
      await auth.receive(buildIdentity(EapCode.Response, HOSTAPD.identityId, HOSTAPD.idP)),
      'request',
    );
    assert.deepEqual(psk1.packet, HOSTAPD.psk1);
    const psk3 = expectKind(await auth.receive(HOSTAPD.psk2), 'request');
    assert.deepEqual(psk3.packet, HOSTAPD.psk3);
    const done = expectKind(await auth.receive(HOSTAPD.psk4), 'success');
    assert.deepEqual(done.packet, HOSTAPD.success);
    assert.deepEqual(done.msk, HOSTAPD.msk);
    assert.deepEqual(done.emsk, HOSTAPD.emsk);
    assert.deepEqual(done.sessionId, HOSTAPD.sessionId);
    assert.equal(done.peerId, HOSTAPD.idP);
    assert.equal(done.method, EapType.Psk);
    assert.equal(auth.identity, HOSTAPD.idP);
    assert.equal(auth.rounds, 2);
    assert.equal(auth.state, AuthenticatorState.Success);
  });

  test('completes a round trip with our peer and both sides derive the same keys', async () => {
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK });
    const auth = server();
    const done = expectKind(await converse(auth, peer), 'success');
    const fin = peer.receive(done.packet);
    assert.equal(fin.kind, 'success');
    assert.deepEqual(peer.msk, done.msk);
    assert.deepEqual(peer.emsk, done.emsk);
    assert.deepEqual(peer.sessionId, done.sessionId);
    assert.equal(done.msk.length, 64);
    assert.equal(done.sessionId.length, 33);
    assert.equal(auth.rounds, 3);
  });

  test('gives each new request a new Identifier and reuses the last one for EAP-Success', async () => {
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK });
    const auth = server({ random: scriptedRandom(Buffer.from([0xfe]), Buffer.alloc(16, 9)) });
    const ids: number[] = [];
    let step = auth.start();
    while (step.kind === 'request') {
      ids.push(step.packet[1]!);
      step = await auth.receive(peerResponse(peer, step.packet));
    }
    assert.deepEqual(ids, [0xfe, 0xff, 0x00]);
    assert.equal(expectKind(step, 'success').packet[1], 0x00);
  });

  test('fails with bad_mac_p and an EAP-Failure with the current Identifier when the PSK is wrong', async () => {
    const peer = new EapPskPeer({ peerId: DEVICE, psk: Buffer.alloc(16, 7) });
    const auth = server();
    auth.start();
    const psk1 = expectKind(await auth.receive(peerResponse(peer, auth.lastRequest!)), 'request');
    const failure = expectKind(await auth.receive(peerResponse(peer, psk1.packet)), 'failure');
    assert.equal(failure.reason, EapFailureReason.BadMacP);
    assert.equal(failure.peerId, DEVICE);
    assert.deepEqual(failure.packet, Buffer.from([EapCode.Failure, psk1.packet[1]!, 0, 4]));
  });

  test('fails with unknown_peer when the lookup does not know ID_P', async () => {
    const peer = new EapPskPeer({ peerId: 'stranger@iot.example.net', psk: DEVICE_PSK });
    const auth = server();
    auth.start();
    const psk1 = expectKind(await auth.receive(peerResponse(peer, auth.lastRequest!)), 'request');
    const failure = expectKind(await auth.receive(peerResponse(peer, psk1.packet)), 'failure');
    assert.equal(failure.reason, EapFailureReason.UnknownPeer);
    assert.equal(failure.peerId, 'stranger@iot.example.net');
    // The current Identifier (RFC 3748 §4.2: it may be 0 after a wrap), never hostapd's fixed 0.
    // (This asserted Identifier ≠ 0, which failed whenever the random start made it 0: 1 in 256.)
    assert.deepEqual(failure.packet, Buffer.from([EapCode.Failure, psk1.packet[1]!, 0, 4]));
  });

  test('fails with policy_rejected and the policy reason when the lookup rejects the peer', async () => {
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK });
    const auth = server({ lookup: async () => ({ kind: 'rejected', reason: 'device disabled' }) });
    const failure = expectKind(await converse(auth, peer), 'failure');
    assert.equal(failure.reason, EapFailureReason.PolicyRejected);
    assert.equal(failure.detail, 'device disabled');
  });

  test('fails with lookup_error when the lookup throws', async () => {
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK });
    const auth = server({ lookup: () => Promise.reject(new Error('database down')) });
    const failure = expectKind(await converse(auth, peer), 'failure');
    assert.equal(failure.reason, EapFailureReason.LookupError);
    assert.equal(failure.detail, 'database down');
  });

  test('passes ID_P from PSK-2 (not the EAP Identity) to the lookup', async () => {
    const seen: string[] = [];
    const keys = derivePskKeys(DEVICE_PSK);
    const auth = server({ lookup: async (id) => (seen.push(id.toString()), { kind: 'found', keys }) });
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK, identity: 'anonymous@iot.example.net' });
    expectKind(await converse(auth, peer), 'success');
    assert.deepEqual(seen, [DEVICE]);
    assert.equal(auth.identity, 'anonymous@iot.example.net');
  });

  test('fails with bad_pchannel when the PSK-4 tag was tampered with', async () => {
    const auth = new EapAuthenticator({
      serverId: HOSTAPD.idS,
      lookup: lookupOf({ [HOSTAPD.idP]: derivePskKeys(HOSTAPD.psk) }),
      random: scriptedRandom(HOSTAPD.randS),
    });
    await auth.receive(buildIdentity(EapCode.Response, HOSTAPD.identityId, HOSTAPD.idP));
    await auth.receive(HOSTAPD.psk2);
    const tampered = Buffer.from(HOSTAPD.psk4);
    tampered[30]! ^= 0x01; // inside the tag
    const failure = expectKind(await auth.receive(tampered), 'failure');
    assert.equal(failure.reason, EapFailureReason.BadPchannel);
    assert.deepEqual(failure.packet, hex('04cc0004'));
  });

  test('fails with bad_nonce when PSK-4 carries Nonce 0 or 2, before looking at the tag', async () => {
    for (const nonce of [0, 2]) {
      const again = new EapAuthenticator({
        serverId: HOSTAPD.idS,
        lookup: lookupOf({ [HOSTAPD.idP]: derivePskKeys(HOSTAPD.psk) }),
        random: scriptedRandom(HOSTAPD.randS),
      });
      await again.receive(buildIdentity(EapCode.Response, HOSTAPD.identityId, HOSTAPD.idP));
      await again.receive(HOSTAPD.psk2);
      const bad = Buffer.from(HOSTAPD.psk4);
      bad.writeUInt32BE(nonce, 22);
      assert.equal(
        expectKind(await again.receive(bad), 'failure').reason,
        EapFailureReason.BadNonce,
        `nonce ${nonce}`,
      );
    }
  });

  test('discards a response with the wrong Identifier and offers the last request for reissue', async () => {
    const auth = server();
    auth.start();
    const psk1 = expectKind(
      await auth.receive(buildIdentity(EapCode.Response, auth.lastRequest![1]!, DEVICE)),
      'request',
    );
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK });
    const psk2 = Buffer.from(peerResponse(peer, psk1.packet));
    psk2[1] = (psk2[1]! + 1) & 0xff;
    const invalid = expectKind(await auth.receive(psk2), 'invalid');
    assert.equal(invalid.reason, EapInvalidReason.WrongIdentifier);
    assert.deepEqual(invalid.reissue, psk1.packet);
    assert.equal(auth.state, AuthenticatorState.Idle);
    // The conversation goes on with the right packet.
    psk2[1] = psk1.packet[1]!;
    expectKind(await auth.receive(psk2), 'request');
  });

  test('discards a response of the wrong type, a request, a malformed packet, and a PSK-2 with another RAND_S', async () => {
    const auth = server();
    auth.start();
    const psk1 = expectKind(
      await auth.receive(buildIdentity(EapCode.Response, auth.lastRequest![1]!, DEVICE)),
      'request',
    );
    const id = psk1.packet[1]!;
    const reasons: string[] = [];
    const wrongRandS = Buffer.from(HOSTAPD.psk2);
    wrongRandS[1] = id;
    for (const bad of [
      buildIdentity(EapCode.Response, id, DEVICE),
      buildIdentity(EapCode.Request, id, DEVICE),
      hex('02'),
      wrongRandS,
    ]) {
      reasons.push(expectKind(await auth.receive(bad), 'invalid').reason);
    }
    assert.deepEqual(reasons, [
      EapInvalidReason.WrongType,
      EapInvalidReason.NotAResponse,
      EapInvalidReason.Malformed,
      EapInvalidReason.MethodCheck,
    ]);
  });

  test('fails with too_many_invalid at the fifth invalid packet', async () => {
    const auth = server();
    auth.start();
    const garbage = hex('0201');
    for (let i = 1; i < 5; i++) expectKind(await auth.receive(garbage), 'invalid');
    const failure = expectKind(await auth.receive(garbage), 'failure');
    assert.equal(failure.reason, EapFailureReason.TooManyInvalid);
    assert.equal(failure.packet[1], auth.lastRequest![1]);
    expectKind(await auth.receive(garbage), 'invalid');
  });

  test('fails with nak_no_common_method when the peer Naks EAP-PSK', async () => {
    const auth = server();
    auth.start();
    const psk1 = expectKind(
      await auth.receive(buildIdentity(EapCode.Response, auth.lastRequest![1]!, DEVICE)),
      'request',
    );
    const failure = expectKind(await auth.receive(buildNak(psk1.packet[1]!, [13, 25])), 'failure');
    assert.equal(failure.reason, EapFailureReason.NakNoCommonMethod);
    assert.equal(failure.packet[0], EapCode.Failure);
    assert.equal(failure.packet[1], psk1.packet[1]);
  });

  test('fails with unexpected_packet when the first packet is not a Response/Identity', async () => {
    const failure = expectKind(await server().receive(HOSTAPD.psk2), 'failure');
    assert.equal(failure.reason, EapFailureReason.UnexpectedPacket);
    assert.equal(failure.packet[1], HOSTAPD.psk2[1]);
  });

  test('fails with packet_too_large when PSK-1 with ID_S exceeds the maximum packet size', async () => {
    const auth = server({ maxPacketSize: 30 }); // PSK-1 with this ID_S is 22 + 15 = 37 octets
    expectKind(auth.start(), 'request');
    const failure = expectKind(
      await auth.receive(buildIdentity(EapCode.Response, auth.lastRequest![1]!, DEVICE)),
      'failure',
    );
    assert.equal(failure.reason, EapFailureReason.PacketTooLarge);
  });

  test('stays within a maximum packet size that fits EAP-PSK', async () => {
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK });
    const sizes: number[] = [];
    const auth = server({ maxPacketSize: 59 });
    let step = auth.start();
    while (step.kind === 'request') {
      sizes.push(step.packet.length);
      step = await auth.receive(peerResponse(peer, step.packet));
    }
    expectKind(step, 'success');
    assert.ok(Math.max(...sizes) <= 59);
  });

  test('discards a response that arrives while the lookup of the previous one is pending', async () => {
    let release: () => void = () => undefined;
    const keys = derivePskKeys(DEVICE_PSK);
    const auth = server({
      lookup: () => new Promise((resolve) => (release = () => resolve({ kind: 'found', keys }))),
    });
    const peer = new EapPskPeer({ peerId: DEVICE, psk: DEVICE_PSK });
    auth.start();
    const psk1 = expectKind(await auth.receive(peerResponse(peer, auth.lastRequest!)), 'request');
    const psk2 = peerResponse(peer, psk1.packet);
    const first = auth.receive(psk2);
    const second = expectKind(await auth.receive(psk2), 'invalid');
    assert.equal(second.reason, EapInvalidReason.Busy);
    release();
    expectKind(await first, 'request');
  });

  test('never throws and always answers with a known step for random or mutated input', async () => {
    const keys = derivePskKeys(HOSTAPD.psk);
    const fresh = async (stage: number): Promise<EapAuthenticator> => {
      // RAND_S is the capture's (so the capture's PSK-2/PSK-4 fit); EAP-Start draws 1 octet.
      const random = (n: number): Buffer =>
        n === HOSTAPD.randS.length ? HOSTAPD.randS : Buffer.alloc(n, 0x5a);
      const auth = new EapAuthenticator({
        serverId: HOSTAPD.idS,
        lookup: lookupOf({ [HOSTAPD.idP]: keys }),
        random,
      });
      if (stage >= 1) await auth.receive(buildIdentity(EapCode.Response, HOSTAPD.identityId, HOSTAPD.idP));
      if (stage >= 2) await auth.receive(HOSTAPD.psk2);
      return auth;
    };
    const valid = [
      buildIdentity(EapCode.Response, HOSTAPD.identityId, HOSTAPD.idP),
      HOSTAPD.psk2,
      HOSTAPD.psk4,
    ];
    const mutated = fc
      .tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
      )
      .map(([stage, edits, cut]) => {
        const b = Buffer.from(valid[stage]!);
        for (const [at, value] of edits) b[at % b.length] = value;
        return { stage, bytes: cut % 5 === 0 ? b.subarray(0, cut % b.length) : b };
      });
    const random = fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ maxLength: 80 }))
      .map(([stage, a]) => ({ stage, bytes: Buffer.from(a) }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, random), async ({ stage, bytes }) => {
        const auth = await fresh(stage);
        const step = await auth.receive(bytes);
        assert.ok(['request', 'success', 'failure', 'invalid'].includes(step.kind));
        if (step.kind === 'success') assert.equal(step.msk.length, 64);
      }),
      { numRuns: 600 },
    );
  });
});
