import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Device } from '../../../src/store/device.js';
import { AccessDecision, checkStationAccess } from '../../../src/store/station-policy.js';

const base: Device = {
  identity: 'sensor-0001@iot.example',
  group: 'default',
  enabled: true,
  allowedAps: [],
  allowedMacs: [],
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('station access rule', () => {
  test('allows any station when both allow-lists are empty', () => {
    assert.equal(checkStationAccess(base, {}), AccessDecision.Allowed);
  });
  test('refuses a disabled device before looking at stations', () => {
    assert.equal(checkStationAccess({ ...base, enabled: false }, {}), AccessDecision.Disabled);
  });
  test('matches an AP rule without SSID on the BSSID whatever the SSID', () => {
    const d = { ...base, allowedAps: ['00-10-A4-23-19-C0'] };
    assert.equal(checkStationAccess(d, { calledStationId: '00-10-a4-23-19-c0:Any' }), AccessDecision.Allowed);
    assert.equal(
      checkStationAccess(d, { calledStationId: '00-10-A4-23-19-C1:Any' }),
      AccessDecision.ApNotAllowed,
    );
  });
  test('needs the exact SSID when the AP rule names one', () => {
    const d = { ...base, allowedAps: ['00-10-A4-23-19-C0:Office'] };
    assert.equal(
      checkStationAccess(d, { calledStationId: '00-10-A4-23-19-C0:Office' }),
      AccessDecision.Allowed,
    );
    assert.equal(
      checkStationAccess(d, { calledStationId: '00-10-A4-23-19-C0:office' }),
      AccessDecision.ApNotAllowed,
    );
    assert.equal(
      checkStationAccess(d, { calledStationId: '00-10-A4-23-19-C0' }),
      AccessDecision.ApNotAllowed,
    );
  });
  test('fails closed when an allow-list is set and the attribute is missing', () => {
    assert.equal(
      checkStationAccess({ ...base, allowedAps: ['00-10-A4-23-19-C0'] }, {}),
      AccessDecision.ApNotAllowed,
    );
    assert.equal(
      checkStationAccess({ ...base, allowedMacs: ['AA-BB-CC-DD-EE-FF'] }, {}),
      AccessDecision.MacNotAllowed,
    );
  });
  test('compares Calling-Station-Id MACs in canonical form', () => {
    const d = { ...base, allowedMacs: ['AA-BB-CC-DD-EE-FF'] };
    assert.equal(checkStationAccess(d, { callingStationId: 'aa:bb:cc:dd:ee:ff' }), AccessDecision.Allowed);
    assert.equal(
      checkStationAccess(d, { callingStationId: 'aa:bb:cc:dd:ee:fe' }),
      AccessDecision.MacNotAllowed,
    );
  });
});
