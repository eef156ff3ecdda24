// Building RADIUS packets. Every packet eapd builds carries Message-Authenticator as its FIRST
// attribute (the Blast-RADIUS advisory; RFC 3579 §3.2 allows any position).
import type { RadiusAttribute } from './attribute.js';
import { messageAuthenticatorInto, responseAuthenticatorInto } from './authenticators.js';
import {
  ATTRIBUTE_HEADER_LENGTH,
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  HEADER_LENGTH,
  LENGTH_OFFSET,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_PACKET_LENGTH,
  MESSAGE_AUTHENTICATOR_LENGTH,
  RadiusAttr,
  RadiusCode,
} from './constants.js';
import { randomOctets } from '../util/random-pool.js';

const MAC_ATTRIBUTE_LENGTH = ATTRIBUTE_HEADER_LENGTH + MESSAGE_AUTHENTICATOR_LENGTH;
/** Where the Message-Authenticator value sits: right after the header and its own Type/Length. */
const MAC_VALUE_OFFSET = HEADER_LENGTH + ATTRIBUTE_HEADER_LENGTH;

/**
 * Lays out header + Message-Authenticator (zeroed) + attributes. Throws RangeError for an
 * attribute value over 253 octets, a Message-Authenticator among `attributes` (the builder owns
 * it), or a packet over 4096 octets: these are bugs in eapd, never caused by received input.
 */
function layout(code: number, identifier: number, attributes: readonly RadiusAttribute[]): Buffer {
  let length = HEADER_LENGTH + MAC_ATTRIBUTE_LENGTH;
  for (const a of attributes) {
    if (a.type === RadiusAttr.MessageAuthenticator)
      throw new RangeError('Message-Authenticator is added by the builder');
    if (a.value.length > MAX_ATTRIBUTE_VALUE_LENGTH)
      throw new RangeError(`attribute ${a.type}: value over 253 octets`);
    length += ATTRIBUTE_HEADER_LENGTH + a.value.length;
  }
  if (length > MAX_PACKET_LENGTH) throw new RangeError(`RADIUS packet of ${length} octets exceeds 4096`);
  // Every octet is written below (the Authenticator by the caller), so no zero-fill.
  const frame = Buffer.allocUnsafe(length);
  frame[0] = code;
  frame[1] = identifier;
  frame.writeUInt16BE(length, LENGTH_OFFSET);
  frame[HEADER_LENGTH] = RadiusAttr.MessageAuthenticator;
  frame[HEADER_LENGTH + 1] = MAC_ATTRIBUTE_LENGTH;
  frame.fill(0, MAC_VALUE_OFFSET, MAC_VALUE_OFFSET + MESSAGE_AUTHENTICATOR_LENGTH);
  let offset = HEADER_LENGTH + MAC_ATTRIBUTE_LENGTH;
  for (const a of attributes) {
    frame[offset] = a.type;
    frame[offset + 1] = ATTRIBUTE_HEADER_LENGTH + a.value.length;
    a.value.copy(frame, offset + ATTRIBUTE_HEADER_LENGTH);
    offset += ATTRIBUTE_HEADER_LENGTH + a.value.length;
  }
  return frame;
}

export interface ResponseSpec {
  /** Access-Accept, Access-Reject or Access-Challenge. */
  readonly code: number;
  /** The request's Identifier (RFC 2865 §3). */
  readonly identifier: number;
  readonly requestAuthenticator: Buffer;
  readonly secret: Buffer;
  /** Everything but Message-Authenticator, in the order to send. */
  readonly attributes: readonly RadiusAttribute[];
}

/**
 * Builds a response: Message-Authenticator first, computed over the packet with the Request
 * Authenticator in the header (RFC 3579 §3.2), then the Response Authenticator over the
 * finished attributes (RFC 2865 §3).
 */
export function buildResponse(spec: ResponseSpec): Buffer {
  const frame = layout(spec.code, spec.identifier, spec.attributes);
  // RFC 3579 §3.2: the response's HMAC is computed with the Request Authenticator in the header.
  spec.requestAuthenticator.copy(frame, AUTHENTICATOR_OFFSET, 0, AUTHENTICATOR_LENGTH);
  messageAuthenticatorInto(frame, MAC_VALUE_OFFSET, spec.secret, frame, MAC_VALUE_OFFSET);
  responseAuthenticatorInto(frame, spec.requestAuthenticator, spec.secret, frame, AUTHENTICATOR_OFFSET);
  return frame;
}

export interface AccessRequestSpec {
  readonly identifier: number;
  readonly secret: Buffer;
  readonly attributes: readonly RadiusAttribute[];
  /** 16 octets; random (RFC 2865 §3: unpredictable) when omitted. */
  readonly requestAuthenticator?: Buffer;
}

/**
 * Builds an Access-Request (for tests and tools): random Request Authenticator, Message-
 * Authenticator first and computed over the packet as sent (RFC 3579 §3.2). No User-Password
 * hiding: eapd's RADIUS front is EAP only.
 */
export function buildAccessRequest(spec: AccessRequestSpec): Buffer {
  const frame = layout(RadiusCode.AccessRequest, spec.identifier, spec.attributes);
  const authenticator = spec.requestAuthenticator ?? randomOctets(AUTHENTICATOR_LENGTH);
  if (authenticator.length !== AUTHENTICATOR_LENGTH)
    throw new RangeError('Request Authenticator must be 16 octets');
  authenticator.copy(frame, AUTHENTICATOR_OFFSET);
  messageAuthenticatorInto(frame, MAC_VALUE_OFFSET, spec.secret, frame, MAC_VALUE_OFFSET);
  return frame;
}
