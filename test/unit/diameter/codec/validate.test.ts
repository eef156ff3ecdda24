import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MessageView } from '../../../../src/diameter/codec/message-view.js';
import { validateMessage } from '../../../../src/diameter/codec/validate.js';
import {
  A,
  CER,
  Code,
  DER,
  DPR,
  EAP_APP,
  F,
  avpBytes,
  derAvps,
  derFrame,
  frameBytes,
  testDictionary,
  textData,
  u32Data,
} from '../../../helpers/diameter-frames.js';

const dict = testDictionary();
const check = (frame: Buffer) => validateMessage(dict, new MessageView(frame));

/** Replace the AVP at index i of a DER. */
function derWith(i: number, avp: Buffer): Buffer {
  const avps = derAvps();
  avps[i] = avp;
  return derFrame(avps);
}
const withoutIndex = (i: number): Buffer[] => derAvps().filter((_, j) => j !== i);

describe('validateMessage: accepted messages', () => {
  test('accepts a first DER as a RADIUS gateway sends it', () => {
    assert.equal(check(derFrame()), undefined);
  });
  test('accepts EAP AVPs without the M bit (RFC 4072 gives no flag table)', () => {
    assert.equal(
      check(derWith(10, avpBytes({ code: Code.EapPayload, flags: 0, data: Buffer.from([2, 1, 0, 4]) }))),
      undefined,
    );
  });
  test('ignores an unknown AVP without the M bit', () => {
    assert.equal(
      check(derFrame([...derAvps(), avpBytes({ code: 60000, flags: 0, data: Buffer.from('x') })])),
      undefined,
    );
  });
  test('accepts a NAS-Port-Type value outside the listed names (open IANA registry)', () => {
    assert.equal(check(derWith(8, avpBytes({ code: Code.NasPortType, data: u32Data(40) }))), undefined);
  });
  test('accepts a DWA answer and an error answer in answer-message layout', () => {
    const dwa = frameBytes({
      flags: 0,
      code: 280,
      avps: [
        avpBytes({ code: Code.ResultCode, data: u32Data(2001) }),
        avpBytes({ code: Code.OriginHost, data: textData('a.example') }),
        avpBytes({ code: Code.OriginRealm, data: textData('example') }),
      ],
    });
    assert.equal(check(dwa), undefined);
    const err = frameBytes({
      flags: F.E | F.P,
      code: DER,
      appId: EAP_APP,
      avps: [
        avpBytes({ code: Code.OriginHost, data: textData('a.example') }),
        avpBytes({ code: Code.OriginRealm, data: textData('example') }),
        avpBytes({ code: Code.ResultCode, data: u32Data(3001) }),
      ],
    });
    assert.equal(check(err), undefined);
  });
});

describe('validateMessage: header (RFC 6733 §3)', () => {
  test('answers version 2 with 5011', () => {
    const f = derFrame();
    f[0] = 2;
    assert.deepEqual(check(f), { resultCode: 5011, errorBit: false, message: 'unsupported version 2' });
  });
  test('answers a length not matching the frame with 5015', () => {
    const f = frameBytes({ flags: F.R | F.P, code: DER, appId: EAP_APP, avps: derAvps(), length: 24 });
    assert.equal(check(f)?.resultCode, 5015);
  });
  test('answers a frame shorter than the header with 5015 and does not throw', () => {
    assert.equal(check(Buffer.from([1, 0, 0, 8, 0x80, 0, 1, 1]))?.resultCode, 5015);
  });
  test('answers the E bit in a request with 3008 and the E bit', () => {
    const e = check(derFrame(derAvps(), F.R | F.P | F.E));
    assert.equal(e?.resultCode, 3008);
    assert.equal(e?.errorBit, true);
    assert.equal(e?.failedAvp, undefined);
  });
  test('answers a reserved header bit with 5013', () => {
    const e = check(derFrame(derAvps(), F.R | F.P | 0x01));
    assert.equal(e?.resultCode, 5013);
    assert.equal(e?.errorBit, false);
  });
  test('answers a DER without the P bit (PXY command) with 3008', () => {
    assert.equal(check(derFrame(derAvps(), F.R))?.resultCode, 3008);
  });
  test('answers a CER with the P bit (not proxiable) with 3008', () => {
    assert.equal(check(frameBytes({ flags: F.R | F.P, code: CER, avps: [] }))?.resultCode, 3008);
  });
  test('notes the T bit in an answer as 3008', () => {
    assert.equal(check(frameBytes({ flags: F.T, code: 280, avps: [] }))?.resultCode, 3008);
  });
  test('answers an unknown command with 3001 and the E bit', () => {
    const e = check(frameBytes({ flags: F.R, code: 9999, avps: [] }));
    assert.equal(e?.resultCode, 3001);
    assert.equal(e?.errorBit, true);
  });
});

describe('validateMessage: AVP flags (RFC 6733 §4.1)', () => {
  test('answers a reserved AVP flag bit with 3009 and the AVP in Failed-AVP', () => {
    const bad = avpBytes({ code: Code.UserName, flags: A.M | 0x01, data: textData('u') });
    const e = check(derWith(7, bad));
    assert.equal(e?.resultCode, 3009);
    assert.equal(e?.errorBit, true);
    assert.deepEqual(e?.failedAvp, bad.subarray(0, 9));
  });
  test('answers the M bit on Error-Message (MUST NOT M) with 3009', () => {
    const bad = avpBytes({ code: Code.ErrorMessage, flags: A.M, data: textData('x') });
    const f = frameBytes({
      flags: 0,
      code: 280,
      avps: [
        avpBytes({ code: Code.ResultCode, data: u32Data(2001) }),
        avpBytes({ code: Code.OriginHost, data: textData('a') }),
        avpBytes({ code: Code.OriginRealm, data: textData('b') }),
        bad,
      ],
    });
    assert.equal(check(f)?.resultCode, 3009);
  });
  test('answers the V bit with vendor 0 on a base AVP (MUST NOT V) with 3009', () => {
    const bad = avpBytes({ code: Code.UserName, flags: A.M | A.V, vendorId: 0, data: textData('u') });
    const e = check(derWith(7, bad));
    assert.equal(e?.resultCode, 3009);
    assert.deepEqual(e?.failedAvp, bad.subarray(0, 13));
  });
});

describe('validateMessage: unknown AVPs', () => {
  test('answers an unknown AVP with M with 5001 and that AVP in Failed-AVP', () => {
    const unknown = avpBytes({ code: 60000, flags: A.M, data: Buffer.from([1, 2, 3]) });
    const e = check(derFrame([...derAvps(), unknown]));
    assert.equal(e?.resultCode, 5001);
    assert.equal(e?.errorBit, false);
    assert.deepEqual(e?.failedAvp, unknown.subarray(0, 11));
  });
  test('answers an unknown vendor AVP with M with 5001', () => {
    const unknown = avpBytes({ code: 1, flags: A.M | A.V, vendorId: 10415, data: u32Data(7) });
    const e = check(derFrame([...derAvps(), unknown]));
    assert.equal(e?.resultCode, 5001);
    assert.deepEqual(e?.failedAvp, unknown);
  });
});

describe('validateMessage: AVP length (5014, RFC 6733 §7.1.5)', () => {
  test('answers an AVP longer than the message with 5014 and its header with a minimal zero payload', () => {
    const avps = derAvps();
    const last = avpBytes({ code: Code.FramedMtu, data: u32Data(1400), length: 200 });
    const e = check(derFrame([...avps.slice(0, 10), last]));
    assert.equal(e?.resultCode, 5014);
    // header (code 12, flags M, length rewritten to 12) + 4 zero octets (Unsigned32)
    assert.deepEqual(
      e?.failedAvp,
      Buffer.concat([Buffer.from([0, 0, 0, 12, A.M, 0, 0, 12]), Buffer.alloc(4)]),
    );
  });
  test('answers an AVP length under the header size with 5014', () => {
    const e = check(
      derFrame([...derAvps(), avpBytes({ code: Code.UserName, data: Buffer.alloc(4), length: 4 })]),
    );
    assert.equal(e?.resultCode, 5014);
    assert.deepEqual(e?.failedAvp, Buffer.from([0, 0, 0, 1, A.M, 0, 0, 8]));
  });
  test('answers an Unsigned32 with 5 octets with 5014', () => {
    const e = check(derWith(9, avpBytes({ code: Code.FramedMtu, data: Buffer.alloc(5) })));
    assert.equal(e?.resultCode, 5014);
    assert.deepEqual(
      e?.failedAvp,
      Buffer.concat([Buffer.from([0, 0, 0, 12, A.M, 0, 0, 12]), Buffer.alloc(4)]),
    );
  });
  test('answers a truncated trailing AVP header with 5014 and a zero-padded header', () => {
    const body = Buffer.concat([...derAvps(), Buffer.from([0, 0, 1, 7])]);
    const f = frameBytes({ flags: F.R | F.P, code: DER, appId: EAP_APP, avps: [body] });
    const e = check(f);
    assert.equal(e?.resultCode, 5014);
    assert.deepEqual(e?.failedAvp, Buffer.from([0, 0, 1, 7, 0, 0, 0, 8]));
  });
});

describe('validateMessage: values (5004)', () => {
  test('answers an Enumerated value outside a closed enumeration with 5004', () => {
    const bad = avpBytes({ code: Code.AuthRequestType, data: u32Data(9) });
    const e = check(derWith(5, bad));
    assert.equal(e?.resultCode, 5004);
    assert.deepEqual(e?.failedAvp, bad);
  });
  test('answers an Address with an unknown family with 5004', () => {
    const bad = avpBytes({ code: Code.HostIpAddress, data: Buffer.from([0, 9, 1, 2, 3, 4]) });
    const cer = frameBytes({
      flags: F.R,
      code: CER,
      avps: [
        avpBytes({ code: Code.OriginHost, data: textData('a') }),
        avpBytes({ code: Code.OriginRealm, data: textData('b') }),
        bad,
        avpBytes({ code: Code.VendorId, data: u32Data(0) }),
        avpBytes({ code: Code.ProductName, flags: 0, data: textData('p') }),
      ],
    });
    const e = check(cer);
    assert.equal(e?.resultCode, 5004);
    assert.deepEqual(e?.failedAvp, bad.subarray(0, 14));
  });
  test('answers an IPv4 Address with 16 octets with 5004', () => {
    const bad = avpBytes({
      code: Code.HostIpAddress,
      data: Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(16)]),
    });
    const cer = frameBytes({
      flags: F.R,
      code: CER,
      avps: [
        avpBytes({ code: Code.OriginHost, data: textData('a') }),
        avpBytes({ code: Code.OriginRealm, data: textData('b') }),
        bad,
        avpBytes({ code: Code.VendorId, data: u32Data(0) }),
        avpBytes({ code: Code.ProductName, flags: 0, data: textData('p') }),
      ],
    });
    assert.equal(check(cer)?.resultCode, 5004);
  });
  test('answers invalid UTF-8 in a UTF8String with 5004', () => {
    assert.equal(
      check(derWith(7, avpBytes({ code: Code.UserName, data: Buffer.from([0xff, 0xfe]) })))?.resultCode,
      5004,
    );
  });
  test('answers a DiameterIdentity with a space with 5004', () => {
    assert.equal(
      check(derWith(2, avpBytes({ code: Code.OriginHost, data: textData('gw example') })))?.resultCode,
      5004,
    );
  });
});

describe('validateMessage: grammar (RFC 6733 §3.2)', () => {
  test('answers a missing Origin-Host with 5005 and an example AVP with a zero minimal payload', () => {
    const e = check(derFrame(withoutIndex(2)));
    assert.equal(e?.resultCode, 5005);
    assert.deepEqual(e?.failedAvp, Buffer.from([0, 0, 1, 8, A.M, 0, 0, 8]));
  });
  test('answers a missing EAP-Payload with 5005', () => {
    const e = check(derFrame(withoutIndex(10)));
    assert.equal(e?.resultCode, 5005);
    assert.deepEqual(e?.failedAvp, Buffer.from([0, 0, 1, 0xce, A.M, 0, 0, 8]));
  });
  test('answers a missing Auth-Application-Id with an example holding 4 zero octets', () => {
    const e = check(derFrame(withoutIndex(1)));
    assert.equal(e?.resultCode, 5005);
    assert.deepEqual(e?.failedAvp, Buffer.from([0, 0, 1, 2, A.M, 0, 0, 12, 0, 0, 0, 0]));
  });
  test('answers a Session-Id that is not first with 5008', () => {
    const avps = derAvps();
    const e = check(derFrame([avps[1]!, avps[0]!, ...avps.slice(2)]));
    assert.equal(e?.resultCode, 5008);
    assert.deepEqual(
      e?.failedAvp,
      avps[0]!.subarray(0, 8 + 'gw.example.net;1;2;psk.user@example.com'.length),
    );
  });
  test('answers a second User-Name with 5009 and the second occurrence in Failed-AVP', () => {
    const second = avpBytes({ code: Code.UserName, data: textData('other') });
    const e = check(derFrame([...derAvps(), second]));
    assert.equal(e?.resultCode, 5009);
    assert.deepEqual(e?.failedAvp, second.subarray(0, 13));
  });
  test('answers an AVP outside a grammar without * [ AVP ] with 5008 (Vendor-Specific-Application-Id)', () => {
    const vsai = avpBytes({
      code: 260,
      data: Buffer.concat([
        avpBytes({ code: Code.VendorId, data: u32Data(10415) }),
        avpBytes({ code: Code.UserName, data: textData('x') }),
      ]),
    });
    const cer = frameBytes({
      flags: F.R,
      code: CER,
      avps: [
        avpBytes({ code: Code.OriginHost, data: textData('a') }),
        avpBytes({ code: Code.OriginRealm, data: textData('b') }),
        avpBytes({ code: Code.HostIpAddress, data: Buffer.from([0, 1, 192, 0, 2, 1]) }),
        avpBytes({ code: Code.VendorId, data: u32Data(0) }),
        avpBytes({ code: Code.ProductName, flags: 0, data: textData('p') }),
        vsai,
      ],
    });
    const e = check(cer);
    assert.equal(e?.resultCode, 5008);
    assert.deepEqual(e?.failedAvp, avpBytes({ code: Code.UserName, data: textData('x') }).subarray(0, 9));
  });
  test('validates grouped AVPs recursively: Proxy-Info without Proxy-State gives 5005', () => {
    const pi = avpBytes({
      code: Code.ProxyInfo,
      data: avpBytes({ code: Code.ProxyHost, data: textData('proxy.example') }),
    });
    const e = check(derFrame([...derAvps(), pi]));
    assert.equal(e?.resultCode, 5005);
    assert.deepEqual(e?.failedAvp, Buffer.from([0, 0, 0, 33, A.M, 0, 0, 8]));
  });
  test('answers a DPR missing Disconnect-Cause with 5005', () => {
    const dpr = frameBytes({
      flags: F.R,
      code: DPR,
      avps: [
        avpBytes({ code: Code.OriginHost, data: textData('a') }),
        avpBytes({ code: Code.OriginRealm, data: textData('b') }),
      ],
    });
    assert.equal(check(dpr)?.resultCode, 5005);
  });
  test('reports only the first error, in message order', () => {
    const avps = derAvps();
    avps[5] = avpBytes({ code: Code.AuthRequestType, data: u32Data(9) }); // 5004
    avps.push(avpBytes({ code: 60000, data: u32Data(1) })); // 5001 later
    assert.equal(check(derFrame(avps))?.resultCode, 5004);
  });
});
