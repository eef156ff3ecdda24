// Packet integrity: the Response Authenticator (RFC 2865 §3) and the Message-Authenticator
// attribute (RFC 3579 §3.2, HMAC-MD5 keyed with the shared secret).
import { timingSafeEqual } from 'node:crypto';
import {
  ATTRIBUTE_HEADER_LENGTH,
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  MESSAGE_AUTHENTICATOR_LENGTH,
  RadiusAttr,
} from './constants.js';
import { hashScratch, hmacMd5KeyFor, MD5_BLOCK_LENGTH, md5, MD5_LENGTH } from './md5.js';
import { hmacStateFor, nativeMd5 } from './native-md5.js';
import type { RadiusAttributeView, RadiusPacket } from './packet.js';

/** The HMAC a request's Message-Authenticator is compared with (used within one call only). */
const expectedMac = Buffer.alloc(MESSAGE_AUTHENTICATOR_LENGTH);

/** Result of checking a request's Message-Authenticator. */
export const MessageAuthenticatorCheck = {
  Valid: 'valid',
  /** No Message-Authenticator: drop (Blast-RADIUS, draft-ietf-radext-deprecating-radius). */
  Missing: 'missing',
  /** More than one, or a value that is not 16 octets (RFC 3579 §3.2). */
  Malformed: 'malformed',
  Mismatch: 'mismatch',
} as const;
export type MessageAuthenticatorCheck =
  (typeof MessageAuthenticatorCheck)[keyof typeof MessageAuthenticatorCheck];

/**
 * RFC 3579 §3.2: HMAC-MD5 over the whole packet with the Message-Authenticator value taken as 16
 * zero octets, written into `out` at `outAt` (which may be the frame's own Message-Authenticator
 * value: it is written after hashing). `authenticatorOverride` replaces the header's Authenticator
 * field in the computation (a response is signed over the Request Authenticator). With the addon
 * the frame is hashed in place; without it, copied once into a scratch buffer after the HMAC pad
 * and hashed in one call. The frame's hashed octets are not modified.
 */
export function messageAuthenticatorInto(
  frame: Buffer,
  macValueOffset: number,
  secret: Buffer,
  out: Buffer,
  outAt: number,
  authenticatorOverride?: Buffer,
): void {
  const addon = nativeMd5();
  if (addon !== undefined) {
    const state = hmacStateFor(addon, secret);
    addon.hmac(state, frame, frame.length, macValueOffset, authenticatorOverride ?? null, out, outAt);
    return;
  }
  const end = MD5_BLOCK_LENGTH + frame.length;
  const buf = hashScratch(end);
  frame.copy(buf, MD5_BLOCK_LENGTH);
  if (authenticatorOverride !== undefined)
    authenticatorOverride.copy(buf, MD5_BLOCK_LENGTH + AUTHENTICATOR_OFFSET);
  const mac = MD5_BLOCK_LENGTH + macValueOffset;
  buf.fill(0, mac, mac + MESSAGE_AUTHENTICATOR_LENGTH);
  hmacMd5KeyFor(secret).macAfterRoom(buf, end).copy(out, outAt);
}

/** messageAuthenticatorInto, returning the 16 octets in a Buffer of their own. */
export function computeMessageAuthenticator(
  frame: Buffer,
  macValueOffset: number,
  secret: Buffer,
  authenticatorOverride?: Buffer,
): Buffer {
  const out = Buffer.allocUnsafe(MESSAGE_AUTHENTICATOR_LENGTH);
  messageAuthenticatorInto(frame, macValueOffset, secret, out, 0, authenticatorOverride);
  return out;
}

/**
 * Verifies the Message-Authenticator of a request (Access-Request, Status-Server): exactly one,
 * 16 octets, equal (constant time) to the HMAC over the received octets.
 */
export function checkRequestMessageAuthenticator(
  packet: RadiusPacket,
  secret: Buffer,
): MessageAuthenticatorCheck {
  const mac = singleMessageAuthenticator(packet);
  if (typeof mac === 'string') return mac;
  messageAuthenticatorInto(packet.frame, mac.offset + ATTRIBUTE_HEADER_LENGTH, secret, expectedMac, 0);
  return timingSafeEqual(expectedMac, mac.value)
    ? MessageAuthenticatorCheck.Valid
    : MessageAuthenticatorCheck.Mismatch;
}

/**
 * RFC 2865 §3: Response Authenticator = MD5(Code ‖ Identifier ‖ Length ‖ Request Authenticator ‖
 * Attributes ‖ Secret), written into `out` at `outAt` (which may be the frame's own Authenticator
 * field: it is written after hashing). With the addon the frame is hashed in place; without it,
 * over a scratch copy in one call. The frame's hashed octets are not modified.
 */
export function responseAuthenticatorInto(
  frame: Buffer,
  requestAuthenticator: Buffer,
  secret: Buffer,
  out: Buffer,
  outAt: number,
): void {
  const addon = nativeMd5();
  if (addon !== undefined) {
    addon.responseAuthenticator(frame, frame.length, requestAuthenticator, secret, out, outAt);
    return;
  }
  const end = frame.length + secret.length;
  const buf = hashScratch(end);
  frame.copy(buf, 0);
  requestAuthenticator.copy(buf, AUTHENTICATOR_OFFSET, 0, AUTHENTICATOR_LENGTH);
  secret.copy(buf, frame.length);
  md5(buf.subarray(0, end)).copy(out, outAt);
}

/** responseAuthenticatorInto, returning the 16 octets in a Buffer of their own. */
export function computeResponseAuthenticator(
  frame: Buffer,
  requestAuthenticator: Buffer,
  secret: Buffer,
): Buffer {
  const out = Buffer.allocUnsafe(MD5_LENGTH);
  responseAuthenticatorInto(frame, requestAuthenticator, secret, out, 0);
  return out;
}

/**
 * Client side (tests, a future proxy): checks a response's Response Authenticator and, when
 * `requireMessageAuthenticator` (default true), its single valid Message-Authenticator.
 */
export function verifyResponse(
  response: RadiusPacket,
  requestAuthenticator: Buffer,
  secret: Buffer,
  requireMessageAuthenticator = true,
): boolean {
  const expected = computeResponseAuthenticator(response.frame, requestAuthenticator, secret);
  if (!timingSafeEqual(expected, response.authenticator)) return false;
  const mac = singleMessageAuthenticator(response);
  if (mac === MessageAuthenticatorCheck.Missing) return !requireMessageAuthenticator;
  if (mac === MessageAuthenticatorCheck.Malformed) return false;
  const expectedMac = computeMessageAuthenticator(
    response.frame,
    mac.offset + ATTRIBUTE_HEADER_LENGTH,
    secret,
    requestAuthenticator,
  );
  return timingSafeEqual(expectedMac, mac.value);
}

/** RFC 3579 §3.2: the packet's one Message-Authenticator of 16 octets, or why there is none. */
function singleMessageAuthenticator(
  packet: RadiusPacket,
):
  | RadiusAttributeView
  | typeof MessageAuthenticatorCheck.Missing
  | typeof MessageAuthenticatorCheck.Malformed {
  const mac = packet.find(RadiusAttr.MessageAuthenticator);
  if (mac === undefined) return MessageAuthenticatorCheck.Missing;
  if (mac.value.length !== MESSAGE_AUTHENTICATOR_LENGTH || packet.count(RadiusAttr.MessageAuthenticator) > 1)
    return MessageAuthenticatorCheck.Malformed;
  return mac;
}
