import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  computeMessageAuthenticator,
  computeResponseAuthenticator,
  messageAuthenticatorInto,
} from '../../../src/radius/authenticators.js';
import { decryptMppeKey, encryptMppeKey } from '../../../src/radius/mppe-key.js';
import { nativeMd5, useNativeMd5 } from '../../../src/radius/native-md5.js';

function both<T>(run: () => T): { native: T; nodeCrypto: T } {
  assert.equal(useNativeMd5(true), true);
  const native = run();
  useNativeMd5(false);
  const nodeCrypto = run();
  useNativeMd5(true);
  return { native, nodeCrypto };
}

/** RFC 3579 §3.2 written independently: HMAC-MD5 with the value zeroed (and the Authenticator replaced). */
function referenceMac(frame: Buffer, at: number, secret: Buffer, override?: Buffer): string {
  const copy = Buffer.from(frame);
  copy.fill(0, at, at + 16);
  override?.copy(copy, 4);
  return createHmac('md5', secret).update(copy).digest('hex');
}

/** RFC 2865 §3 written independently. */
function referenceResponseAuthenticator(frame: Buffer, ra: Buffer, secret: Buffer): string {
  const copy = Buffer.from(frame);
  ra.copy(copy, 4);
  return createHash('md5')
    .update(Buffer.concat([copy, secret]))
    .digest('hex');
}

const frameAndMac = fc.integer({ min: 20 + 18, max: 400 }).chain((length) =>
  fc.record({
    frame: fc.uint8Array({ minLength: length, maxLength: length }).map((b) => Buffer.from(b)),
    at: fc.integer({ min: 20, max: length - 16 }),
  }),
);
// Secrets shorter and longer than MD5's 64-octet block (RFC 2104 §2 hashes the long ones).
const secret = fc.uint8Array({ minLength: 1, maxLength: 100 }).map((b) => Buffer.from(b));
const block16 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b));

describe('RADIUS MD5 backends (native addon and node:crypto)', () => {
  after(() => useNativeMd5(true));

  test('the native addon is built and in use (native/build.mjs, run on install)', () => {
    assert.equal(
      useNativeMd5(true),
      true,
      'native/build/Release/radius_md5.node missing: run npm run build:native',
    );
  });

  test('Message-Authenticator: both equal an independent HMAC-MD5, with and without the Authenticator replaced', () => {
    fc.assert(
      fc.property(
        frameAndMac,
        secret,
        fc.option(block16, { nil: undefined }),
        ({ frame, at }, key, override) => {
          const before = frame.toString('hex');
          const r = both(() => computeMessageAuthenticator(frame, at, key, override).toString('hex'));
          const expected = referenceMac(frame, at, key, override);
          assert.equal(r.native, expected);
          assert.equal(r.nodeCrypto, expected);
          assert.equal(frame.toString('hex'), before, 'the frame is not modified');
        },
      ),
      { numRuns: 300 },
    );
  });

  test('Message-Authenticator written into the frame itself is the one computed over its zeroed value', () => {
    fc.assert(
      fc.property(frameAndMac, secret, ({ frame, at }, key) => {
        const expected = referenceMac(frame, at, key);
        const r = both(() => {
          const copy = Buffer.from(frame);
          messageAuthenticatorInto(copy, at, key, copy, at);
          return copy.subarray(at, at + 16).toString('hex');
        });
        assert.equal(r.native, expected);
        assert.equal(r.nodeCrypto, expected);
      }),
      { numRuns: 100 },
    );
  });

  test('the per-secret HMAC states carry nothing between secrets (interleaved)', () => {
    fc.assert(
      fc.property(frameAndMac, fc.array(secret, { minLength: 2, maxLength: 8 }), ({ frame, at }, keys) => {
        const order = [...keys, ...keys.reverse()];
        for (const key of order)
          assert.equal(
            computeMessageAuthenticator(frame, at, key).toString('hex'),
            referenceMac(frame, at, key),
          );
      }),
      { numRuns: 50 },
    );
  });

  test('Response Authenticator: both equal an independent MD5', () => {
    fc.assert(
      fc.property(frameAndMac, block16, secret, ({ frame }, ra, key) => {
        const r = both(() => computeResponseAuthenticator(frame, ra, key).toString('hex'));
        const expected = referenceResponseAuthenticator(frame, ra, key);
        assert.equal(r.native, expected);
        assert.equal(r.nodeCrypto, expected);
      }),
      { numRuns: 200 },
    );
  });

  test('MS-MPPE keys: both encrypt alike, and each decrypts what the other encrypted', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 239 }).map((b) => Buffer.from(b)),
        secret,
        block16,
        fc.integer({ min: 0x8000, max: 0xffff }),
        (key, s, ra, saltValue) => {
          const salt = Buffer.from([saltValue >> 8, saltValue & 0xff]);
          const r = both(() => encryptMppeKey(key, s, ra, salt).toString('hex'));
          assert.equal(r.native, r.nodeCrypto);
          const crossed = both(() =>
            decryptMppeKey(Buffer.from(r.nodeCrypto, 'hex'), s, ra)?.toString('hex'),
          );
          assert.equal(crossed.native, key.toString('hex'));
          assert.equal(crossed.nodeCrypto, key.toString('hex'));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('the addon refuses ranges outside its Buffers with a RangeError, and writes nothing', () => {
    const addon = nativeMd5();
    assert.ok(addon);
    const state = Buffer.alloc(addon.stateLength);
    addon.hmacKey(Buffer.from('s'), state);
    const data = Buffer.alloc(40);
    const out = Buffer.alloc(16, 0xaa);
    const calls: [string, () => void][] = [
      ['end past the data', () => addon.hmac(state, data, 41, 20, null, out, 0)],
      ['zeroAt leaving no 16 octets', () => addon.hmac(state, data, 40, 25, null, out, 0)],
      ['zeroAt inside the Authenticator', () => addon.hmac(state, data, 40, 19, null, out, 0)],
      ['a 15-octet override', () => addon.hmac(state, data, 40, 20, Buffer.alloc(15), out, 0)],
      ['outAt leaving no 16 octets', () => addon.hmac(state, data, 40, 20, null, out, 1)],
      ['a short state', () => addon.hmac(Buffer.alloc(8), data, 40, 20, null, out, 0)],
      ['a negative end', () => addon.responseAuthenticator(data, -1, Buffer.alloc(16), data, out, 0)],
      [
        'a 3-octet salt',
        () => addon.mppe(data, Buffer.alloc(16), Buffer.alloc(3), Buffer.alloc(16), out, 0, false),
      ],
      [
        'input of 17 octets',
        () =>
          addon.mppe(data, Buffer.alloc(16), Buffer.alloc(2), Buffer.alloc(17), Buffer.alloc(32), 0, false),
      ],
      [
        'output too short',
        () => addon.mppe(data, Buffer.alloc(16), Buffer.alloc(2), Buffer.alloc(32), out, 0, false),
      ],
    ];
    for (const [what, call] of calls) {
      assert.throws(call, RangeError, what);
      assert.deepEqual(out, Buffer.alloc(16, 0xaa), `${what}: nothing written`);
    }
  });
});
