import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, test } from 'node:test';
import type { RedirectEvent } from '../../../src/app/events.js';
import { buildDer, runAuthentication } from '../../../src/app/nas-client.js';
import type { FirstDerFacts, RedirectDecision } from '../../../src/app/redirect-hook.js';
import { AvpCode, RedirectHostUsage, ResultCode } from '../../../src/diameter/dict/constants.gen.js';
import { EapCode, EapType } from '../../../src/eap/index.js';
import { DEVICE, devicePeer, NAS_HOST, nasOptions, resultCode, rig } from './fixtures.js';

const E_BIT = 0x20;
const TARGETS = ['aaa://aaa2.eapd.test:3868;transport=tcp', 'aaas://aaa3.eapd.test'];

async function redirectedFirstDer(decision: RedirectDecision | undefined, calls: FirstDerFacts[]) {
  const r = await rig({
    redirect: (facts) => {
      calls.push(facts);
      return decision;
    },
  });
  const peer = devicePeer();
  const o = nasOptions(peer, {
    callingStationId: '02-00-00-00-00-01',
    calledStationId: '00-11-22-33-44-55:iot',
  });
  const id = peer.receive(Buffer.from([EapCode.Request, 0, 0, 5, EapType.Identity])) as { packet: Buffer };
  const events: RedirectEvent[] = [];
  const listener = (m: unknown): void => {
    events.push(m as RedirectEvent);
  };
  subscribe('eapd:auth:redirect', listener);
  try {
    const dea = await r.exchange(
      buildDer(o, { sessionId: o.nextSessionId(), endToEnd: 1, eapPayload: id.packet, userName: 'u@realm' }),
    );
    return { r, dea, events };
  } finally {
    unsubscribe('eapd:auth:redirect', listener);
  }
}

describe('redirect of a first DER (RFC 6733 §6.1.8, §6.12–§6.14)', () => {
  test('answers 3006 with the E bit, one Redirect-Host per target, usage and cache time', async () => {
    const calls: FirstDerFacts[] = [];
    const decision = {
      rule: 'meters',
      targets: TARGETS,
      usage: RedirectHostUsage.ALL_USER,
      maxCacheTimeSeconds: 600,
    };
    const { r, dea, events } = await redirectedFirstDer(decision, calls);
    assert.equal(resultCode(dea), ResultCode.DIAMETER_REDIRECT_INDICATION);
    assert.equal(dea.flags & E_BIT, E_BIT);
    assert.deepEqual(
      dea.findAll(AvpCode.RedirectHost).map((v) => v.asUtf8()),
      TARGETS,
    );
    assert.equal(dea.find(AvpCode.RedirectHostUsage)?.asUnsigned32(), RedirectHostUsage.ALL_USER);
    assert.equal(dea.find(AvpCode.RedirectMaxCacheTime)?.asUnsigned32(), 600);
    assert.equal(dea.find(AvpCode.AuthApplicationId)?.asUnsigned32(), 5);
    assert.equal(dea.find(AvpCode.AuthRequestType)?.asUnsigned32(), 3);
    assert.equal(dea.find(AvpCode.OriginHost)?.asUtf8(), 'aaa.eapd.test');
    assert.equal(dea.find(AvpCode.DestinationHost), undefined);
    assert.equal(r.app.conversationCount, 0, 'no session state for a redirect');
    assert.deepEqual(events, [{ rule: 'meters', usage: 'ALL_USER' }]);
    assert.deepEqual(calls, [
      {
        originHost: NAS_HOST,
        destinationRealm: 'eapd.test',
        userName: 'u@realm',
        eapIdentity: DEVICE,
        callingStationId: '02-00-00-00-00-01',
        calledStationId: '00-11-22-33-44-55:iot',
      },
    ]);
  });

  test('leaves Redirect-Max-Cache-Time out for DONT_CACHE', async () => {
    const decision = {
      rule: 'once',
      targets: [TARGETS[0]!],
      usage: RedirectHostUsage.DONT_CACHE,
      maxCacheTimeSeconds: 600,
    };
    const { dea } = await redirectedFirstDer(decision, []);
    assert.equal(resultCode(dea), ResultCode.DIAMETER_REDIRECT_INDICATION);
    assert.equal(dea.find(AvpCode.RedirectHostUsage)?.asUnsigned32(), 0);
    assert.equal(dea.find(AvpCode.RedirectMaxCacheTime), undefined);
  });

  test('asks the hook on the first DER only: a conversation under way is never redirected', async () => {
    const calls: FirstDerFacts[] = [];
    const r = await rig({
      redirect: (facts) => {
        calls.push(facts);
        return undefined;
      },
    });
    const result = await runAuthentication((f) => r.exchange(f), nasOptions(devicePeer()));
    assert.equal(result.success, true);
    assert.equal(calls.length, 1);
  });

  test('does not ask a hook that says it is idle, and asks it again once it is not', async () => {
    const calls: FirstDerFacts[] = [];
    let idle = true;
    const hook = Object.assign(
      (facts: FirstDerFacts) => {
        calls.push(facts);
        return undefined;
      },
      { idle: () => idle },
    );
    const r = await rig({ redirect: hook });
    assert.equal((await runAuthentication((f) => r.exchange(f), nasOptions(devicePeer()))).success, true);
    assert.equal(calls.length, 0);
    idle = false;
    assert.equal((await runAuthentication((f) => r.exchange(f), nasOptions(devicePeer()))).success, true);
    assert.equal(calls.length, 1);
  });

  test('refuses a decision whose target is not a DiameterURI (a configuration bug, not a wire answer)', async () => {
    const r = await rig({
      redirect: () => ({ rule: 'bad', targets: ['http://x'], usage: 1, maxCacheTimeSeconds: 1 }),
    });
    const peer = devicePeer();
    const o = nasOptions(peer);
    const id = peer.receive(Buffer.from([EapCode.Request, 0, 0, 5, EapType.Identity])) as { packet: Buffer };
    await assert.rejects(
      r.handle(
        buildDer(o, { sessionId: o.nextSessionId(), endToEnd: 1, eapPayload: id.packet, userName: DEVICE }),
      ),
      RangeError,
    );
  });
});

describe('realm check of a first DER (RFC 6733 §6.1.4)', () => {
  test('answers 3003 DIAMETER_REALM_NOT_SERVED with the E bit for a foreign Destination-Realm', async () => {
    const r = await rig();
    const result = await runAuthentication(
      (f) => r.exchange(f),
      nasOptions(devicePeer(), { destinationRealm: 'elsewhere.example' }),
    );
    assert.equal(result.resultCode, ResultCode.DIAMETER_REALM_NOT_SERVED);
    assert.equal(result.lastAnswer!.flags & E_BIT, E_BIT);
    assert.equal(result.lastAnswer!.find(AvpCode.AuthApplicationId)?.asUnsigned32(), 5);
    assert.equal(result.lastAnswer!.find(AvpCode.AuthRequestType)?.asUnsigned32(), 3);
    assert.equal(r.app.conversationCount, 0);
  });

  test('serves the realms of servedRealms (case-insensitively)', async () => {
    const r = await rig({ servedRealms: ['Meters.Example'] });
    const result = await runAuthentication(
      (f) => r.exchange(f),
      nasOptions(devicePeer(), { destinationRealm: 'meters.example' }),
    );
    assert.equal(result.success, true);
  });
});
