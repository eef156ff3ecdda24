/**
 * The eapd credential bundle container (docs/redirect.md, "Credential bundle format"):
 *
 *   magic "EAPDBNDL" (8 octets) ‖ header length (uint32, big-endian) ‖ header (UTF-8 JSON)
 *   ‖ ciphertext ‖ GCM tag (16 octets)
 *
 * AES-256-GCM (NIST SP 800-38D) with the 12-octet nonce from the header; the additional
 * authenticated data is every octet before the ciphertext (magic, length, header as written),
 * so no header field can be changed without failing authentication.
 */
export const BUNDLE_MAGIC = Buffer.from('EAPDBNDL', 'ascii');
export const BUNDLE_VERSION = 1;
export const BUNDLE_CIPHER = 'AES-256-GCM';
export const BUNDLE_CONTENT_TYPE = 'application/vnd.eapd.devices+json;v=1';
export const HEADER_LENGTH_OCTETS = 4;
export const MAX_HEADER_OCTETS = 64 * 1024;
export const AES_KEY_OCTETS = 32;
export const GCM_NONCE_OCTETS = 12;
export const GCM_TAG_OCTETS = 16;

export const KdfName = { SCRYPT: 'scrypt', X25519: 'X25519-HKDF-SHA256' } as const;
export type KdfName = (typeof KdfName)[keyof typeof KdfName];

/** RFC 7914 scrypt parameters; a passphrase bundle is as strong as its passphrase. */
export interface ScryptKdf {
  readonly name: typeof KdfName.SCRYPT;
  /** base64, 16 random octets. */
  readonly salt: string;
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** RFC 7748 X25519 with an ephemeral sender key, then RFC 5869 HKDF-SHA256. */
export interface X25519Kdf {
  readonly name: typeof KdfName.X25519;
  /** base64, the 32-octet raw ephemeral public key. */
  readonly ephemeralPublicKey: string;
  /** base64, 32 random octets (HKDF salt). */
  readonly salt: string;
  /** hex, the first 8 octets of SHA-256 over the recipient's 32-octet raw public key. */
  readonly recipientKeyId: string;
}

export interface BundleHeader {
  readonly version: number;
  readonly cipher: string;
  /** base64, 12 octets. */
  readonly nonce: string;
  readonly kdf: ScryptKdf | X25519Kdf;
  readonly contentType: string;
  /** Informational (authenticated, not secret): what the bundle holds. */
  readonly group: string;
  readonly devices: number;
  readonly createdAt: string;
}

export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/** Serialises the parts before the ciphertext; returns them (they are the AAD). */
export function encodeBundlePrefix(header: BundleHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(HEADER_LENGTH_OCTETS);
  length.writeUInt32BE(json.length);
  return Buffer.concat([BUNDLE_MAGIC, length, json]);
}

export interface BundleParts {
  readonly header: BundleHeader;
  /** Magic, length and header as read: the AAD. */
  readonly aad: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** Splits a bundle file; checks structure only (authentication happens on decryption). */
export function decodeBundle(file: Buffer): BundleParts {
  const start = BUNDLE_MAGIC.length + HEADER_LENGTH_OCTETS;
  if (file.length < start || !file.subarray(0, BUNDLE_MAGIC.length).equals(BUNDLE_MAGIC)) {
    throw new BundleError('not an eapd bundle (the file does not start with EAPDBNDL)');
  }
  const length = file.readUInt32BE(BUNDLE_MAGIC.length);
  if (length > MAX_HEADER_OCTETS || file.length < start + length + GCM_TAG_OCTETS) {
    throw new BundleError('damaged bundle: the header length does not fit the file');
  }
  let header: unknown;
  try {
    header = JSON.parse(file.subarray(start, start + length).toString('utf8'));
  } catch {
    throw new BundleError('damaged bundle: the header is not JSON');
  }
  return {
    header: checkHeader(header),
    aad: file.subarray(0, start + length),
    ciphertext: file.subarray(start + length, file.length - GCM_TAG_OCTETS),
    tag: file.subarray(file.length - GCM_TAG_OCTETS),
  };
}

function checkHeader(v: unknown): BundleHeader {
  const h = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  if (h['version'] !== BUNDLE_VERSION) {
    throw new BundleError(
      `unsupported bundle version ${JSON.stringify(h['version'])} (this eapd reads ${BUNDLE_VERSION})`,
    );
  }
  if (h['cipher'] !== BUNDLE_CIPHER)
    throw new BundleError(`unsupported cipher ${JSON.stringify(h['cipher'])}`);
  if (h['contentType'] !== BUNDLE_CONTENT_TYPE)
    throw new BundleError(`unsupported content type ${JSON.stringify(h['contentType'])}`);
  if (typeof h['nonce'] !== 'string') throw new BundleError('damaged bundle: header.nonce missing');
  const kdf = (typeof h['kdf'] === 'object' && h['kdf'] !== null ? h['kdf'] : {}) as Record<string, unknown>;
  if (kdf['name'] !== KdfName.SCRYPT && kdf['name'] !== KdfName.X25519) {
    throw new BundleError(`unsupported key derivation ${JSON.stringify(kdf['name'])}`);
  }
  return h as unknown as BundleHeader;
}
