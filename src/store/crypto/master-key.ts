import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/** AES-256-GCM (NIST SP 800-38D): 32-byte key, 96-bit random nonce, 128-bit tag. */
export const MASTER_KEY_LENGTH = 32;
export const GCM_NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;
const CIPHER = 'aes-256-gcm';
const KEY_ID_LABEL = 'eapd master key id v1';
const KEY_ID_HEX_CHARS = 16;

/** A PSK encrypted at rest: one random nonce per record, the identity as associated data. */
export interface SealedPsk {
  readonly keyId: string;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/**
 * The master key that encrypts PSKs at rest. The key bytes never leave this object: no getter,
 * and inspect/JSON show only the key id (a one-way HMAC fingerprint, safe to store and log).
 */
export class MasterKey {
  readonly id: string;
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = Buffer.from(key);
    this.id = createHmac('sha256', this.#key)
      .update(KEY_ID_LABEL)
      .digest('hex')
      .substring(0, KEY_ID_HEX_CHARS);
  }

  static fromBytes(key: Buffer): MasterKey {
    if (key.length !== MASTER_KEY_LENGTH)
      throw new RangeError(`a master key is ${MASTER_KEY_LENGTH} bytes, got ${key.length}`);
    return new MasterKey(key);
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(MASTER_KEY_LENGTH));
  }

  /** For writing the key file only. */
  toHex(): string {
    return this.#key.toString('hex');
  }

  seal(identity: string, psk: Buffer): SealedPsk {
    const nonce = randomBytes(GCM_NONCE_LENGTH);
    const cipher = createCipheriv(CIPHER, this.#key, nonce, { authTagLength: GCM_TAG_LENGTH });
    cipher.setAAD(Buffer.from(identity, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(psk), cipher.final()]);
    return { keyId: this.id, nonce, ciphertext, tag: cipher.getAuthTag() };
  }

  /** Returns undefined when authentication fails (wrong key, altered row, row of another identity). */
  open(identity: string, sealed: SealedPsk): Buffer | undefined {
    if (sealed.nonce.length !== GCM_NONCE_LENGTH || sealed.tag.length !== GCM_TAG_LENGTH) return undefined;
    const decipher = createDecipheriv(CIPHER, this.#key, sealed.nonce, { authTagLength: GCM_TAG_LENGTH });
    decipher.setAAD(Buffer.from(identity, 'utf8'));
    decipher.setAuthTag(sealed.tag);
    try {
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  toJSON(): string {
    return `MasterKey(${this.id})`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}
