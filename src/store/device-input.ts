import { normalizeAccessPoint } from './access-point.js';
import { DEFAULT_GROUP, PSK_LENGTH, type NewDevice, type ValidDevice } from './device.js';
import { normalizeMac } from './mac-address.js';
import { StoreError, StoreErrorCode } from './store-error.js';

/** RFC 7542 §2.3: an NAI is at most 253 octets (the RADIUS User-Name limit). */
export const MAX_IDENTITY_OCTETS = 253;
export const MAX_GROUP_LENGTH = 64;
const PSK_HEX_DIGITS = PSK_LENGTH * 2;
const HEX = /^[0-9A-Fa-f]*$/;
const CONTROL_CHARS = /\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;

/** Identity rules: non-empty, ≤ 253 UTF-8 octets, no control characters; compared case-sensitively. */
export function validateIdentity(identity: string): string {
  const bad = (why: string): StoreError => new StoreError(StoreErrorCode.BadIdentity, `bad identity: ${why}`);
  if (identity.length === 0) throw bad('it is empty');
  if (CONTROL_CHARS.test(identity)) throw bad(`${JSON.stringify(identity)} contains control characters`);
  if (LONE_SURROGATE.test(identity)) throw bad('it is not valid Unicode');
  if (Buffer.byteLength(identity, 'utf8') > MAX_IDENTITY_OCTETS) {
    throw bad(`longer than ${MAX_IDENTITY_OCTETS} octets (RFC 7542 §2.3)`);
  }
  return identity;
}

export function validateGroup(group: string): string {
  const bad = (why: string): StoreError => new StoreError(StoreErrorCode.BadGroup, `bad group: ${why}`);
  if (group.length === 0) throw bad('it is empty');
  if (group.length > MAX_GROUP_LENGTH) throw bad(`longer than ${MAX_GROUP_LENGTH} characters`);
  if (CONTROL_CHARS.test(group) || LONE_SURROGATE.test(group))
    throw bad(`${JSON.stringify(group)} contains control characters`);
  return group;
}

/** RFC 4764 §3.1: exactly 16 bytes. */
export function validatePsk(psk: Buffer): Buffer {
  if (psk.length !== PSK_LENGTH) {
    throw new StoreError(
      StoreErrorCode.BadPsk,
      `bad PSK: must be exactly ${PSK_LENGTH} bytes, got ${psk.length}`,
    );
  }
  return psk;
}

/** Parses a PSK written as exactly 32 hex digits. The message never repeats the input. */
export function parsePskHex(hex: string): Buffer {
  const bad = (why: string): StoreError =>
    new StoreError(
      StoreErrorCode.BadPsk,
      `bad PSK: must be exactly ${PSK_HEX_DIGITS} hex digits (${PSK_LENGTH} bytes), ${why}`,
    );
  if (!HEX.test(hex)) throw bad('found a character that is not a hex digit');
  if (hex.length !== PSK_HEX_DIGITS) throw bad(`got ${hex.length} digits`);
  return Buffer.from(hex, 'hex');
}

/** Validates and normalises a device; duplicates in the lists collapse to one entry. */
export function validateDevice(input: NewDevice): ValidDevice {
  return {
    identity: validateIdentity(input.identity),
    psk: validatePsk(input.psk),
    group: validateGroup(input.group ?? DEFAULT_GROUP),
    enabled: input.enabled ?? true,
    allowedAps: unique((input.allowedAps ?? []).map(normalizeAccessPoint)),
    allowedMacs: unique((input.allowedMacs ?? []).map(normalizeMac)),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
