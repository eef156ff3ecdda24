import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerSkeleton, buildErrorAnswer, encodeAnswer } from '../../../../src/diameter/codec/answer.js';
import { MessageView } from '../../../../src/diameter/codec/message-view.js';
import { validateMessage } from '../../../../src/diameter/codec/validate.js';
import { u32 } from '../../../../src/diameter/codec/writer.js';
import {
  A,
  Code,
  DER,
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
const local = { originHost: 'aaa.example.org', originRealm: 'example.org' };
const proxyInfo = (n: number) =>
  avpBytes({
    code: Code.ProxyInfo,
    data: Buffer.concat([
      avpBytes({ code: Code.ProxyHost, data: textData(`p${n}.example`) }),
      avpBytes({ code: Code.ProxyState, data: Buffer.from([n]) }),
    ]),
  });

describe('answerSkeleton / encodeAnswer', () => {
  test('copies Hop-by-Hop, End-to-End, Session-Id, Proxy-Info in order and the P bit, never Destination-*', () => {
    const req = derFrame([
      ...derAvps(),
      avpBytes({ code: Code.DestinationHost, data: textData('aaa.example.org') }),
      proxyInfo(1),
      proxyInfo(2),
    ]);
    const ans = new MessageView(
      encodeAnswer(answerSkeleton(new MessageView(req)), [u32(Code.ResultCode, 1001)]),
    );
    assert.equal(ans.isRequest, false);
    assert.equal(ans.isProxiable, true);
    assert.equal(ans.isError, false);
    assert.deepEqual(
      [ans.commandCode, ans.applicationId, ans.hopByHop, ans.endToEnd],
      [DER, EAP_APP, 0x11223344, 0x55667788],
    );
    const codes = [...ans.avps()].map((a) => a.code);
    assert.deepEqual(codes, [Code.SessionId, Code.ResultCode, Code.ProxyInfo, Code.ProxyInfo]);
    assert.deepEqual(ans.find(Code.SessionId)!.raw, new MessageView(req).find(Code.SessionId)!.raw);
    assert.deepEqual(
      ans.findAll(Code.ProxyInfo).map((p) => p.find(Code.ProxyState)!.asOctets()[0]),
      [1, 2],
    );
    assert.equal(ans.find(Code.DestinationHost), undefined);
    assert.equal(ans.find(Code.DestinationRealm), undefined);
  });
});

describe('buildErrorAnswer', () => {
  test('answers 3xxx with the E bit in answer-message layout and a valid Failed-AVP', () => {
    const bad = avpBytes({ code: Code.UserName, flags: A.M | 0x01, data: textData('u') });
    const avps = derAvps();
    avps[7] = bad;
    const req = new MessageView(derFrame([...avps, proxyInfo(1)]));
    const err = validateMessage(dict, req)!;
    const ans = new MessageView(buildErrorAnswer(req, err, local));
    assert.equal(ans.isError, true);
    assert.equal(ans.isProxiable, true);
    assert.deepEqual(
      [...ans.avps()].map((a) => a.code),
      [
        Code.SessionId,
        Code.OriginHost,
        Code.OriginRealm,
        Code.ResultCode,
        Code.ErrorMessage,
        Code.FailedAvp,
        Code.ProxyInfo,
      ],
    );
    assert.equal(ans.find(Code.ResultCode)!.asUnsigned32(), 3009);
    assert.deepEqual(ans.find(Code.FailedAvp)!.find(Code.UserName)!.raw, bad.subarray(0, 9));
    assert.equal(ans.find(Code.ErrorMessage)!.flags & A.M, 0);
    assert.equal(validateMessage(dict, ans), undefined);
  });
  test('leaves out a Proxy-Info whose contents are not AVPs, keeps the well-formed ones in order, and stays valid', () => {
    // Found by the validator fuzzer (seed 1066777738): a 3xxx error earlier in the request, then a
    // Proxy-Info holding text. Echoing it made the answer itself malformed (5014 inside it).
    const bad = avpBytes({ code: Code.UserName, flags: A.M | 0x01, data: textData('u') });
    const avps = derAvps();
    avps[7] = bad;
    const notAvps = avpBytes({ code: Code.ProxyInfo, data: textData('example.org') });
    const req = new MessageView(derFrame([...avps, proxyInfo(1), notAvps, proxyInfo(2)]));
    const err = validateMessage(dict, req)!;
    assert.equal(err.resultCode, 3009);
    const ans = new MessageView(buildErrorAnswer(req, err, local));
    assert.deepEqual(
      ans.findAll(Code.ProxyInfo).map((p) => p.find(Code.ProxyState)!.asOctets()[0]),
      [1, 2],
    );
    assert.equal(validateMessage(dict, ans), undefined);
  });
  test('answers 5xxx with the E bit clear', () => {
    const req = new MessageView(derFrame([...derAvps(), avpBytes({ code: 60000, data: u32Data(1) })]));
    const err = validateMessage(dict, req)!;
    const ans = new MessageView(
      buildErrorAnswer(req, err, { ...local, originStateId: 42 }, [u32(Code.AuthApplicationId, 5)]),
    );
    assert.equal(ans.isError, false);
    assert.equal(ans.find(Code.ResultCode)!.asUnsigned32(), 5001);
    assert.equal(ans.find(278)!.asUnsigned32(), 42);
    assert.equal(ans.find(Code.AuthApplicationId)!.asUnsigned32(), 5);
    assert.deepEqual(ans.find(Code.FailedAvp)!.find(60000)!.asUnsigned32(), 1);
  });
  test('builds an answer for a request whose AVP list is broken (5014) without throwing', () => {
    const req = new MessageView(
      frameBytes({
        flags: F.R | F.P,
        code: DER,
        appId: EAP_APP,
        avps: [derAvps()[0]!, avpBytes({ code: Code.UserName, data: Buffer.alloc(4), length: 300 })],
      }),
    );
    const err = validateMessage(dict, req)!;
    assert.equal(err.resultCode, 5014);
    const ans = new MessageView(buildErrorAnswer(req, err, local));
    assert.equal(ans.find(Code.SessionId)!.asUtf8(), 'gw.example.net;1;2;psk.user@example.com');
    assert.deepEqual(
      ans.find(Code.FailedAvp)!.find(Code.UserName)!.raw,
      Buffer.from([0, 0, 0, 1, A.M, 0, 0, 8]),
    );
  });
});
