import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  scryptSync,
  type KeyObject,
} from 'node:crypto';
import { AES_KEY_OCTETS, BundleError, KdfName, type ScryptKdf, type X25519Kdf } from './bundle-format.js';

/** scrypt cost for new bundles (RFC 7914 §2; OWASP's N=2^17,r=8,p=1 is slower; 2^15 keeps tests quick at 32 MiB). */
export const SCRYPT_N = 2 ** 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
export const SCRYPT_SALT_OCTETS = 16;
/** Refuse to spend more than this on a bundle someone else made. */
const MAX_SCRYPT_N = 2 ** 20;
const MAX_SCRYPT_R = 32;
const MAX_SCRYPT_P = 16;
const SCRYPT_MEMORY_FACTOR = 128;
const SCRYPT_MAXMEM_HEADROOM = 2;
export const HKDF_SALT_OCTETS = 32;
export const X25519_KEY_OCTETS = 32;
export const HKDF_INFO_LABEL = 'eapd bundle v1';
const KEY_ID_OCTETS = 8;
export const MIN_PASSPHRASE_OCTETS = 12;

/** Who can open a bundle. */
export type BundleRecipient =
  | { readonly kind: 'passphrase'; readonly passphrase: Buffer }
  | { readonly kind: 'x25519'; readonly publicKey: KeyObject };

/** What opens a bundle. */
export type BundleSecret =
  | { readonly kind: 'passphrase'; readonly passphrase: Buffer }
  | { readonly kind: 'x25519'; readonly privateKey: KeyObject };

/** Reads an X25519 public key (SPKI PEM; a private key PEM yields its public half). */
export function readRecipientKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new BundleError(`recipient key: not a PEM public key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'x25519') {
    throw new BundleError(`recipient key: must be an X25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** Reads an X25519 private key (PKCS #8 PEM). */
export function readPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new BundleError(`key: not a PEM private key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'x25519') {
    throw new BundleError(`key: must be an X25519 private key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** The 32-octet raw X25519 public key (RFC 7748 §5). */
export function rawPublicKey(key: KeyObject): Buffer {
  const x = key.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new BundleError('not an X25519 key');
  return Buffer.from(x, 'base64url');
}

function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== X25519_KEY_OCTETS)
    throw new BundleError('damaged bundle: ephemeral public key is not 32 octets');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export function keyIdOf(rawPublic: Buffer): string {
  return createHash('sha256').update(rawPublic).digest().subarray(0, KEY_ID_OCTETS).toString('hex');
}

function scrypt(passphrase: Buffer, kdf: Pick<ScryptKdf, 'salt' | 'N' | 'r' | 'p'>): Buffer {
  const maxmem = SCRYPT_MEMORY_FACTOR * kdf.N * kdf.r * SCRYPT_MAXMEM_HEADROOM;
  return scryptSync(passphrase, Buffer.from(kdf.salt, 'base64'), AES_KEY_OCTETS, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem,
  });
}

function hkdf(shared: Buffer, salt: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  const info = Buffer.concat([Buffer.from(HKDF_INFO_LABEL, 'ascii'), ephemeral, recipient]);
  return Buffer.from(hkdfSync('sha256', shared, salt, info, AES_KEY_OCTETS));
}

/** A fresh content key and the header's kdf field for `recipient`. */
export function deriveSealingKey(recipient: BundleRecipient): { key: Buffer; kdf: ScryptKdf | X25519Kdf } {
  if (recipient.kind === 'passphrase') {
    if (recipient.passphrase.length < MIN_PASSPHRASE_OCTETS) {
      throw new BundleError(`passphrase: at least ${MIN_PASSPHRASE_OCTETS} characters`);
    }
    const kdf: ScryptKdf = {
      name: KdfName.SCRYPT,
      salt: randomBytes(SCRYPT_SALT_OCTETS).toString('base64'),
      N: SCRYPT_N,
      r: SCRYPT_R,
      p: SCRYPT_P,
    };
    return { key: scrypt(recipient.passphrase, kdf), kdf };
  }
  const recipientRaw = rawPublicKey(recipient.publicKey);
  const eph = generateKeyPairSync('x25519');
  const ephRaw = rawPublicKey(eph.publicKey);
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: recipient.publicKey });
  const salt = randomBytes(HKDF_SALT_OCTETS);
  const key = hkdf(shared, salt, ephRaw, recipientRaw);
  shared.fill(0);
  return {
    key,
    kdf: {
      name: KdfName.X25519,
      ephemeralPublicKey: ephRaw.toString('base64'),
      salt: salt.toString('base64'),
      recipientKeyId: keyIdOf(recipientRaw),
    },
  };
}

/** The content key of a bundle whose header carries `kdf`. */
export function deriveOpeningKey(kdf: ScryptKdf | X25519Kdf, secret: BundleSecret): Buffer {
  if (kdf.name === KdfName.SCRYPT) {
    if (secret.kind !== 'passphrase')
      throw new BundleError('this bundle is sealed with a passphrase: use --passphrase-file');
    const { N, r, p } = kdf;
    const power = Number.isInteger(N) && N > 1 && (N & (N - 1)) === 0;
    if (
      !power ||
      N > MAX_SCRYPT_N ||
      !Number.isInteger(r) ||
      r < 1 ||
      r > MAX_SCRYPT_R ||
      !Number.isInteger(p) ||
      p < 1 ||
      p > MAX_SCRYPT_P
    ) {
      throw new BundleError('damaged bundle: scrypt parameters out of range');
    }
    return scrypt(secret.passphrase, kdf);
  }
  if (secret.kind !== 'x25519') throw new BundleError('this bundle is sealed for an X25519 key: use --key');
  const recipientRaw = rawPublicKey(createPublicKey(secret.privateKey));
  if (keyIdOf(recipientRaw) !== kdf.recipientKeyId) {
    throw new BundleError(
      `this bundle is for key ${kdf.recipientKeyId}, not for this key (${keyIdOf(recipientRaw)})`,
    );
  }
  const ephRaw = Buffer.from(kdf.ephemeralPublicKey, 'base64');
  const shared = diffieHellman({ privateKey: secret.privateKey, publicKey: publicKeyFromRaw(ephRaw) });
  const key = hkdf(shared, Buffer.from(kdf.salt, 'base64'), ephRaw, recipientRaw);
  shared.fill(0);
  return key;
}
