import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readDer } from '../../../src/app/der-fields.js';
import {
  encodeMessage,
  MessageView,
  octets,
  u32,
  utf8,
  type AvpSpec,
} from '../../../src/diameter/codec/index.js';
import { AvpCode } from '../../../src/diameter/dict/constants.gen.js';

const VENDOR = { vendorId: 10415 };

function der(avps: readonly AvpSpec[]): MessageView {
  return new MessageView(
    encodeMessage({ commandCode: 268, applicationId: 5, flags: 0x80, hopByHop: 1, endToEnd: 2, avps }),
  );
}

describe('readDer (RFC 4072 §3.1 fields of a DER)', () => {
  test('reads every field, the first AVP of each code, and every State in order', () => {
    const payload = Buffer.from([2, 7, 0, 6, 1, 0x61]);
    const d = readDer(
      der([
        utf8(AvpCode.SessionId, 'nas;1;2'),
        utf8(AvpCode.SessionId, 'second;ignored'),
        u32(AvpCode.AuthRequestType, 3),
        utf8(AvpCode.OriginHost, 'nas.example'),
        utf8(AvpCode.OriginRealm, 'example'),
        utf8(AvpCode.DestinationRealm, 'iot.example'),
        utf8(AvpCode.UserName, 'meter@iot.example'),
        octets(AvpCode.EAPPayload, payload),
        octets(AvpCode.EAPKeyName, Buffer.alloc(0)),
        octets(AvpCode.State, Buffer.from('s1')),
        octets(AvpCode.State, Buffer.from('s2')),
        u32(AvpCode.FramedMTU, 1400),
        utf8(AvpCode.CalledStationId, '00-11-22-33-44-55:iot'),
        utf8(AvpCode.CallingStationId, '02-00-00-00-00-01'),
        utf8(AvpCode.UserName, 'second@ignored'),
      ]),
    );
    assert.equal(d.sessionId, 'nas;1;2');
    assert.equal(d.authRequestType, 3);
    assert.equal(d.originHost, 'nas.example');
    assert.equal(d.originRealm, 'example');
    assert.equal(d.destinationRealm, 'iot.example');
    assert.equal(d.userName, 'meter@iot.example');
    assert.deepEqual(d.eapPayload, payload);
    assert.equal(d.wantsKeyName, true);
    assert.deepEqual(
      d.states.map((s) => s.data.toString()),
      ['s1', 's2'],
    );
    assert.equal(d.framedMtu, 1400);
    assert.equal(d.calledStationId, '00-11-22-33-44-55:iot');
    assert.equal(d.callingStationId, '02-00-00-00-00-01');
  });

  test('absent fields read as undefined (Origin-Host/Realm as empty), vendor AVPs of the same code are not them', () => {
    const d = readDer(
      der([utf8(AvpCode.UserName, 'vendor@x', VENDOR), u32(AvpCode.FramedMTU, 1400, VENDOR)]),
    );
    assert.equal(d.sessionId, undefined);
    assert.equal(d.eapPayload, undefined);
    assert.equal(d.userName, undefined);
    assert.equal(d.framedMtu, undefined);
    assert.equal(d.originHost, '');
    assert.equal(d.originRealm, '');
    assert.equal(d.destinationRealm, undefined);
    assert.equal(d.authRequestType, undefined);
    assert.equal(d.wantsKeyName, false);
    assert.deepEqual(d.states, []);
  });

  test('an Unsigned32 field of the wrong size reads as undefined', () => {
    const d = readDer(
      der([octets(AvpCode.FramedMTU, Buffer.alloc(2)), octets(AvpCode.AuthRequestType, Buffer.alloc(8))]),
    );
    assert.equal(d.framedMtu, undefined);
    assert.equal(d.authRequestType, undefined);
  });

  test('the EAP-Payload is a copy, not a view of the frame', () => {
    const m = der([octets(AvpCode.EAPPayload, Buffer.from([2, 1, 0, 4]))]);
    const d = readDer(m);
    m.frame.fill(0);
    assert.deepEqual(d.eapPayload, Buffer.from([2, 1, 0, 4]));
  });
});
