import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Aes128 } from '../../../../../src/eap/crypto/aes-128.js';
import { Cmac } from '../../../../../src/eap/crypto/cmac.js';
import {
  computeMacP,
  computeMacS,
  derivePskKeys,
  deriveSessionKeys,
  keyContext,
  pskSessionId,
} from '../../../../../src/eap/methods/psk/keys.js';
import { FREERADIUS, HOSTAPD } from '../../fixtures.js';

describe('EAP-PSK key derivation (RFC 4764 §3)', () => {
  test('derives the FreeRADIUS AK and KDK from the PSK (§3.1)', () => {
    const keys = derivePskKeys(FREERADIUS.psk);
    assert.deepEqual(keys.ak, FREERADIUS.ak);
    assert.deepEqual(keys.kdk, FREERADIUS.kdk);
  });

  test('derives the hostapd capture AK and KDK from the PSK (§3.1)', () => {
    const keys = derivePskKeys(HOSTAPD.psk);
    assert.deepEqual(keys.ak, HOSTAPD.ak);
    assert.deepEqual(keys.kdk, HOSTAPD.kdk);
  });

  test('derives the FreeRADIUS TEK from KDK and RAND_P (§3.2)', () => {
    assert.deepEqual(deriveSessionKeys(new Aes128(FREERADIUS.kdk), FREERADIUS.randP).tek, FREERADIUS.tek);
  });

  test('derives the hostapd capture TEK, MSK and EMSK (§3.2)', () => {
    const s = deriveSessionKeys(new Aes128(HOSTAPD.kdk), HOSTAPD.randP);
    assert.deepEqual(s.tek, HOSTAPD.tek);
    assert.deepEqual(s.msk, HOSTAPD.msk);
    assert.deepEqual(s.emsk, HOSTAPD.emsk);
  });

  test('computes the FreeRADIUS MAC_P and MAC_S (§5.2, §5.3)', () => {
    const ak = new Cmac(FREERADIUS.ak);
    const idS = Buffer.from(FREERADIUS.idS);
    assert.deepEqual(
      computeMacP(ak, Buffer.from(FREERADIUS.idP), idS, FREERADIUS.randS, FREERADIUS.randP),
      FREERADIUS.macP,
    );
    assert.deepEqual(computeMacS(ak, idS, FREERADIUS.randP), FREERADIUS.macS);
  });

  test('computes the hostapd capture MAC_P and MAC_S', () => {
    const ak = new Cmac(HOSTAPD.ak);
    const idS = Buffer.from(HOSTAPD.idS);
    assert.deepEqual(
      computeMacP(ak, Buffer.from(HOSTAPD.idP), idS, HOSTAPD.randS, HOSTAPD.randP),
      HOSTAPD.macP,
    );
    assert.deepEqual(computeMacS(ak, idS, HOSTAPD.randP), HOSTAPD.macS);
  });

  test('builds the EAP Session-Id as 0x2F ‖ RAND_P ‖ RAND_S', () => {
    assert.deepEqual(pskSessionId(HOSTAPD.randP, HOSTAPD.randS), HOSTAPD.sessionId);
  });

  test('caches one cipher context per keys object', () => {
    const keys = derivePskKeys(HOSTAPD.psk);
    assert.equal(keyContext(keys), keyContext(keys));
    assert.notEqual(keyContext(keys), keyContext({ ak: keys.ak, kdk: keys.kdk }));
  });

  test('a context made for plain keys computes the same MAC_S as the cached one', () => {
    const keys = derivePskKeys(HOSTAPD.psk);
    const plain = keyContext({ ak: Buffer.from(keys.ak), kdk: Buffer.from(keys.kdk) });
    const parts = [HOSTAPD.randP];
    assert.deepEqual(plain.ak.mac(parts), keyContext(keys).ak.mac(parts));
  });

  test('rejects a PSK that is not 16 octets', () => {
    assert.throws(() => derivePskKeys(Buffer.alloc(32)), RangeError);
  });
});
