// MS-MPPE-Send-Key / MS-MPPE-Recv-Key salted encryption (RFC 2548 §2.4.2, §2.4.3) and the
// vendor attributes that carry the MSK to a RADIUS NAS (RFC 3580 §3.16, RFC 5247 §3.2).
import type { RadiusAttribute } from './attribute.js';
import { MsAttr, VENDOR_MICROSOFT } from './constants.js';
import { hashScratch, md5Latin1 } from './md5.js';
import { nativeMd5 } from './native-md5.js';
import { fillRandom } from '../util/random-pool.js';
import { vendorSpecificAttribute } from './vendor-specific.js';

/** RFC 2548 §2.4.2: the Salt is two octets whose most significant bit is set. */
export const MPPE_SALT_LENGTH = 2;
const SALT_HIGH_BIT = 0x80;
const BLOCK = 16;
const KEY_LENGTH_OCTET = 1;
/** A 251-octet Vendor-Length cap leaves 240 octets of String: one length octet + 239 key octets. */
export const MAX_MPPE_KEY_LENGTH = 239;
/** RFC 5247 §3.2 / RFC 3580: Recv-Key = MSK[0..31], Send-Key = MSK[32..63]. */
const MPPE_KEY_LENGTH = 32;
export const MSK_MIN_LENGTH = 2 * MPPE_KEY_LENGTH;

/** A fresh random salt with the high bit set. */
export function newMppeSalt(): Buffer {
  const salt = Buffer.allocUnsafe(MPPE_SALT_LENGTH);
  fillRandom(salt, 0, MPPE_SALT_LENGTH);
  salt[0] = salt[0]! | SALT_HIGH_BIT;
  return salt;
}

/**
 * XORs `p` (one 16-octet block) with b = MD5(secret ‖ chain) into `out` at `at`; `chain` is
 * R ‖ A for the first block, c(i-1) after. One MD5 call over a scratch copy.
 */
function xorBlock(out: Buffer, at: number, p: Buffer, secret: Buffer, chain: readonly Buffer[]): void {
  let end = secret.length;
  for (const c of chain) end += c.length;
  const input = hashScratch(end);
  let offset = secret.copy(input, 0);
  for (const c of chain) offset += c.copy(input, offset);
  const b = md5Latin1(input.subarray(0, end));
  for (let i = 0; i < BLOCK; i++) out[at + i] = p[i]! ^ b.charCodeAt(i);
}

/** RFC 2548 §2.4.2: the length of P for a key, Key-Length octet included, padded to 16 octets. */
function plainLengthFor(keyLength: number): number {
  return Math.ceil((KEY_LENGTH_OCTET + keyLength) / BLOCK) * BLOCK;
}

/** Room for the longest P (1 + 239 octets, padded). Synchronous use only; wiped after each use. */
const plainScratch = Buffer.allocUnsafeSlow(plainLengthFor(MAX_MPPE_KEY_LENGTH));

/**
 * RFC 2548 §2.4.2: P = Key-Length ‖ Key ‖ zero padding to a multiple of 16;
 * b(1) = MD5(S ‖ R ‖ A), c(1) = p(1) ⊕ b(1); b(i) = MD5(S ‖ c(i-1)), c(i) = p(i) ⊕ b(i).
 * Returns Salt ‖ C, the value of the vendor sub-attribute. Throws RangeError on a bad salt or
 * a key over 239 octets (programming errors: eapd only encrypts its own keys).
 */
export function encryptMppeKey(
  key: Buffer,
  secret: Buffer,
  requestAuthenticator: Buffer,
  salt: Buffer,
): Buffer {
  if (salt.length !== MPPE_SALT_LENGTH || (salt[0]! & SALT_HIGH_BIT) === 0) {
    throw new RangeError('MPPE salt: two octets, high bit set');
  }
  if (key.length > MAX_MPPE_KEY_LENGTH) throw new RangeError('MPPE key longer than 239 octets');
  const plainLength = plainLengthFor(key.length);
  // Scratch, wiped below: a fresh small Buffer handed to the addon is first moved off the V8 heap.
  const plain = plainScratch.subarray(0, plainLength).fill(0);
  plain[0] = key.length;
  key.copy(plain, KEY_LENGTH_OCTET);
  const out = Buffer.allocUnsafe(MPPE_SALT_LENGTH + plainLength);
  salt.copy(out, 0);
  const addon = nativeMd5();
  if (addon !== undefined) {
    addon.mppe(secret, requestAuthenticator, salt, plain, out, MPPE_SALT_LENGTH, false);
    plain.fill(0);
    return out;
  }
  for (let i = 0; i < plainLength; i += BLOCK) {
    const at = MPPE_SALT_LENGTH + i;
    const chain = i === 0 ? [requestAuthenticator, salt] : [out.subarray(at - BLOCK, at)];
    xorBlock(out, at, plain.subarray(i, i + BLOCK), secret, chain);
  }
  plain.fill(0);
  return out;
}

/**
 * The inverse of encryptMppeKey (for tests and a future proxy). Undefined when the value is not
 * Salt ‖ n×16 octets, the salt's high bit is clear, or the decrypted Key-Length does not fit.
 */
export function decryptMppeKey(
  value: Buffer,
  secret: Buffer,
  requestAuthenticator: Buffer,
): Buffer | undefined {
  const cipherLength = value.length - MPPE_SALT_LENGTH;
  if (cipherLength < BLOCK || cipherLength % BLOCK !== 0 || (value[0]! & SALT_HIGH_BIT) === 0)
    return undefined;
  const salt = value.subarray(0, MPPE_SALT_LENGTH);
  const plain = Buffer.allocUnsafe(cipherLength);
  const addon = nativeMd5();
  if (addon !== undefined) {
    addon.mppe(secret, requestAuthenticator, salt, value.subarray(MPPE_SALT_LENGTH), plain, 0, true);
  } else {
    for (let i = 0; i < cipherLength; i += BLOCK) {
      const at = MPPE_SALT_LENGTH + i;
      const chain = i === 0 ? [requestAuthenticator, salt] : [value.subarray(at - BLOCK, at)];
      xorBlock(plain, i, value.subarray(at, at + BLOCK), secret, chain);
    }
  }
  const keyLength = plain[0]!;
  if (keyLength > cipherLength - KEY_LENGTH_OCTET) return undefined;
  return Buffer.from(plain.subarray(KEY_LENGTH_OCTET, KEY_LENGTH_OCTET + keyLength));
}

/**
 * The two Microsoft Vendor-Specific attributes carrying the MSK to the NAS (RFC 3580 §3.16 via
 * RFC 2548): MS-MPPE-Recv-Key = MSK[0..31], MS-MPPE-Send-Key = MSK[32..63], each with its own
 * salt (RFC 2548 §2.4.2: salts within one Access-Accept MUST differ). Throws RangeError when the
 * MSK is shorter than 64 octets.
 */
export function mppeKeyAttributes(
  msk: Buffer,
  secret: Buffer,
  requestAuthenticator: Buffer,
): RadiusAttribute[] {
  if (msk.length < MSK_MIN_LENGTH) throw new RangeError('MSK shorter than 64 octets');
  const recvSalt = newMppeSalt();
  let sendSalt = newMppeSalt();
  while (sendSalt.equals(recvSalt)) sendSalt = newMppeSalt();
  const recv = encryptMppeKey(msk.subarray(0, MPPE_KEY_LENGTH), secret, requestAuthenticator, recvSalt);
  const send = encryptMppeKey(
    msk.subarray(MPPE_KEY_LENGTH, MSK_MIN_LENGTH),
    secret,
    requestAuthenticator,
    sendSalt,
  );
  return [
    vendorSpecificAttribute(VENDOR_MICROSOFT, [{ type: MsAttr.MppeRecvKey, value: recv }]),
    vendorSpecificAttribute(VENDOR_MICROSOFT, [{ type: MsAttr.MppeSendKey, value: send }]),
  ];
}
