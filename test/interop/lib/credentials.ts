/**
 * Test identities and keys shared by the interop tests (from shared/interop: hostapd/eap_user and
 * eapol_test/*.conf). Test-only values: never use them outside tests.
 */
export interface PskUser {
  /** RFC 4764 ID_P (the EAP identity). */
  readonly identity: string;
  /** The 16-byte PSK as 32 hex digits. */
  readonly pskHex: string;
}

export const SENSOR_1: PskUser = {
  identity: 'sensor-0001@iot.example',
  pskHex: '000102030405060708090a0b0c0d0e0f',
};
export const SENSOR_2: PskUser = {
  identity: 'sensor-0002@iot.example',
  pskHex: 'f0e1d2c3b4a5968778695a4b3c2d1e0f',
};
/** SENSOR_1's identity with the last key byte changed: must fail after PSK-2. */
export const SENSOR_1_WRONG_KEY: PskUser = {
  identity: SENSOR_1.identity,
  pskHex: '000102030405060708090a0b0c0d0eff',
};
/** An identity no server knows. */
export const UNKNOWN_SENSOR: PskUser = { identity: 'sensor-9999@iot.example', pskHex: SENSOR_1.pskHex };

export const RADIUS_SECRET = 'interop-radius-secret';

const HEX_PSK = /^[0-9a-f]{32}$/i;
const CONFIG_UNSAFE = /["\n]/;

/** Throws unless the key is 32 hex digits and the identity can be quoted in a config file. */
export function checkPskUser(user: PskUser): void {
  if (CONFIG_UNSAFE.test(user.identity))
    throw new Error(`identity must not contain quotes or newlines: ${user.identity}`);
  if (!HEX_PSK.test(user.pskHex)) throw new Error(`PSK of ${user.identity} must be 32 hex digits (16 bytes)`);
}
