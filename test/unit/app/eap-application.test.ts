import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDeviceLookup } from '../../../src/app/device-lookup.js';
import { buildDer, runAuthentication } from '../../../src/app/nas-client.js';
import { MessageView } from '../../../src/diameter/codec/index.js';
import { AvpCode, ResultCode } from '../../../src/diameter/dict/constants.gen.js';
import { EapCode, EapType, parseEapPacket } from '../../../src/eap/index.js';
import {
  ALLOWED_AP,
  ALLOWED_MAC,
  AP_LOCKED,
  authResults,
  DEVICE,
  devicePeer,
  deviceStore,
  DISABLED,
  MAC_LOCKED,
  NAS_HOST,
  nasOptions,
  OTHER_PSK,
  RELAY_HOST,
  resultCode,
  rig,
  SERVER_HOST,
  SERVER_REALM,
  type Rig,
} from './fixtures.js';

const E_BIT = 0x20;
const MSK_LENGTH = 64;
const EAP_SESSION_ID_LENGTH = 33;
/** EAP-PSK: Flags octet after Code, Identifier, Length, Type; T in the top two bits (RFC 4764 §5). */
const PSK_FLAGS_OFFSET = 5;
const PSK4_T = 0xc0;

function eapOf(m: MessageView, code: number = AvpCode.EAPPayload): Buffer | undefined {
  const v = m.find(code);
  return v === undefined ? undefined : Buffer.from(v.data);
}

function assertDeaBasics(m: MessageView): void {
  assert.equal(m.find(AvpCode.AuthApplicationId)?.asUnsigned32(), 5);
  assert.equal(m.find(AvpCode.AuthRequestType)?.asUnsigned32(), 3);
  assert.equal(m.find(AvpCode.OriginHost)?.asUtf8(), SERVER_HOST);
  assert.equal(m.find(AvpCode.OriginRealm)?.asUtf8(), SERVER_REALM);
  assert.equal(m.find(AvpCode.DestinationHost), undefined);
  assert.equal(m.find(AvpCode.DestinationRealm), undefined);
  // RFC 6733 §6.2: Session-Id first.
  assert.equal([...m.avps()][0]?.code, AvpCode.SessionId);
}

/** runAuthentication over the rig, keeping every DEA. */
async function run(r: Rig, peer = devicePeer(), extra: Parameters<typeof nasOptions>[1] = {}) {
  const deas: MessageView[] = [];
  const outcome = await authResults(() =>
    runAuthentication(
      async (frame) => {
        const dea = await r.exchange(frame);
        deas.push(dea);
        return dea;
      },
      nasOptions(peer, extra),
    ),
  );
  return { result: outcome.value, events: outcome.events, deas, peer };
}

/** Sends the first DER of a conversation and returns it with its DEA. */
async function firstRound(r: Rig, identity = DEVICE, extra: Parameters<typeof nasOptions>[1] = {}) {
  const peer = devicePeer(identity);
  const o = nasOptions(peer, extra);
  const idResponse = peer.receive(Buffer.from([EapCode.Request, 0, 0, 5, EapType.Identity]));
  assert.equal(idResponse.kind, 'response');
  const sessionId = o.nextSessionId();
  const der = buildDer(o, {
    sessionId,
    endToEnd: 1,
    eapPayload: (idResponse as { packet: Buffer }).packet,
    userName: identity,
  });
  const dea = await r.exchange(der);
  return { peer, o, sessionId, dea };
}

describe('Diameter EAP application: authentication (RFC 4072 §2)', () => {
  test("authenticates a device end to end: 1001 rounds with State, then 2001 with the peer's MSK", async () => {
    const r = await rig();
    const { result, events, deas, peer } = await run(r);
    assert.equal(result.resultCode, ResultCode.DIAMETER_SUCCESS);
    assert.equal(result.success, true);
    assert.equal(result.rounds, 3, 'Identity, PSK-2, PSK-4');
    assert.equal(deas.length, 3);
    assert.equal(result.msk?.length, MSK_LENGTH);
    assert.deepEqual(result.msk, result.peerMsk);
    assert.deepEqual(result.keyName, peer.sessionId);
    assert.equal(result.keyName?.length, EAP_SESSION_ID_LENGTH);
    const challenge = deas[0]!;
    const final = deas.at(-1)!;
    assertDeaBasics(challenge);
    assert.equal(resultCode(challenge), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
    assert.equal(challenge.find(AvpCode.MultiRoundTimeOut)?.asUnsigned32(), 30);
    assert.equal(challenge.find(AvpCode.State)?.data.length, 16);
    assert.equal(challenge.find(AvpCode.EAPMasterSessionKey), undefined);
    assertDeaBasics(final);
    assert.equal(final.find(AvpCode.UserName)?.asUtf8(), DEVICE);
    const success = parseEapPacket(eapOf(final)!);
    assert.ok(success.ok);
    assert.equal(success.value.code, EapCode.Success);
    assert.equal(success.value.raw.length, 4);
    assert.equal(final.find(AvpCode.AccountingEAPAuthMethod)?.asUnsigned64(), 47n);
    assert.equal(final.find(AvpCode.AuthSessionState)?.asUnsigned32(), 0);
    assert.equal(final.find(AvpCode.SessionTimeout)?.asUnsigned32(), 3600);
    assert.equal(final.find(AvpCode.AuthorizationLifetime)?.asUnsigned32(), 7200);
    assert.equal(final.find(AvpCode.MultiRoundTimeOut), undefined);
    assert.equal(events.length, 1);
    const e = events[0]!;
    assert.equal(e.result, 'success');
    assert.equal(e.reason, 'ok');
    assert.equal(e.method, 'psk');
    assert.equal(e.transport, 'diameter');
    assert.equal(e.identity, DEVICE);
    assert.equal(e.nas, NAS_HOST);
    assert.equal(e.rounds, 3);
    assert.equal(r.app.conversationCount, 0);
    const session = r.app.sessions.get(result.sessionId);
    assert.equal(session?.identity, DEVICE);
    assert.equal(session?.viaPeer, RELAY_HOST);
    assert.equal(session?.nasHost, NAS_HOST);
  });

  test('returns EAP-Key-Name only when a DER carried one', async () => {
    const r = await rig();
    const { result, deas } = await run(r, devicePeer(), { requestKeyName: false });
    assert.equal(result.success, true);
    assert.equal(deas.at(-1)!.find(AvpCode.EAPKeyName), undefined);
  });

  test('answers EAP-Start (empty EAP-Payload) with EAP-Request/Identity, then authenticates', async () => {
    const r = await rig();
    const { result, deas } = await run(r, devicePeer(), { eapStart: true });
    const first = parseEapPacket(eapOf(deas[0]!)!);
    assert.ok(first.ok);
    assert.equal(first.value.code, EapCode.Request);
    assert.equal(first.value.type, EapType.Identity);
    assert.equal(resultCode(deas[0]!), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
    assert.equal(result.success, true);
    assert.equal(result.rounds, 4, 'EAP-Start, Identity, PSK-2, PSK-4');
    assert.deepEqual(result.msk, result.peerMsk);
  });

  test('omits Authorization-Lifetime and Session-Timeout when configured to 0', async () => {
    const r = await rig({ sessionTimeoutSeconds: 0, authorizationLifetimeSeconds: 0, authSessionState: 1 });
    const { result, deas } = await run(r);
    assert.equal(result.success, true);
    const final = deas.at(-1)!;
    assert.equal(final.find(AvpCode.SessionTimeout), undefined);
    assert.equal(final.find(AvpCode.AuthorizationLifetime), undefined);
    assert.equal(final.find(AvpCode.AuthSessionState)?.asUnsigned32(), 1);
    assert.equal(r.app.sessions.size, 0, 'NO_STATE_MAINTAINED keeps no session');
  });

  test('rejects a wrong PSK with 4001 and EAP-Failure (bad_mac_p)', async () => {
    const r = await rig();
    const { result, events, deas } = await run(r, devicePeer(DEVICE, OTHER_PSK));
    assert.equal(result.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(result.success, false);
    const final = deas.at(-1)!;
    assert.equal(final.isError, false);
    assert.equal(eapOf(final)![0], EapCode.Failure);
    assert.equal(final.find(AvpCode.EAPMasterSessionKey), undefined);
    assertDeaBasics(final);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.reason, 'bad_mac_p');
    assert.equal(events[0]!.result, 'failure');
    assert.equal(r.app.conversationCount, 0);
    assert.equal(r.app.sessions.size, 0);
  });

  test('rejects an unknown device (unknown_peer)', async () => {
    const r = await rig();
    const { result, events } = await run(r, devicePeer('nobody@iot.example'));
    assert.equal(result.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(events[0]!.reason, 'unknown_peer');
    assert.equal(events[0]!.identity, 'nobody@iot.example');
  });

  test('rejects a disabled device (policy_rejected: device_disabled)', async () => {
    const r = await rig();
    const { result, events } = await run(r, devicePeer(DISABLED));
    assert.equal(result.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(events[0]!.reason, 'policy_rejected');
    assert.equal(events[0]!.detail, 'device_disabled');
  });

  test('applies the allowed-AP rule to Called-Station-Id (ap_not_allowed)', async () => {
    const r = await rig();
    const denied = await run(r, devicePeer(AP_LOCKED), { calledStationId: '66-77-88-99-AA-BB:ssid' });
    assert.equal(denied.result.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(denied.events[0]!.detail, 'ap_not_allowed');
    assert.equal(denied.events[0]!.calledStationId, '66-77-88-99-AA-BB:ssid');
    const allowed = await run(r, devicePeer(AP_LOCKED), { calledStationId: `${ALLOWED_AP}:ssid` });
    assert.equal(allowed.result.success, true);
  });

  test('applies the allowed-MAC rule to Calling-Station-Id (mac_not_allowed)', async () => {
    const r = await rig();
    const denied = await run(r, devicePeer(MAC_LOCKED), { callingStationId: '02-00-00-00-00-01' });
    assert.equal(denied.events[0]!.detail, 'mac_not_allowed');
    assert.equal(denied.events[0]!.callingStationId, '02-00-00-00-00-01');
    const allowed = await run(r, devicePeer(MAC_LOCKED), { callingStationId: ALLOWED_MAC });
    assert.equal(allowed.result.success, true);
  });

  test('rejects a tampered PSK-4 PCHANNEL with 4001 (bad_pchannel)', async () => {
    const r = await rig();
    const peer = devicePeer();
    const outcome = await authResults(() =>
      runAuthentication(async (frame) => {
        const payload = new MessageView(frame).find(AvpCode.EAPPayload)!.data;
        if (payload.length > PSK_FLAGS_OFFSET && (payload[PSK_FLAGS_OFFSET]! & PSK4_T) === PSK4_T)
          payload[payload.length - 1]! ^= 0x01; // the encrypted R octet: the EAX tag no longer verifies
        return r.exchange(frame);
      }, nasOptions(peer)),
    );
    assert.equal(outcome.value.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(outcome.events[0]!.reason, 'bad_pchannel');
  });

  test('bounds EAP packets by Framed-MTU − 4 (packet_too_large when PSK-1 does not fit)', async () => {
    const r = await rig();
    const small = await run(r, devicePeer(), { framedMtu: 30 });
    assert.equal(small.result.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(small.events[0]!.reason, 'packet_too_large');
    const usual = await run(r, devicePeer(), { framedMtu: 1400 });
    assert.equal(usual.result.success, true);
  });
});

describe('Diameter EAP application: invalid packets and State (RFC 4072 §2.4)', () => {
  test('reissues the outstanding request in EAP-Reissued-Payload for an invalid EAP packet, fails after 5', async () => {
    const r = await rig();
    const { o, sessionId, dea } = await firstRound(r);
    const psk1 = eapOf(dea)!;
    // A Response with the wrong Identifier: discarded by the authenticator (RFC 4137 §4.1).
    const bad = Buffer.from([EapCode.Response, (psk1[1]! + 7) & 0xff, 0, 6, EapType.Psk, 0]);
    let previous = dea;
    for (let i = 1; i < 5; i++) {
      const ans = await r.exchange(
        buildDer(o, { sessionId, endToEnd: 10 + i, eapPayload: bad, userName: DEVICE, previous }),
      );
      assert.equal(resultCode(ans), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
      assert.equal(ans.find(AvpCode.EAPPayload), undefined);
      assert.deepEqual(eapOf(ans, AvpCode.EAPReissuedPayload), psk1);
      assert.ok(ans.find(AvpCode.State)?.data.equals(dea.find(AvpCode.State)!.data));
      assertDeaBasics(ans);
      previous = ans;
    }
    const { value: last, events } = await authResults(() =>
      r.exchange(buildDer(o, { sessionId, endToEnd: 20, eapPayload: bad, userName: DEVICE, previous })),
    );
    assert.equal(resultCode(last), ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(eapOf(last)![0], EapCode.Failure);
    assert.equal(events[0]!.reason, 'too_many_invalid');
    assert.equal(events[0]!.rounds, 6);
  });

  test('refuses a DER whose State differs with 5004 (State in Failed-AVP) and keeps the conversation', async () => {
    const r = await rig();
    const { peer, o, sessionId, dea } = await firstRound(r);
    const psk2 = peer.receive(eapOf(dea)!);
    assert.equal(psk2.kind, 'response');
    const packet = (psk2 as { packet: Buffer }).packet;
    const forged = Buffer.from(dea.frame);
    const forgedView = new MessageView(forged);
    forgedView.find(AvpCode.State)!.data.fill(0x42);
    const ans = await r.exchange(
      buildDer(o, { sessionId, endToEnd: 2, eapPayload: packet, userName: DEVICE, previous: forgedView }),
    );
    assert.equal(resultCode(ans), ResultCode.DIAMETER_INVALID_AVP_VALUE);
    assert.equal(ans.isError, false);
    assert.equal(ans.find(AvpCode.AuthApplicationId)?.asUnsigned32(), 5);
    const failed = ans.find(AvpCode.FailedAVP)?.find(AvpCode.State);
    assert.ok(failed?.data.equals(Buffer.alloc(16, 0x42)));
    assert.equal(r.app.conversationCount, 1);
    // The real NAS continues with the right State.
    const next = await r.exchange(
      buildDer(o, { sessionId, endToEnd: 3, eapPayload: packet, userName: DEVICE, previous: dea }),
    );
    assert.equal(resultCode(next), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
  });

  test('refuses a later DER without State with 5005', async () => {
    const r = await rig();
    const { peer, o, sessionId, dea } = await firstRound(r);
    const psk2 = peer.receive(eapOf(dea)!) as { packet: Buffer };
    const ans = await r.exchange(
      buildDer(o, { sessionId, endToEnd: 2, eapPayload: psk2.packet, userName: DEVICE }),
    );
    assert.equal(resultCode(ans), ResultCode.DIAMETER_MISSING_AVP);
    assert.equal(ans.find(AvpCode.FailedAVP)?.find(AvpCode.State)?.data.length, 0);
    assert.equal(r.app.conversationCount, 1);
  });
});

describe('Diameter EAP application: conversation table', () => {
  test('expires an abandoned conversation after Multi-Round-Time-Out and publishes a timeout', async () => {
    const r = await rig();
    const { peer, o, sessionId, dea } = await firstRound(r);
    r.clock.advance(29_000);
    assert.equal(r.app.sweep(), 0);
    r.clock.advance(1_000);
    const { value: swept, events } = await authResults(async () => r.app.sweep());
    assert.equal(swept, 1);
    assert.equal(r.app.conversationCount, 0);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.reason, 'timeout');
    assert.equal(events[0]!.result, 'failure');
    assert.equal(events[0]!.durationSeconds, 30);
    assert.equal(events[0]!.method, 'psk');
    // A late DER echoing the old State ends the EAP exchange at once.
    const psk2 = peer.receive(eapOf(dea)!) as { packet: Buffer };
    const late = await authResults(() =>
      r.exchange(
        buildDer(o, { sessionId, endToEnd: 2, eapPayload: psk2.packet, userName: DEVICE, previous: dea }),
      ),
    );
    assert.equal(resultCode(late.value), ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    assert.equal(eapOf(late.value)![0], EapCode.Failure);
    assert.equal(late.events.length, 0);
  });

  test('answers 3004 DIAMETER_TOO_BUSY with the E bit beyond the session cap', async () => {
    const r = await rig({ maxSessions: 1 });
    await firstRound(r);
    const { dea } = await firstRound(r);
    assert.equal(resultCode(dea), ResultCode.DIAMETER_TOO_BUSY);
    assert.equal(dea.flags & E_BIT, E_BIT);
    assert.equal(dea.find(AvpCode.AuthApplicationId)?.asUnsigned32(), 5);
    assert.equal(r.app.conversationCount, 1);
  });

  test('answers an unknown command of application 5 with 3001', async () => {
    const r = await rig();
    const { dea } = await firstRound(r);
    const frame = Buffer.from(dea.frame);
    frame[4] = 0xc0; // R|P
    frame.writeUIntBE(271, 5, 3); // Accounting
    const result = await r.app.handleRequest(new MessageView(frame), {
      peer: { originHost: RELAY_HOST, originRealm: 'x', transport: 'tcp', remoteAddress: '192.0.2.1' },
      receivedAt: 0,
    });
    assert.equal(result.kind, 'error');
    assert.equal(result.kind === 'error' && result.error.resultCode, ResultCode.DIAMETER_COMMAND_UNSUPPORTED);
  });
});

describe('Diameter EAP application: concurrency', () => {
  test('discards a DER that arrives while the previous one is still in its device lookup', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = await deviceStore();
    const real = createDeviceLookup({ store, keyCacheSize: 4 });
    const r = await rig(
      {
        lookupFor: (nas) => {
          const lookup = real(nas);
          return async (peerId) => {
            await gate;
            return lookup(peerId);
          };
        },
      },
      store,
    );
    const { peer, o, sessionId, dea } = await firstRound(r);
    const psk2 = peer.receive(eapOf(dea)!) as { packet: Buffer };
    const der = (e2e: number): Buffer =>
      buildDer(o, { sessionId, endToEnd: e2e, eapPayload: psk2.packet, userName: DEVICE, previous: dea });
    const first = r.handle(der(2));
    const second = await r.handle(der(3));
    assert.equal(second.kind, 'discard');
    release();
    const done = await first;
    assert.equal(done.kind, 'answer');
    assert.equal(done.kind === 'answer' && done.resultCode, ResultCode.DIAMETER_MULTI_ROUND_AUTH);
  });
});
