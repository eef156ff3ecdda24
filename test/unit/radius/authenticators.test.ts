import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  checkRequestMessageAuthenticator,
  computeResponseAuthenticator,
  MessageAuthenticatorCheck,
  verifyResponse,
} from '../../../src/radius/authenticators.js';
import { RadiusAttr, RadiusCode } from '../../../src/radius/constants.js';
import { buildAccessRequest, buildResponse } from '../../../src/radius/packet-builder.js';
import { RadiusPacket } from '../../../src/radius/packet.js';
import { identityResponse, SECRET } from './fixtures.js';
import { RFC2865_7_1_ACCEPT, RFC2865_7_1_REQUEST, RFC2865_7_1_SECRET } from './rfc2865-examples.js';

function parse(datagram: Buffer): RadiusPacket {
  const result = RadiusPacket.parse(datagram);
  assert.ok(result.ok);
  return result.packet;
}

/** RFC 3579 §3.2 written independently: copy, zero the MAC value, set the authenticator, HMAC. */
function referenceMac(frame: Buffer, secret: Buffer, authenticator?: Buffer): Buffer {
  const copy = Buffer.from(frame);
  let offset = 20;
  while (copy[offset] !== RadiusAttr.MessageAuthenticator) offset += copy[offset + 1]!;
  copy.fill(0, offset + 2, offset + 18);
  if (authenticator) authenticator.copy(copy, 4);
  return createHmac('md5', secret).update(copy).digest();
}

describe('Response Authenticator (RFC 2865 §3)', () => {
  test('matches the RFC 2865 §7.1 Access-Accept', () => {
    const request = parse(RFC2865_7_1_REQUEST);
    const computed = computeResponseAuthenticator(
      RFC2865_7_1_ACCEPT,
      request.authenticator,
      RFC2865_7_1_SECRET,
    );
    assert.equal(computed.toString('hex'), '86fe220e7624ba2a1005f6bf9b55e0b2');
  });

  test('verifyResponse accepts the RFC 2865 §7.1 Access-Accept only when Message-Authenticator is optional', () => {
    const request = parse(RFC2865_7_1_REQUEST);
    const accept = parse(RFC2865_7_1_ACCEPT);
    assert.equal(verifyResponse(accept, request.authenticator, RFC2865_7_1_SECRET, false), true);
    assert.equal(verifyResponse(accept, request.authenticator, RFC2865_7_1_SECRET), false);
    assert.equal(verifyResponse(accept, request.authenticator, Buffer.from('xyzzy5462'), false), false);
  });
});

describe('Message-Authenticator (RFC 3579 §3.2)', () => {
  const attributes = [
    { type: RadiusAttr.UserName, value: Buffer.from('device@example') },
    { type: RadiusAttr.EapMessage, value: identityResponse(7, 'device@example') },
  ];

  test('an Access-Request carries it first, equal to an independent HMAC-MD5 of the packet', () => {
    const frame = buildAccessRequest({ identifier: 42, secret: SECRET, attributes });
    assert.equal(frame[20], RadiusAttr.MessageAuthenticator);
    assert.equal(frame[21], 18);
    assert.deepEqual(frame.subarray(22, 38), referenceMac(frame, SECRET));
  });

  test('a response carries it first, an HMAC over the packet with the Request Authenticator', () => {
    const requestAuthenticator = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const frame = buildResponse({
      code: RadiusCode.AccessChallenge,
      identifier: 42,
      requestAuthenticator,
      secret: SECRET,
      attributes,
    });
    assert.equal(frame[20], RadiusAttr.MessageAuthenticator);
    assert.deepEqual(frame.subarray(22, 38), referenceMac(frame, SECRET, requestAuthenticator));
    // and the Response Authenticator covers the finished MAC
    assert.deepEqual(
      frame.subarray(4, 20),
      computeResponseAuthenticator(frame, requestAuthenticator, SECRET),
    );
    assert.equal(verifyResponse(parse(frame), requestAuthenticator, SECRET), true);
  });

  test('a known answer: Access-Request with fixed authenticator', () => {
    const frame = buildAccessRequest({
      identifier: 1,
      secret: Buffer.from('testing123'),
      requestAuthenticator: Buffer.alloc(16, 0x11),
      attributes: [{ type: RadiusAttr.UserName, value: Buffer.from('bob') }],
    });
    // 01 01 002b 1111…11 50 12 <mac> 01 05 626f62 (43 octets); MAC computed by node:crypto over the zeroed frame.
    const zeroed = Buffer.from('0101002b' + '11'.repeat(16) + '5012' + '00'.repeat(16) + '0105626f62', 'hex');
    const expected = createHmac('md5', 'testing123').update(zeroed).digest();
    assert.equal(frame.length, 43);
    assert.deepEqual(frame.subarray(22, 38), expected);
    // The same value from Python's hmac module, pinned:
    assert.equal(frame.subarray(22, 38).toString('hex'), '313a12a03121f2b00dc30f081cf9a3ce');
  });

  test('verifies a valid request', () => {
    const frame = buildAccessRequest({ identifier: 1, secret: SECRET, attributes });
    assert.equal(checkRequestMessageAuthenticator(parse(frame), SECRET), MessageAuthenticatorCheck.Valid);
  });

  test('reports a request signed with another secret as a mismatch', () => {
    const frame = buildAccessRequest({ identifier: 1, secret: Buffer.from('other'), attributes });
    assert.equal(checkRequestMessageAuthenticator(parse(frame), SECRET), MessageAuthenticatorCheck.Mismatch);
  });

  test('reports any changed octet as a mismatch', () => {
    const frame = buildAccessRequest({ identifier: 1, secret: SECRET, attributes });
    for (const at of [1, 5, 30, 40, frame.length - 1]) {
      const copy = Buffer.from(frame);
      copy[at] = copy[at]! ^ 0x01;
      assert.equal(
        checkRequestMessageAuthenticator(parse(copy), SECRET),
        MessageAuthenticatorCheck.Mismatch,
        `octet ${at}`,
      );
    }
  });

  test('reports a request without it as missing (the Blast-RADIUS drop)', () => {
    assert.equal(
      checkRequestMessageAuthenticator(parse(RFC2865_7_1_REQUEST), SECRET),
      MessageAuthenticatorCheck.Missing,
    );
  });

  test('reports two of them, or one of the wrong length, as malformed', () => {
    const twice = buildAccessRequest({
      identifier: 1,
      secret: SECRET,
      attributes: [...attributes, { type: RadiusAttr.UserName, value: Buffer.alloc(16) }],
    });
    twice[twice.length - 18] = RadiusAttr.MessageAuthenticator; // turn the 16-octet User-Name into a second MAC
    assert.equal(checkRequestMessageAuthenticator(parse(twice), SECRET), MessageAuthenticatorCheck.Malformed);

    const short = buildAccessRequest({
      identifier: 1,
      secret: SECRET,
      attributes: [{ type: RadiusAttr.UserName, value: Buffer.alloc(15) }],
    });
    // Remove the real MAC: keep the header, and retag the 15-octet attribute as a MAC.
    const body = short.subarray(38);
    const frame = Buffer.concat([short.subarray(0, 20), body]);
    frame.writeUInt16BE(frame.length, 2);
    frame[20] = RadiusAttr.MessageAuthenticator;
    assert.equal(checkRequestMessageAuthenticator(parse(frame), SECRET), MessageAuthenticatorCheck.Malformed);
  });

  test('verifyResponse rejects a response whose MAC was recomputed without the Request Authenticator', () => {
    const requestAuthenticator = Buffer.alloc(16, 0x42);
    const frame = buildResponse({
      code: RadiusCode.AccessReject,
      identifier: 3,
      requestAuthenticator,
      secret: SECRET,
      attributes: [],
    });
    referenceMac(frame, SECRET).copy(frame, 22); // MAC over the (wrong) Response Authenticator field
    computeResponseAuthenticator(frame, requestAuthenticator, SECRET).copy(frame, 4);
    assert.equal(verifyResponse(parse(frame), requestAuthenticator, SECRET), false);
  });

  test('verifyResponse rejects a response with a second Message-Authenticator or one of another length', () => {
    const requestAuthenticator = Buffer.alloc(16, 0x42);
    const signed = buildResponse({
      code: RadiusCode.AccessReject,
      identifier: 4,
      requestAuthenticator,
      secret: SECRET,
      attributes: [],
    });
    /** The frame with its Length fixed and both authenticators recomputed: only the rule can reject it. */
    const resigned = (frame: Buffer): RadiusPacket => {
      frame.writeUInt16BE(frame.length, 2);
      if (frame[20] === RadiusAttr.MessageAuthenticator && frame[21] === 18)
        referenceMac(frame, SECRET, requestAuthenticator).copy(frame, 22);
      computeResponseAuthenticator(frame, requestAuthenticator, SECRET).copy(frame, 4);
      return parse(frame);
    };
    const twice = Buffer.concat([
      signed,
      Buffer.from([RadiusAttr.MessageAuthenticator, 18]),
      Buffer.alloc(16),
    ]);
    assert.equal(verifyResponse(resigned(twice), requestAuthenticator, SECRET), false);
    const cut = Buffer.concat([
      signed.subarray(0, 20),
      Buffer.from([RadiusAttr.MessageAuthenticator, 17]),
      Buffer.alloc(15),
    ]);
    // Not missing (that passes when Message-Authenticator is optional): malformed.
    assert.equal(verifyResponse(resigned(cut), requestAuthenticator, SECRET, false), false);
    assert.equal(verifyResponse(resigned(Buffer.from(signed)), requestAuthenticator, SECRET), true);
  });
});
