import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePskHex, validateDevice, validateIdentity } from '../../../src/store/device-input.js';
import { isStoreError, StoreErrorCode } from '../../../src/store/store-error.js';
import { PSK, PSK_HEX } from './temp-store.js';

describe('device input validation', () => {
  test('accepts exactly 32 hex digits as a PSK', () => {
    assert.deepEqual(parsePskHex(PSK_HEX), PSK);
    assert.deepEqual(parsePskHex(PSK_HEX.toUpperCase()), PSK);
  });
  test('refuses a PSK of 31 or 34 digits or with a non-hex digit, without echoing it', () => {
    for (const bad of [PSK_HEX.substring(1), PSK_HEX + 'ab', 'zz' + PSK_HEX.substring(2)]) {
      assert.throws(
        () => parsePskHex(bad),
        (e) => isStoreError(e, StoreErrorCode.BadPsk) && !e.message.includes(bad.substring(4)),
      );
    }
  });
  test('refuses an empty identity, one with control characters, and one over 253 octets', () => {
    for (const bad of ['', 'a\nb', 'a\u0000b', 'a\u007fb', 'x'.repeat(254)]) {
      assert.throws(
        () => validateIdentity(bad),
        (e) => isStoreError(e, StoreErrorCode.BadIdentity),
        JSON.stringify(bad),
      );
    }
  });
  test('defaults group to "default" and enabled to true, and de-duplicates normalised lists', () => {
    const d = validateDevice({
      identity: 'a@b',
      psk: PSK,
      allowedMacs: ['aa:bb:cc:dd:ee:ff', 'AABBCCDDEEFF'],
    });
    assert.equal(d.group, 'default');
    assert.equal(d.enabled, true);
    assert.deepEqual(d.allowedMacs, ['AA-BB-CC-DD-EE-FF']);
  });
  test('refuses a 15-byte PSK buffer', () => {
    assert.throws(
      () => validateDevice({ identity: 'a@b', psk: PSK.subarray(1) }),
      (e) => isStoreError(e, StoreErrorCode.BadPsk),
    );
  });
});
