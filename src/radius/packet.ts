// A zero-copy view of one RADIUS packet (RFC 2865 §3, §5). Parsing never throws: every input
// either yields a view or a parse error value.
import {
  ATTRIBUTE_HEADER_LENGTH,
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  HEADER_LENGTH,
  LENGTH_OFFSET,
  MAX_PACKET_LENGTH,
  MIN_PACKET_LENGTH,
} from './constants.js';

/** Why a datagram is not a RADIUS packet. Every one of these means "silently discard". */
export const RadiusParseError = {
  /** Fewer octets than a header (RFC 2865 §3). */
  TooShort: 'too-short',
  /** The Length field is below 20 or above 4096 (RFC 2865 §3). */
  BadLength: 'bad-length',
  /** The Length field claims more octets than were received (RFC 2865 §3: silently discard). */
  Truncated: 'truncated',
  /** An attribute's Length is below 2 or runs past the packet's end (RFC 2865 §5). */
  BadAttribute: 'bad-attribute',
} as const;
export type RadiusParseError = (typeof RadiusParseError)[keyof typeof RadiusParseError];

export type RadiusParseResult =
  | { readonly ok: true; readonly packet: RadiusPacket }
  | { readonly ok: false; readonly error: RadiusParseError; readonly offset: number };

/** One attribute as it sits in the frame: `value` shares memory with the datagram. */
export interface RadiusAttributeView {
  readonly type: number;
  /** Offset of the attribute's Type octet in the frame. */
  readonly offset: number;
  readonly value: Buffer;
}

/**
 * A parsed packet. Nothing is copied: `frame`, `authenticator` and every attribute value are
 * views of the received datagram, so copy what must outlive the request.
 */
export class RadiusPacket {
  readonly #frame: Buffer;
  readonly #attributes: readonly RadiusAttributeView[];
  #authenticator: Buffer | undefined;

  private constructor(frame: Buffer, attributes: readonly RadiusAttributeView[]) {
    this.#frame = frame;
    this.#attributes = attributes;
  }

  /**
   * RFC 2865 §3: the Length field is authoritative; octets past it are padding and ignored; a
   * shorter datagram than Length, a Length outside 20..4096, or a malformed attribute list is an
   * error value (the caller discards silently).
   */
  static parse(datagram: Buffer): RadiusParseResult {
    if (datagram.length < HEADER_LENGTH) return { ok: false, error: RadiusParseError.TooShort, offset: 0 };
    const length = datagram.readUInt16BE(LENGTH_OFFSET);
    if (length < MIN_PACKET_LENGTH || length > MAX_PACKET_LENGTH) {
      return { ok: false, error: RadiusParseError.BadLength, offset: LENGTH_OFFSET };
    }
    if (length > datagram.length)
      return { ok: false, error: RadiusParseError.Truncated, offset: LENGTH_OFFSET };
    const frame = datagram.subarray(0, length);
    const attributes: RadiusAttributeView[] = [];
    let offset = HEADER_LENGTH;
    while (offset < length) {
      // RFC 2865 §5: at least Type and Length must fit, and Length covers both.
      if (offset + ATTRIBUTE_HEADER_LENGTH > length)
        return { ok: false, error: RadiusParseError.BadAttribute, offset };
      const attrLength = frame[offset + 1]!;
      if (attrLength < ATTRIBUTE_HEADER_LENGTH || offset + attrLength > length) {
        return { ok: false, error: RadiusParseError.BadAttribute, offset };
      }
      attributes.push({
        type: frame[offset]!,
        offset,
        value: frame.subarray(offset + ATTRIBUTE_HEADER_LENGTH, offset + attrLength),
      });
      offset += attrLength;
    }
    return { ok: true, packet: new RadiusPacket(frame, attributes) };
  }

  /** The packet's octets, exactly Length long (padding excluded). */
  get frame(): Buffer {
    return this.#frame;
  }
  get code(): number {
    return this.#frame[0]!;
  }
  get identifier(): number {
    return this.#frame[1]!;
  }
  get length(): number {
    return this.#frame.length;
  }
  /** Request or Response Authenticator (RFC 2865 §3), a view into the frame. */
  get authenticator(): Buffer {
    this.#authenticator ??= this.#frame.subarray(
      AUTHENTICATOR_OFFSET,
      AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH,
    );
    return this.#authenticator;
  }
  /** All attributes in wire order. */
  get attributes(): readonly RadiusAttributeView[] {
    return this.#attributes;
  }

  /** The first attribute of this type, or undefined. */
  find(type: number): RadiusAttributeView | undefined {
    return this.#attributes.find((a) => a.type === type);
  }
  /** The value of the first attribute of this type, or undefined. */
  get(type: number): Buffer | undefined {
    return this.find(type)?.value;
  }
  /** Every attribute of this type, in wire order. */
  all(type: number): RadiusAttributeView[] {
    return this.#attributes.filter((a) => a.type === type);
  }
  has(type: number): boolean {
    return this.#attributes.some((a) => a.type === type);
  }
}
