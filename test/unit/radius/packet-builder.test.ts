import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RadiusAttr, RadiusCode } from '../../../src/radius/constants.js';
import { buildAccessRequest, buildResponse } from '../../../src/radius/packet-builder.js';
import { RadiusPacket } from '../../../src/radius/packet.js';
import { SECRET } from './fixtures.js';

const requestAuthenticator = Buffer.alloc(16, 0x24);

describe('buildResponse', () => {
  test('writes code, identifier, length and Message-Authenticator as the first attribute', () => {
    const frame = buildResponse({
      code: RadiusCode.AccessChallenge,
      identifier: 200,
      requestAuthenticator,
      secret: SECRET,
      attributes: [
        { type: RadiusAttr.State, value: Buffer.alloc(16, 1) },
        { type: RadiusAttr.SessionTimeout, value: Buffer.from([0, 0, 0, 30]) },
      ],
    });
    const result = RadiusPacket.parse(frame);
    assert.ok(result.ok);
    assert.equal(result.packet.code, RadiusCode.AccessChallenge);
    assert.equal(result.packet.identifier, 200);
    assert.equal(result.packet.length, 20 + 18 + 18 + 6);
    assert.deepEqual(
      result.packet.attributes.map((a) => a.type),
      [RadiusAttr.MessageAuthenticator, RadiusAttr.State, RadiusAttr.SessionTimeout],
    );
  });

  test('refuses a caller-supplied Message-Authenticator, values over 253 octets, packets over 4096', () => {
    const base = { code: RadiusCode.AccessAccept, identifier: 1, requestAuthenticator, secret: SECRET };
    assert.throws(
      () =>
        buildResponse({
          ...base,
          attributes: [{ type: RadiusAttr.MessageAuthenticator, value: Buffer.alloc(16) }],
        }),
      RangeError,
    );
    assert.throws(
      () => buildResponse({ ...base, attributes: [{ type: 1, value: Buffer.alloc(254) }] }),
      RangeError,
    );
    const big = Array.from({ length: 16 }, () => ({ type: RadiusAttr.Class, value: Buffer.alloc(253) }));
    assert.throws(() => buildResponse({ ...base, attributes: big }), RangeError);
    // 20 + 18 + 15×255 + 2 + 78 = 4096 fits exactly
    const fits = [
      ...big.slice(0, 15),
      { type: RadiusAttr.Class, value: Buffer.alloc(4096 - 20 - 18 - 15 * 255 - 2) },
    ];
    assert.equal(buildResponse({ ...base, attributes: fits }).length, 4096);
  });
});

describe('buildAccessRequest', () => {
  test('uses a fresh random Request Authenticator each time', () => {
    const a = buildAccessRequest({ identifier: 1, secret: SECRET, attributes: [] });
    const b = buildAccessRequest({ identifier: 1, secret: SECRET, attributes: [] });
    assert.notDeepEqual(a.subarray(4, 20), b.subarray(4, 20));
    assert.equal(a[20], RadiusAttr.MessageAuthenticator);
  });
});
