import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeAccessPoint, parseCalledStationId } from '../../../src/store/access-point.js';
import { isStoreError, StoreErrorCode } from '../../../src/store/store-error.js';

describe('Called-Station-Id parsing (RFC 3580 §3.20)', () => {
  test('reads the RFC example 00-10-A4-23-19-C0:AP1 as MAC and SSID', () => {
    assert.deepEqual(parseCalledStationId('00-10-A4-23-19-C0:AP1'), {
      mac: '00-10-A4-23-19-C0',
      ssid: 'AP1',
    });
  });
  test('reads a colon-separated MAC followed by an SSID that itself holds colons', () => {
    assert.deepEqual(parseCalledStationId('00:10:a4:23:19:c0:Lab:2'), {
      mac: '00-10-A4-23-19-C0',
      ssid: 'Lab:2',
    });
  });
  test('treats a MAC without SSID or with an empty one as having no SSID', () => {
    assert.deepEqual(parseCalledStationId('0010a42319c0'), { mac: '00-10-A4-23-19-C0' });
    assert.deepEqual(parseCalledStationId('00-10-A4-23-19-C0:'), { mac: '00-10-A4-23-19-C0' });
  });
  test('returns undefined for a value that does not start with a MAC', () => {
    assert.equal(parseCalledStationId('nas-01'), undefined);
    assert.equal(parseCalledStationId('00-10-A4-23-19-C0;x'), undefined);
  });
  test('normalises an allowed-AP rule to upper-case dash form and keeps the SSID case', () => {
    assert.equal(normalizeAccessPoint('00:10:a4:23:19:c0:Office'), '00-10-A4-23-19-C0:Office');
  });
  test('refuses a rule that is not MAC[:SSID] or whose SSID exceeds 32 octets', () => {
    for (const bad of ['office', '00-10-A4-23-19-C0:' + 'x'.repeat(33), '00-10-A4-23-19-C0:a\tb']) {
      assert.throws(
        () => normalizeAccessPoint(bad),
        (e) => isStoreError(e, StoreErrorCode.BadAccessPoint),
        bad,
      );
    }
  });
});
