import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDeviceLookup } from '../../../src/app/device-lookup.js';
import { createRadiusBackend } from '../../../src/app/radius-backend.js';
import { EapCode, EapType, parseEapPacket } from '../../../src/eap/index.js';
import { ClientTable } from '../../../src/radius/client-table.js';
import { MsAttr, RadiusAttr, RadiusCode, VENDOR_MICROSOFT } from '../../../src/radius/constants.js';
import { reassembleEapMessage } from '../../../src/radius/eap-message.js';
import { decryptMppeKey } from '../../../src/radius/mppe-key.js';
import type { RadiusPacket } from '../../../src/radius/packet.js';
import { RadiusRequestHandler } from '../../../src/radius/request-handler.js';
import { parseVendorSpecific } from '../../../src/radius/vendor-specific.js';
import { ManualClock } from '../../../src/util/manual-clock.js';
import { accessRequest, readResponse, SECRET } from '../radius/fixtures.js';
import { authResults, DEVICE, devicePeer, deviceStore, MAC_LOCKED, OTHER_PSK } from './fixtures.js';

const REMOTE = { address: '192.0.2.7', port: 40000 };
const IDENTITY_REQUEST = Buffer.from([EapCode.Request, 0, 0, 5, EapType.Identity]);
const MPPE_HALF = 32;

function recvKey(packet: RadiusPacket, requestAuthenticator: Buffer): Buffer | undefined {
  for (const vsa of packet.all(RadiusAttr.VendorSpecific)) {
    const parsed = parseVendorSpecific(vsa.value);
    if (parsed?.vendorId !== VENDOR_MICROSOFT) continue;
    for (const sub of parsed.attributes)
      if (sub.type === MsAttr.MppeRecvKey) return decryptMppeKey(sub.value, SECRET, requestAuthenticator);
  }
  return undefined;
}

async function radiusRig() {
  const store = await deviceStore();
  const clock = new ManualClock();
  const handler = new RadiusRequestHandler({
    clients: new ClientTable([{ name: 'ap-1', address: '192.0.2.0/24', secret: SECRET.toString() }]),
    backend: createRadiusBackend({
      serverId: 'aaa.eapd.test',
      lookupFor: createDeviceLookup({ store, keyCacheSize: 4 }),
      clock,
    }),
    clock,
  });
  return { handler, clock };
}

/** Drives one device through the RADIUS front with the RADIUS tests' client. */
async function radiusRun(
  handler: RadiusRequestHandler,
  identity: string,
  psk?: Buffer,
  extra: { callingStationId?: string } = {},
) {
  const peer = devicePeer(identity, psk);
  let eap = (peer.receive(IDENTITY_REQUEST) as { packet: Buffer }).packet;
  let state: Buffer | undefined;
  const attributes =
    extra.callingStationId === undefined
      ? []
      : [{ type: RadiusAttr.CallingStationId, value: Buffer.from(extra.callingStationId) }];
  for (let identifier = 1; identifier < 10; identifier++) {
    const req = accessRequest({ identifier, eap, ...(state === undefined ? {} : { state }), attributes });
    const res = readResponse(await handler.handle(req.datagram, REMOTE), req);
    const eapOut = reassembleEapMessage(res);
    assert.ok(eapOut, 'every answer carries EAP');
    if (res.code !== RadiusCode.AccessChallenge) {
      const step = peer.receive(eapOut);
      return { res, req, step, peer };
    }
    state = res.get(RadiusAttr.State);
    const step = peer.receive(eapOut);
    assert.equal(step.kind, 'response');
    eap = (step as { packet: Buffer }).packet;
  }
  throw new Error('no final RADIUS answer');
}

describe('RADIUS adapter (the same EAP engine behind RFC 3579)', () => {
  test("authenticates a device through the RADIUS front: Access-Accept with the peer's MSK in MS-MPPE keys", async () => {
    const { handler } = await radiusRig();
    const { value, events } = await authResults(() => radiusRun(handler, DEVICE));
    assert.equal(value.res.code, RadiusCode.AccessAccept);
    assert.equal(value.step.kind, 'success');
    const msk = value.peer.msk!;
    assert.deepEqual(recvKey(value.res, value.req.authenticator), msk.subarray(0, MPPE_HALF));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.transport, 'radius');
    assert.equal(events[0]!.result, 'success');
    assert.equal(events[0]!.method, 'psk');
    assert.equal(events[0]!.identity, DEVICE);
    assert.equal(events[0]!.nas, 'ap-1');
    assert.equal(events[0]!.rounds, 3);
  });

  test('rejects a wrong PSK with Access-Reject + EAP-Failure and one failure event', async () => {
    const { handler } = await radiusRig();
    const { value, events } = await authResults(() => radiusRun(handler, DEVICE, OTHER_PSK));
    assert.equal(value.res.code, RadiusCode.AccessReject);
    const eap = parseEapPacket(reassembleEapMessage(value.res)!);
    assert.ok(eap.ok && eap.value.code === EapCode.Failure);
    assert.deepEqual(
      events.map((e) => [e.transport, e.result, e.reason]),
      [['radius', 'failure', 'bad_mac_p']],
    );
  });

  test('applies the capture policy to the RADIUS Calling-Station-Id', async () => {
    const { handler } = await radiusRig();
    const { value, events } = await authResults(() =>
      radiusRun(handler, MAC_LOCKED, undefined, { callingStationId: '02-00-00-00-00-09' }),
    );
    assert.equal(value.res.code, RadiusCode.AccessReject);
    assert.equal(events[0]!.reason, 'policy_rejected');
    assert.equal(events[0]!.detail, 'mac_not_allowed');
    assert.equal(events[0]!.callingStationId, '02-00-00-00-00-09');
  });

  test('publishes one timeout result when the RADIUS front forgets an idle conversation', async () => {
    const { handler, clock } = await radiusRig();
    const peer = devicePeer();
    const eap = (peer.receive(IDENTITY_REQUEST) as { packet: Buffer }).packet;
    const { events } = await authResults(async () => {
      const req = accessRequest({ identifier: 1, eap });
      const res = readResponse(await handler.handle(req.datagram, REMOTE), req);
      assert.equal(res.code, RadiusCode.AccessChallenge);
      clock.advance(61_000);
      // Any datagram lets the front sweep its table.
      const other = accessRequest({ identifier: 2, eap });
      await handler.handle(other.datagram, REMOTE);
    });
    const timeouts = events.filter((e) => e.reason === 'timeout');
    assert.equal(timeouts.length, 1);
    assert.equal(timeouts[0]!.transport, 'radius');
    assert.equal(timeouts[0]!.durationSeconds, 61);
  });

  test('closing after success or failure publishes nothing more', () => {
    const backend = createRadiusBackend({
      serverId: 'aaa.eapd.test',
      lookupFor: () => async () => ({ kind: 'unknown' }),
    });
    return authResults(async () => {
      const conv = backend.open({ clientName: 'ap-1', sourceAddress: '192.0.2.7' });
      const step = await conv.process(Buffer.from([EapCode.Response, 1, 0, 5, EapType.Nak]));
      assert.equal(step.kind, 'failure');
      conv.close('failure');
    }).then(({ events }) => {
      assert.equal(events.length, 1);
      assert.equal(events[0]!.reason, 'unexpected_packet');
      assert.equal(events[0]!.method, 'none');
    });
  });
});
