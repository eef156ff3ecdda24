import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { integerAttribute } from '../../../src/radius/attribute.js';
import { ManualClock } from '../../../src/util/manual-clock.js';
import { computeMessageAuthenticator } from '../../../src/radius/authenticators.js';
import { ClientTable } from '../../../src/radius/client-table.js';
import { MsAttr, RadiusAttr, RadiusCode, VENDOR_MICROSOFT } from '../../../src/radius/constants.js';
import type { EapStep } from '../../../src/radius/eap-backend.js';
import { reassembleEapMessage } from '../../../src/radius/eap-message.js';
import {
  RadiusChannel,
  type RadiusConversationEvent,
  type RadiusDropEvent,
  type RadiusResponseEvent,
} from '../../../src/radius/events.js';
import { decryptMppeKey } from '../../../src/radius/mppe-key.js';
import { buildAccessRequest } from '../../../src/radius/packet-builder.js';
import { RadiusPacket } from '../../../src/radius/packet.js';
import { RadiusRequestHandler, type RequestHandlerOptions } from '../../../src/radius/request-handler.js';
import { parseVendorSpecific } from '../../../src/radius/vendor-specific.js';
import {
  accessRequest,
  collect,
  eapFailure,
  FakeBackend,
  identityResponse,
  MSK,
  pskRequest,
  pskResponse,
  readResponse,
  SECRET,
  SESSION_ID,
  twoRoundScript,
} from './fixtures.js';

const NAS = { address: '192.0.2.10', port: 40000 };

function setup(
  backend: FakeBackend,
  options: Partial<Omit<RequestHandlerOptions, 'clients' | 'backend'>> = {},
) {
  const clock = new ManualClock();
  const handler = new RadiusRequestHandler({
    clients: new ClientTable([{ name: 'ap-1', address: '192.0.2.0/24', secret: SECRET.toString() }]),
    backend,
    clock,
    ...options,
  });
  return { handler, advance: (ms: number) => clock.advance(ms) };
}

function msKeys(packet: RadiusPacket, requestAuthenticator: Buffer): { recv?: Buffer; send?: Buffer } {
  const out: { recv?: Buffer; send?: Buffer } = {};
  for (const vsa of packet.all(RadiusAttr.VendorSpecific)) {
    const parsed = parseVendorSpecific(vsa.value);
    if (parsed?.vendorId !== VENDOR_MICROSOFT) continue;
    for (const sub of parsed.attributes) {
      const key = decryptMppeKey(sub.value, SECRET, requestAuthenticator);
      if (sub.type === MsAttr.MppeRecvKey && key) out.recv = key;
      if (sub.type === MsAttr.MppeSendKey && key) out.send = key;
    }
  }
  return out;
}

/** Runs the identity round and returns the challenge and its State. */
async function firstRound(
  handler: RadiusRequestHandler,
  extra: Parameters<typeof accessRequest>[0]['attributes'] = [],
) {
  const request = accessRequest({
    identifier: 1,
    eap: identityResponse(1, 'sensor-0001@iot.example'),
    attributes: extra,
  });
  const challenge = readResponse(await handler.handle(request.datagram, NAS), request);
  const state = challenge.get(RadiusAttr.State);
  assert.ok(state);
  return { challenge, state: Buffer.from(state) };
}

describe('RadiusRequestHandler: EAP conversation', () => {
  test('answers EAP-Response/Identity with Access-Challenge: MAC first, EAP-Message, State, Session-Timeout', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend, { challengeTimeoutSeconds: 20 });
    const { challenge, state } = await firstRound(handler);
    assert.equal(challenge.code, RadiusCode.AccessChallenge);
    assert.equal(challenge.attributes[0]?.type, RadiusAttr.MessageAuthenticator);
    assert.deepEqual(reassembleEapMessage(challenge), pskRequest(2));
    assert.ok(state.length >= 16);
    assert.equal(challenge.get(RadiusAttr.SessionTimeout)?.readUInt32BE(0), 20);
    assert.deepEqual(backend.processed, [identityResponse(1, 'sensor-0001@iot.example')]);
  });

  test('gives the engine the NAS context of the first request', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    await firstRound(handler, [
      { type: RadiusAttr.NasIpAddress, value: Buffer.from([192, 0, 2, 10]) },
      { type: RadiusAttr.NasIdentifier, value: Buffer.from('ap-1.example') },
      { type: RadiusAttr.CalledStationId, value: Buffer.from('00-11-22-33-44-55:iot') },
      { type: RadiusAttr.CallingStationId, value: Buffer.from('66-77-88-99-AA-BB') },
      integerAttribute(RadiusAttr.FramedMtu, 1400),
      integerAttribute(RadiusAttr.NasPortType, 19),
    ]);
    assert.deepEqual(backend.opened, [
      {
        clientName: 'ap-1',
        sourceAddress: '192.0.2.10',
        nasIpAddress: '192.0.2.10',
        nasIdentifier: 'ap-1.example',
        calledStationId: '00-11-22-33-44-55:iot',
        callingStationId: '66-77-88-99-AA-BB',
        userName: 'sensor-0001@iot.example',
        nasPortType: 19,
        framedMtu: 1400,
      },
    ]);
  });

  test('ends with Access-Accept: EAP-Success, MPPE keys from the MSK, User-Name, MAC first', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const accept = readResponse(await handler.handle(request.datagram, NAS), request);
    assert.equal(accept.code, RadiusCode.AccessAccept);
    assert.equal(accept.attributes[0]?.type, RadiusAttr.MessageAuthenticator);
    assert.deepEqual(reassembleEapMessage(accept), Buffer.from([3, 2, 0, 4]));
    const keys = msKeys(accept, request.authenticator);
    assert.deepEqual(keys.recv, MSK.subarray(0, 32));
    assert.deepEqual(keys.send, MSK.subarray(32, 64));
    assert.equal(accept.get(RadiusAttr.UserName)?.toString(), 'sensor-0001@iot.example');
    assert.equal(accept.has(RadiusAttr.EapKeyName), false, 'EAP-Key-Name only when asked');
    assert.equal(accept.has(RadiusAttr.State), false);
    assert.deepEqual(backend.closed, ['success']);
    assert.equal(handler.conversationCount, 0);
  });

  test('returns EAP-Key-Name with the EAP Session-Id when the NAS asked for it', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    // eapol_test sends EAP-Key-Name as one zero octet
    const keyName = { type: RadiusAttr.EapKeyName, value: Buffer.from([0]) };
    const { state } = await firstRound(handler, [keyName]);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state, attributes: [keyName] });
    const accept = readResponse(await handler.handle(request.datagram, NAS), request);
    assert.deepEqual(accept.get(RadiusAttr.EapKeyName), SESSION_ID);
  });

  test('adds policy attributes to the Access-Accept but never ones eapd owns', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend, {
      acceptAttributes: (context, peer) => [
        integerAttribute(RadiusAttr.SessionTimeout, 3600),
        { type: RadiusAttr.Class, value: Buffer.from(`${context.clientName}/${peer.peerId}/${peer.method}`) },
        { type: RadiusAttr.State, value: Buffer.from('sneaky') },
        { type: RadiusAttr.EapMessage, value: Buffer.from([4, 9, 0, 4]) },
      ],
    });
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const accept = readResponse(await handler.handle(request.datagram, NAS), request);
    assert.equal(accept.get(RadiusAttr.SessionTimeout)?.readUInt32BE(0), 3600);
    assert.equal(accept.get(RadiusAttr.Class)?.toString(), 'ap-1/sensor-0001@iot.example/47');
    assert.equal(accept.has(RadiusAttr.State), false);
    assert.deepEqual(reassembleEapMessage(accept), Buffer.from([3, 2, 0, 4]));
  });

  test('ends with Access-Reject carrying EAP-Failure and a MAC first', async () => {
    const backend = new FakeBackend(
      twoRoundScript((eap) => ({
        kind: 'failure',
        packet: eapFailure(eap[1]!),
        reason: 'bad MAC_P',
        peerId: 'x',
      })),
    );
    const { handler } = setup(backend);
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const events = await collect<RadiusConversationEvent>(RadiusChannel.Conversation, async () => {
      const reject = readResponse(await handler.handle(request.datagram, NAS), request);
      assert.equal(reject.code, RadiusCode.AccessReject);
      assert.equal(reject.attributes[0]?.type, RadiusAttr.MessageAuthenticator);
      assert.deepEqual(reassembleEapMessage(reject), eapFailure(2));
      assert.equal(reject.has(RadiusAttr.VendorSpecific), false);
    });
    assert.deepEqual(events, [{ client: 'ap-1', outcome: 'failure', peerId: 'x' }]);
    assert.deepEqual(backend.closed, ['failure']);
  });

  test('answers EAP-Start (empty EAP-Message) by opening a conversation', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 5, eap: Buffer.alloc(0) });
    const challenge = readResponse(await handler.handle(request.datagram, NAS), request);
    assert.equal(challenge.code, RadiusCode.AccessChallenge);
    assert.deepEqual(backend.processed, [Buffer.alloc(0)]);
  });

  test('carries EAP packets over 253 octets in several EAP-Message attributes both ways', async () => {
    const big = pskRequest(2, 600);
    const backend = new FakeBackend((_eap, round) =>
      round === 0 ? { kind: 'request', packet: big } : { kind: 'request', packet: pskRequest(3) },
    );
    const { handler } = setup(backend);
    const { challenge, state } = await firstRound(handler);
    assert.equal(challenge.all(RadiusAttr.EapMessage).length, 3);
    assert.deepEqual(reassembleEapMessage(challenge), big);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2, 300), state });
    readResponse(await handler.handle(request.datagram, NAS), request);
    assert.deepEqual(backend.processed[1], pskResponse(2, 300));
  });

  test('echoes Proxy-State attributes in order', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const { challenge } = await firstRound(handler, [
      { type: RadiusAttr.ProxyState, value: Buffer.from('first') },
      { type: RadiusAttr.ProxyState, value: Buffer.from('second') },
    ]);
    assert.deepEqual(
      challenge.all(RadiusAttr.ProxyState).map((a) => a.value.toString()),
      ['first', 'second'],
    );
  });

  test('re-sends the previous request when the engine reissues it, and stays silent otherwise', async () => {
    const backend = new FakeBackend((_eap, round) => {
      if (round === 0) return { kind: 'request', packet: pskRequest(2) };
      if (round === 1) return { kind: 'invalid', reason: 'bad identifier', reissue: pskRequest(2) };
      return { kind: 'invalid', reason: 'garbage', reissue: undefined };
    });
    const { handler } = setup(backend);
    const { state } = await firstRound(handler);
    const second = accessRequest({ identifier: 2, eap: pskResponse(9), state });
    const again = readResponse(await handler.handle(second.datagram, NAS), second);
    assert.equal(again.code, RadiusCode.AccessChallenge);
    assert.deepEqual(reassembleEapMessage(again), pskRequest(2));
    assert.deepEqual(again.get(RadiusAttr.State), state);
    const third = accessRequest({ identifier: 3, eap: pskResponse(9), state });
    const drops = await collect<RadiusDropEvent>(RadiusChannel.Drop, async () => {
      assert.equal(await handler.handle(third.datagram, NAS), undefined);
    });
    assert.deepEqual(
      drops.map((d) => d.reason),
      ['eap-invalid'],
    );
    assert.equal(handler.conversationCount, 1);
  });

  test('rejects a first request whose EAP packet is not Identity, without calling the engine', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1, eap: pskResponse(4) });
    const reject = readResponse(await handler.handle(request.datagram, NAS), request);
    assert.equal(reject.code, RadiusCode.AccessReject);
    assert.deepEqual(reassembleEapMessage(reject), eapFailure(4));
    assert.equal(backend.opened.length, 0);
  });

  test('rejects an unknown State and a State issued to another client', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const handler = new RadiusRequestHandler({
      clients: new ClientTable([
        { name: 'ap-1', address: '192.0.2.10', secret: SECRET.toString() },
        { name: 'ap-2', address: '192.0.2.20', secret: SECRET.toString() },
      ]),
      backend,
    });
    const { state } = await firstRound(handler);
    const unknown = accessRequest({ identifier: 2, eap: pskResponse(2), state: Buffer.alloc(16, 7) });
    assert.equal(
      readResponse(await handler.handle(unknown.datagram, NAS), unknown).code,
      RadiusCode.AccessReject,
    );
    const other = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const fromOther = readResponse(
      await handler.handle(other.datagram, { address: '192.0.2.20', port: 1 }),
      other,
    );
    assert.equal(fromOther.code, RadiusCode.AccessReject);
    assert.equal(backend.processed.length, 1);
  });

  test('forgets a conversation idle for longer than the idle timeout', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler, advance } = setup(backend, { conversationIdleSeconds: 10 });
    const { state } = await firstRound(handler);
    advance(10_000);
    handler.sweep();
    assert.deepEqual(backend.closed, ['timeout']);
    const late = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    assert.equal(readResponse(await handler.handle(late.datagram, NAS), late).code, RadiusCode.AccessReject);
  });

  test('rejects an Access-Request without EAP-Message (this front is EAP only)', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1 });
    const reject = readResponse(await handler.handle(request.datagram, NAS), request);
    assert.equal(reject.code, RadiusCode.AccessReject);
    assert.equal(reject.has(RadiusAttr.EapMessage), false);
    assert.equal(backend.opened.length, 0);
  });

  test('drops and ends the conversation when the engine throws', async () => {
    const backend = new FakeBackend((_eap, round) => {
      if (round === 0) return { kind: 'request', packet: pskRequest(2) };
      throw new Error('store unavailable');
    });
    const { handler } = setup(backend);
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const drops = await collect<RadiusDropEvent>(RadiusChannel.Drop, async () => {
      assert.equal(await handler.handle(request.datagram, NAS), undefined);
    });
    assert.deepEqual(drops, [
      {
        reason: 'backend-error',
        address: NAS.address,
        port: NAS.port,
        client: 'ap-1',
        detail: 'store unavailable',
      },
    ]);
    assert.deepEqual(backend.closed, ['error']);
  });

  test('drops a success whose MSK is too short rather than sending unusable keys', async () => {
    const backend = new FakeBackend(
      twoRoundScript((eap) => ({
        kind: 'success',
        packet: Buffer.from([3, eap[1]!, 0, 4]),
        msk: Buffer.alloc(32),
        emsk: Buffer.alloc(64),
        sessionId: SESSION_ID,
        peerId: 'p',
        method: 47,
      })),
    );
    const { handler } = setup(backend);
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    assert.equal(await handler.handle(request.datagram, NAS), undefined);
    assert.deepEqual(backend.closed, ['error']);
  });
});

describe('RadiusRequestHandler: policy hook failures', () => {
  test('ends the conversation with error, not success, when the Accept cannot be built', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend, {
      acceptAttributes: () => [{ type: RadiusAttr.Class, value: Buffer.alloc(254) }],
    });
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const events = await collect<RadiusConversationEvent>(RadiusChannel.Conversation, async () => {
      assert.equal(await handler.handle(request.datagram, NAS), undefined);
    });
    assert.deepEqual(
      events.map((e) => e.outcome),
      ['error'],
    );
    assert.deepEqual(backend.closed, ['error']);
  });

  test('ends the conversation with error when the policy hook throws', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend, {
      acceptAttributes: () => {
        throw new Error('policy store down');
      },
    });
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const drops = await collect<RadiusDropEvent>(RadiusChannel.Drop, async () => {
      assert.equal(await handler.handle(request.datagram, NAS), undefined);
    });
    assert.deepEqual(
      drops.map((d) => [d.reason, d.detail]),
      [['backend-error', 'policy store down']],
    );
    assert.deepEqual(backend.closed, ['error']);
    assert.equal(handler.conversationCount, 0);
  });
});

describe('RadiusRequestHandler: what is dropped', () => {
  async function dropsOf(
    handler: RadiusRequestHandler,
    datagram: Buffer,
    remote = NAS,
  ): Promise<RadiusDropEvent[]> {
    return collect<RadiusDropEvent>(RadiusChannel.Drop, async () => {
      assert.equal(await handler.handle(datagram, remote), undefined);
    });
  }

  test('drops a request from an unknown client and reports it', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
    const drops = await dropsOf(handler, request.datagram, { address: '198.51.100.1', port: 1812 });
    assert.deepEqual(drops, [{ reason: 'unknown-client', address: '198.51.100.1', port: 1812 }]);
    assert.equal(backend.opened.length, 0);
  });

  test('drops a request without Message-Authenticator (Blast-RADIUS)', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
    // Strip the Message-Authenticator (first attribute, 18 octets).
    const stripped = Buffer.concat([request.datagram.subarray(0, 20), request.datagram.subarray(38)]);
    stripped.writeUInt16BE(stripped.length, 2);
    const drops = await dropsOf(handler, stripped);
    assert.deepEqual(
      drops.map((d) => d.reason),
      ['missing-message-authenticator'],
    );
    assert.equal(backend.opened.length, 0);
  });

  test('drops a request with a wrong Message-Authenticator (wrong secret)', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({
      identifier: 1,
      eap: identityResponse(1, 'x'),
      secret: Buffer.from('not-the-secret'),
    });
    const drops = await dropsOf(handler, request.datagram);
    assert.deepEqual(
      drops.map((d) => [d.reason, d.detail]),
      [['bad-message-authenticator', 'mismatch']],
    );
  });

  test('drops a request with a tampered attribute', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
    const tampered = Buffer.from(request.datagram);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    assert.deepEqual(
      (await dropsOf(handler, tampered)).map((d) => d.reason),
      ['bad-message-authenticator'],
    );
  });

  test('drops malformed datagrams and codes it does not serve', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    assert.deepEqual(
      (await dropsOf(handler, Buffer.alloc(10))).map((d) => [d.reason, d.detail]),
      [['malformed', 'too-short']],
    );
    const accounting = Buffer.from(accessRequest({ identifier: 1 }).datagram);
    accounting[0] = 4; // Accounting-Request
    assert.deepEqual(
      (await dropsOf(handler, accounting)).map((d) => d.reason),
      ['unsupported-code'],
    );
  });

  test('never throws or rejects on arbitrary datagrams from a known client', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const valid = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') }).datagram;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
          fc
            .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
              minLength: 1,
              maxLength: 4,
            })
            .map((edits) => {
              const copy = Buffer.from(valid);
              for (const [at, v] of edits) copy[at] = v;
              return copy;
            }),
        ),
        async (datagram) => {
          const response = await handler.handle(datagram, NAS);
          // Only a request whose MAC still verifies earns an answer, and the answer is well formed.
          if (response !== undefined) assert.ok(RadiusPacket.parse(response).ok);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('RadiusRequestHandler: retransmissions (RFC 5080 §2.2.2)', () => {
  test('replays the cached response to a retransmission without calling the engine', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
    const first = await handler.handle(request.datagram, NAS);
    const events = await collect<RadiusResponseEvent>(RadiusChannel.Response, async () => {
      const second = await handler.handle(Buffer.from(request.datagram), NAS);
      assert.deepEqual(second, first);
    });
    assert.equal(backend.processed.length, 1);
    assert.equal(backend.opened.length, 1);
    assert.deepEqual(
      events.map((e) => [e.code, e.replayed]),
      [[RadiusCode.AccessChallenge, true]],
    );
  });

  test('replays the Access-Accept for a retransmitted final request after the conversation ended', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const { state } = await firstRound(handler);
    const request = accessRequest({ identifier: 2, eap: pskResponse(2), state });
    const accept = await handler.handle(request.datagram, NAS);
    assert.deepEqual(await handler.handle(request.datagram, NAS), accept);
    assert.equal(backend.processed.length, 2);
  });

  test('treats the same Identifier from another source port as a new request', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
    await handler.handle(request.datagram, NAS);
    await handler.handle(request.datagram, { ...NAS, port: NAS.port + 1 });
    assert.equal(backend.opened.length, 2);
  });

  test('drops a retransmission that arrives while the original is still being processed', async () => {
    let release: (step: EapStep) => void = () => undefined;
    const backend = new FakeBackend(() => new Promise<EapStep>((resolve) => (release = resolve)));
    const { handler } = setup(backend);
    const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
    const original = handler.handle(request.datagram, NAS);
    const drops = await collect<RadiusDropEvent>(RadiusChannel.Drop, async () => {
      assert.equal(await handler.handle(request.datagram, NAS), undefined);
    });
    assert.deepEqual(
      drops.map((d) => d.reason),
      ['duplicate-in-progress'],
    );
    release({ kind: 'request', packet: pskRequest(2) });
    assert.equal(readResponse(await original, request).code, RadiusCode.AccessChallenge);
    assert.equal(backend.processed.length, 1);
  });

  test('expires cached responses: a late copy is processed again', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler, advance } = setup(backend, { responseCacheSeconds: 5 });
    const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
    await handler.handle(request.datagram, NAS);
    advance(5_000);
    await handler.handle(request.datagram, NAS);
    assert.equal(backend.opened.length, 2);
  });
});

describe('RadiusRequestHandler: Status-Server (RFC 5997)', () => {
  test('answers a Status-Server with Message-Authenticator by Access-Accept', async () => {
    const backend = new FakeBackend(twoRoundScript());
    const { handler } = setup(backend);
    const datagram = buildAccessRequest({ identifier: 77, secret: SECRET, attributes: [] });
    datagram[0] = RadiusCode.StatusServer;
    // re-sign: the code octet is covered by the MAC
    computeMessageAuthenticator(datagram, 22, SECRET).copy(datagram, 22);
    const answer = readResponse(await handler.handle(datagram, NAS), {
      datagram,
      authenticator: datagram.subarray(4, 20),
      identifier: 77,
    });
    assert.equal(answer.code, RadiusCode.AccessAccept);
    assert.equal(backend.opened.length, 0);
  });
});
