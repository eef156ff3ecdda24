import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CommandFlag,
  MessageView,
  encodeMessage,
  octets,
  raw,
  u32,
  utf8,
  type AvpSpec,
} from '../../../src/diameter/codec/index.js';
import {
  ApplicationId,
  AuthRequestType,
  AvpCode,
  CommandCode,
  ResultCode,
} from '../../../src/diameter/dict/constants.gen.js';
import { buildDer, type DerSpec, type NasClientOptions } from '../../../src/app/nas-client.js';
import { EapPskPeer } from '../../../src/eap/index.js';

const PSK = Buffer.alloc(16, 7);

function nas(extra: Partial<NasClientOptions> = {}): NasClientOptions {
  return {
    originHost: 'nas-1.bench.example',
    originRealm: 'bench.example',
    destinationRealm: 'aaa.example',
    nextSessionId: () => 'unused',
    peer: new EapPskPeer({ peerId: 'dev@bench.example', psk: PSK }),
    ...extra,
  };
}

/** The DER as the generic encoder writes it from AVP specs (the reference for buildDer). */
function reference(o: NasClientOptions, d: DerSpec): Buffer {
  const avps: AvpSpec[] = [
    utf8(AvpCode.SessionId, d.sessionId),
    u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
    utf8(AvpCode.OriginHost, o.originHost),
    utf8(AvpCode.OriginRealm, o.originRealm),
    utf8(AvpCode.DestinationRealm, o.destinationRealm),
    u32(AvpCode.AuthRequestType, AuthRequestType.AUTHORIZE_AUTHENTICATE),
  ];
  const server = d.previous?.find(AvpCode.OriginHost);
  if (server !== undefined) avps.push(octets(AvpCode.DestinationHost, Buffer.from(server.data)));
  if (d.userName !== undefined) avps.push(utf8(AvpCode.UserName, d.userName));
  avps.push(octets(AvpCode.EAPPayload, d.eapPayload));
  if (o.requestKeyName ?? true) avps.push(octets(AvpCode.EAPKeyName, Buffer.alloc(0)));
  for (const s of d.previous?.findAll(AvpCode.State) ?? []) avps.push(raw(Buffer.from(s.raw)));
  if (o.calledStationId !== undefined) avps.push(utf8(AvpCode.CalledStationId, o.calledStationId));
  if (o.callingStationId !== undefined) avps.push(utf8(AvpCode.CallingStationId, o.callingStationId));
  if (o.framedMtu !== undefined) avps.push(u32(AvpCode.FramedMTU, o.framedMtu));
  return encodeMessage({
    commandCode: CommandCode.DiameterEAP,
    applicationId: ApplicationId.DiameterEAP,
    flags: CommandFlag.R | CommandFlag.P,
    hopByHop: 0,
    endToEnd: d.endToEnd,
    avps,
  });
}

/** A DEA 1001 with Origin-Host and two State AVPs of lengths that need padding. */
function dea(): MessageView {
  return new MessageView(
    encodeMessage({
      commandCode: CommandCode.DiameterEAP,
      applicationId: ApplicationId.DiameterEAP,
      flags: CommandFlag.P,
      hopByHop: 1,
      endToEnd: 2,
      avps: [
        utf8(AvpCode.SessionId, 'nas-1;1;2'),
        u32(AvpCode.ResultCode, ResultCode.DIAMETER_MULTI_ROUND_AUTH),
        utf8(AvpCode.OriginHost, 'aaa-7.aaa.example'),
        utf8(AvpCode.OriginRealm, 'aaa.example'),
        octets(AvpCode.State, Buffer.from('state-one')),
        octets(AvpCode.State, Buffer.from('st2')),
        octets(AvpCode.EAPPayload, Buffer.from('01010005', 'hex')),
      ],
    }),
  );
}

describe('buildDer (RFC 4072 §3.1) with its cached fixed AVPs and raw State echo', () => {
  test('writes the first DER octet for octet like the generic encoder', () => {
    const o = nas();
    const d: DerSpec = {
      sessionId: 'nas-1.bench.example;1;7',
      endToEnd: 0x01020304,
      eapPayload: Buffer.from('0200001601', 'hex'),
      userName: 'dev@bench.example',
    };
    assert.deepEqual(buildDer(o, d), reference(o, d));
  });

  test('names the answering server and echoes every State of the previous DEA, padded', () => {
    const o = nas();
    const d: DerSpec = {
      sessionId: 'nas-1.bench.example;1;8',
      endToEnd: 9,
      eapPayload: Buffer.from('020200070102ff', 'hex'),
      userName: 'dév@bench.example',
      previous: dea(),
    };
    const der = buildDer(o, d);
    assert.deepEqual(der, reference(o, d));
    const view = new MessageView(der);
    assert.equal(view.find(AvpCode.DestinationHost)?.asUtf8(), 'aaa-7.aaa.example');
    assert.deepEqual(
      view.findAll(AvpCode.State).map((s) => s.data.toString()),
      ['state-one', 'st2'],
    );
  });

  test('follows the options: no EAP-Key-Name, station ids, Framed-MTU, no User-Name', () => {
    const o = nas({
      requestKeyName: false,
      calledStationId: '00-11-22-33-44-55:ssid',
      callingStationId: '66-77-88-99-aa-bb',
      framedMtu: 1400,
    });
    const d: DerSpec = { sessionId: 's;1', endToEnd: 3, eapPayload: Buffer.alloc(0), userName: undefined };
    const der = buildDer(o, d);
    assert.deepEqual(der, reference(o, d));
    assert.equal(new MessageView(der).find(AvpCode.EAPKeyName), undefined);
  });

  test('uses the realms of each call even for an Origin-Host seen before with other realms', () => {
    const d: DerSpec = { sessionId: 's;2', endToEnd: 4, eapPayload: Buffer.from('02'), userName: 'a' };
    const first = nas();
    assert.deepEqual(buildDer(first, d), reference(first, d));
    const other = nas({ originRealm: 'other.example', destinationRealm: 'far.example' });
    assert.deepEqual(buildDer(other, d), reference(other, d));
  });
});
