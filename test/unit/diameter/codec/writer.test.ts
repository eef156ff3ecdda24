import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readUint24, writeUint24 } from '../../../../src/diameter/codec/header.js';
import { MessageView } from '../../../../src/diameter/codec/message-view.js';
import {
  address,
  avp,
  encodeMessage,
  f64,
  grouped,
  i32,
  octets,
  raw,
  time,
  u32,
  u64,
  utf8,
} from '../../../../src/diameter/codec/writer.js';
import {
  A,
  Code,
  F,
  avpBytes,
  frameBytes,
  testDictionary,
  textData,
  u32Data,
  u64Data,
} from '../../../helpers/diameter-frames.js';

const dict = testDictionary();
const msg = (avps: Parameters<typeof encodeMessage>[0]['avps']) =>
  encodeMessage({
    commandCode: 280,
    applicationId: 0,
    flags: F.R,
    hopByHop: 0x11223344,
    endToEnd: 0x55667788,
    avps,
  });

describe('encodeMessage', () => {
  test('writes the header and AVPs byte for byte like the field-by-field builder', () => {
    const got = msg([utf8(Code.OriginHost, 'a.example'), u32(Code.ResultCode, 2001), u64(287, 5n)]);
    const want = frameBytes({
      flags: F.R,
      code: 280,
      avps: [
        avpBytes({ code: Code.OriginHost, data: textData('a.example') }),
        avpBytes({ code: Code.ResultCode, data: u32Data(2001) }),
        avpBytes({ code: 287, data: u64Data(5n) }),
      ],
    });
    assert.deepEqual(got, want);
  });
  test('writes and reads 24-bit fields at their bounds (command code, lengths)', () => {
    for (const commandCode of [0, 1, 0x123456, 0xffffff]) {
      const m = encodeMessage({
        commandCode,
        applicationId: 0,
        flags: 0,
        hopByHop: 0,
        endToEnd: 0,
        avps: [],
      });
      assert.equal(m.readUIntBE(5, 3), commandCode);
      assert.equal(readUint24(m, 5), commandCode);
      assert.equal(readUint24(m, 1), 20);
    }
    const b = Buffer.alloc(3);
    for (const v of [0, 0xff, 0x100, 0xabcdef, 0xffffff]) {
      writeUint24(b, 0, v);
      assert.equal(b.readUIntBE(0, 3), v);
      assert.equal(readUint24(b, 0), v);
    }
  });
  test('refuses a command code that does not fit 24 bits', () => {
    for (const commandCode of [-1, 0x1000000, 1.5])
      assert.throws(
        () => encodeMessage({ commandCode, applicationId: 0, flags: 0, hopByHop: 0, endToEnd: 0, avps: [] }),
        RangeError,
      );
  });
  test('zero-fills padding even in a reused allocation', () => {
    for (let i = 0; i < 50; i++) {
      const m = msg([utf8(Code.OriginHost, 'abc')]);
      assert.deepEqual(m.subarray(20 + 11, 24 + 8), Buffer.from([0]));
    }
  });
  test('sets V and the Vendor-Id for a vendor AVP', () => {
    const m = msg([u32(1, 7, { vendorId: 10415 })]);
    assert.deepEqual(
      m.subarray(20),
      avpBytes({ code: 1, flags: A.M | A.V, vendorId: 10415, data: u32Data(7) }),
    );
  });
  test('nests grouped AVPs and copies raw AVPs through unchanged', () => {
    const state = avpBytes({ code: Code.ProxyState, data: Buffer.from([1, 2, 3]) }).subarray(0, 11);
    const m = msg([grouped(Code.ProxyInfo, [utf8(Code.ProxyHost, 'p'), raw(state)])]);
    const want = avpBytes({
      code: Code.ProxyInfo,
      data: Buffer.concat([
        avpBytes({ code: Code.ProxyHost, data: textData('p') }),
        avpBytes({ code: Code.ProxyState, data: Buffer.from([1, 2, 3]) }),
      ]),
    });
    assert.deepEqual(m.subarray(20), want);
  });
  test('encodes Address, Time, Integer32, Float64 and octets readable by AvpView', () => {
    const when = new Date('2024-05-01T12:00:00Z');
    const m = new MessageView(
      msg([
        address(257, '192.0.2.1'),
        address(257, '2001:db8::1'),
        time(55, when),
        i32(1000, -5),
        f64(1001, 1.5),
        octets(24, Buffer.from([9, 8])),
      ]),
    );
    const avps = [...m.avps()];
    assert.equal(avps[0]!.asAddress(), '192.0.2.1');
    assert.equal(avps[1]!.asAddress(), '2001:db8:0:0:0:0:0:1');
    assert.equal(avps[2]!.asTime().getTime(), when.getTime());
    assert.equal(avps[3]!.asInteger32(), -5);
    assert.equal(avps[4]!.asFloat64(), 1.5);
    assert.deepEqual(avps[5]!.asOctets(), Buffer.from([9, 8]));
  });
  test('encodes an IPv4-mapped IPv6 address', () => {
    const m = new MessageView(msg([address(257, '::ffff:192.0.2.1')]));
    assert.equal(m.find(257)!.asAddress(), '0:0:0:0:0:ffff:c000:201');
  });
});

describe('avp (dictionary-aware)', () => {
  test('takes code, type and M flag from the dictionary', () => {
    const m = msg([
      avp(dict, 'Origin-Host', 'a.example'),
      avp(dict, 'Redirect-Host-Usage', 'ALL_USER'),
      avp(dict, 'Accounting-EAP-Auth-Method', 47n),
    ]);
    const v = new MessageView(m);
    assert.equal(v.find(Code.OriginHost)!.flags, A.M);
    assert.equal(v.find(261)!.asUnsigned32(), 6);
    assert.equal(v.find(465)!.asUnsigned64(), 47n);
  });
  test('sends Error-Message without the M bit (MUST NOT M)', () => {
    assert.equal(new MessageView(msg([avp(dict, 'Error-Message', 'x')])).find(Code.ErrorMessage)!.flags, 0);
  });
  test('throws on a value that does not fit the type (programming error)', () => {
    assert.throws(() => avp(dict, 'Result-Code', 'x'), TypeError);
    assert.throws(() => avp(dict, 'No-Such-AVP', 1), /no AVP named/);
  });
});

describe('MessageView / AvpView', () => {
  test('reads header fields and finds AVPs without decoding others', () => {
    const f = frameBytes({
      flags: F.R | F.P | F.T,
      code: 268,
      appId: 5,
      hopByHop: 7,
      endToEnd: 9,
      avps: [
        avpBytes({ code: Code.UserName, data: textData('u') }),
        avpBytes({ code: Code.State, data: Buffer.from([1]) }),
        avpBytes({ code: Code.State, data: Buffer.from([2]) }),
      ],
    });
    const m = new MessageView(f);
    assert.deepEqual(
      [
        m.version,
        m.length,
        m.isRequest,
        m.isProxiable,
        m.isError,
        m.isRetransmit,
        m.commandCode,
        m.applicationId,
        m.hopByHop,
        m.endToEnd,
      ],
      [1, f.length, true, true, false, true, 268, 5, 7, 9],
    );
    assert.equal(m.find(Code.UserName)!.asUtf8(), 'u');
    assert.deepEqual(
      m.findAll(Code.State).map((a) => a.asOctets()[0]),
      [1, 2],
    );
    assert.equal(m.find(Code.UserName, 10415), undefined);
  });
  test('asOctets shares memory with the frame', () => {
    const f = frameBytes({
      flags: 0,
      code: 280,
      avps: [avpBytes({ code: Code.State, data: Buffer.from([1, 2]) })],
    });
    const d = new MessageView(f).find(Code.State)!.asOctets();
    f[28] = 0x77;
    assert.equal(d[0], 0x77);
  });
  test('iterates grouped children and finds inside them', () => {
    const f = frameBytes({
      flags: 0,
      code: 280,
      avps: [
        avpBytes({
          code: Code.ProxyInfo,
          data: Buffer.concat([
            avpBytes({ code: Code.ProxyHost, data: textData('p') }),
            avpBytes({ code: Code.ProxyState, data: Buffer.from([5]) }),
          ]),
        }),
      ],
    });
    const pi = new MessageView(f).find(Code.ProxyInfo)!;
    assert.deepEqual(
      [...pi.children()].map((c) => c.code),
      [Code.ProxyHost, Code.ProxyState],
    );
    assert.equal(pi.find(Code.ProxyState)!.asOctets()[0], 5);
  });
  test('stops iterating at an AVP with a length under 8 instead of looping', () => {
    const f = frameBytes({
      flags: 0,
      code: 280,
      avps: [avpBytes({ code: Code.State, data: Buffer.alloc(4), length: 0 })],
    });
    assert.equal([...new MessageView(f).avps()].length, 1);
  });
});
