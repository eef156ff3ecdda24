import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PSK_LENGTH, type ExportedDevice, type NewDevice } from '../../store/device.js';
import {
  AES_KEY_OCTETS,
  BUNDLE_CIPHER,
  BUNDLE_CONTENT_TYPE,
  BUNDLE_VERSION,
  BundleError,
  decodeBundle,
  encodeBundlePrefix,
  GCM_NONCE_OCTETS,
  GCM_TAG_OCTETS,
  type BundleHeader,
} from './bundle-format.js';
import {
  deriveOpeningKey,
  deriveSealingKey,
  type BundleRecipient,
  type BundleSecret,
} from './bundle-keys.js';

const NODE_CIPHER = 'aes-256-gcm';
const PSK_HEX = new RegExp(`^[0-9a-f]{${PSK_LENGTH * 2}}$`);

/** One device in the encrypted payload (docs/redirect.md). */
export interface BundleDevice {
  readonly identity: string;
  /** 32 lower-case hex digits: the 16-octet EAP-PSK PSK (RFC 4764 §3.1). */
  readonly psk: string;
  readonly group: string;
  readonly enabled: boolean;
  readonly allowedAps: readonly string[];
  readonly allowedMacs: readonly string[];
}

export interface BundlePayload {
  readonly group: string;
  readonly devices: readonly BundleDevice[];
}

export interface OpenedBundle {
  readonly header: BundleHeader;
  readonly devices: NewDevice[];
}

/**
 * Seals devices (with their PSKs) for `recipient`: AES-256-GCM over the JSON payload, the
 * versioned header as additional authenticated data. Every device must carry its PSK.
 */
export function sealDeviceBundle(
  group: string,
  devices: readonly ExportedDevice[],
  recipient: BundleRecipient,
  now: Date = new Date(),
): Buffer {
  const payload: BundlePayload = {
    group,
    devices: devices.map((d) => {
      if (d.psk === undefined)
        throw new BundleError(`device ${JSON.stringify(d.identity)} was exported without its PSK`);
      return {
        identity: d.identity,
        psk: d.psk.toString('hex'),
        group: d.group,
        enabled: d.enabled,
        allowedAps: d.allowedAps,
        allowedMacs: d.allowedMacs,
      };
    }),
  };
  const { key, kdf } = deriveSealingKey(recipient);
  const nonce = randomBytes(GCM_NONCE_OCTETS);
  const header: BundleHeader = {
    version: BUNDLE_VERSION,
    cipher: BUNDLE_CIPHER,
    nonce: nonce.toString('base64'),
    kdf,
    contentType: BUNDLE_CONTENT_TYPE,
    group,
    devices: payload.devices.length,
    createdAt: now.toISOString(),
  };
  const aad = encodeBundlePrefix(header);
  const plaintext = Buffer.from(JSON.stringify(payload), 'utf8');
  try {
    const cipher = createCipheriv(NODE_CIPHER, key, nonce, { authTagLength: GCM_TAG_OCTETS });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([aad, ciphertext, cipher.getAuthTag()]);
  } finally {
    plaintext.fill(0);
    key.fill(0);
  }
}

/**
 * Verifies and decrypts a bundle. Any change to any octet, a wrong passphrase or key: one
 * BundleError that says so (GCM cannot tell them apart), nothing returned.
 */
export function openDeviceBundle(file: Buffer, secret: BundleSecret): OpenedBundle {
  const parts = decodeBundle(file);
  const nonce = Buffer.from(parts.header.nonce, 'base64');
  if (nonce.length !== GCM_NONCE_OCTETS) throw new BundleError('damaged bundle: nonce is not 12 octets');
  const key = deriveOpeningKey(parts.header.kdf, secret);
  if (key.length !== AES_KEY_OCTETS) throw new BundleError('key derivation failed');
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv(NODE_CIPHER, key, nonce, { authTagLength: GCM_TAG_OCTETS });
    decipher.setAAD(parts.aad);
    decipher.setAuthTag(parts.tag);
    plaintext = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    throw new BundleError('bundle authentication failed: wrong passphrase or key, or the file was altered');
  } finally {
    key.fill(0);
  }
  try {
    return { header: parts.header, devices: readPayload(plaintext) };
  } finally {
    plaintext.fill(0);
  }
}

function readPayload(plaintext: Buffer): NewDevice[] {
  let payload: unknown;
  try {
    payload = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new BundleError('bundle payload is not JSON');
  }
  const devices = (payload as { devices?: unknown }).devices;
  if (!Array.isArray(devices)) throw new BundleError('bundle payload has no devices list');
  return devices.map((d: unknown, i): NewDevice => {
    const o = (typeof d === 'object' && d !== null ? d : {}) as Record<string, unknown>;
    const bad = (field: string): BundleError =>
      new BundleError(`bundle devices[${i}].${field} is missing or malformed`);
    if (typeof o['identity'] !== 'string') throw bad('identity');
    if (typeof o['psk'] !== 'string' || !PSK_HEX.test(o['psk'])) throw bad('psk');
    if (typeof o['group'] !== 'string') throw bad('group');
    if (typeof o['enabled'] !== 'boolean') throw bad('enabled');
    const aps = stringArray(o['allowedAps']);
    const macs = stringArray(o['allowedMacs']);
    if (aps === undefined) throw bad('allowedAps');
    if (macs === undefined) throw bad('allowedMacs');
    return {
      identity: o['identity'],
      psk: Buffer.from(o['psk'], 'hex'),
      group: o['group'],
      enabled: o['enabled'],
      allowedAps: aps,
      allowedMacs: macs,
    };
  });
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}
