import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeMac, parseMac } from '../../../src/store/mac-address.js';
import { isStoreError, StoreErrorCode } from '../../../src/store/store-error.js';

describe('MAC normalisation (RFC 3580 §3.21)', () => {
  for (const spelling of [
    'aa:bb:cc:dd:ee:0f',
    'AA-BB-CC-DD-EE-0F',
    'aabbccddee0f',
    'AABB.CCDD.EE0F',
    ' aa-bb-cc-dd-ee-0f ',
  ]) {
    test(`reads ${JSON.stringify(spelling)} as AA-BB-CC-DD-EE-0F`, () => {
      assert.equal(normalizeMac(spelling), 'AA-BB-CC-DD-EE-0F');
    });
  }

  for (const bad of [
    '',
    'aa:bb:cc:dd:ee',
    'aa:bb-cc:dd:ee:ff',
    'aabbccddeeff00',
    'gg:bb:cc:dd:ee:ff',
    'aa:bb:cc:dd:ee:ff:',
  ]) {
    test(`refuses ${JSON.stringify(bad)} with EAPD_BAD_MAC`, () => {
      assert.equal(parseMac(bad), undefined);
      assert.throws(
        () => normalizeMac(bad),
        (e) => isStoreError(e, StoreErrorCode.BadMac),
      );
    });
  }
});
