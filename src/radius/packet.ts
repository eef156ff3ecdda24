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

/** `#offsetOf` found no attribute of the type. */
const NONE = -1;

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
 *
 * Parsing validates the attribute list once and keeps no attribute: `find`, `get`, `all` and `has`
 * walk the frame again (a request has a handful of attributes), and make views only of what they
 * return. One object and one Buffer view per attribute at parse time were ~850 octets of garbage
 * per request, most of it for attributes nobody reads.
 */
export class RadiusPacket {
  readonly #frame: Buffer;
  #attributes: readonly RadiusAttributeView[] | undefined;
  #authenticator: Buffer | undefined;

  private constructor(frame: Buffer) {
    this.#frame = frame;
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
    let offset = HEADER_LENGTH;
    while (offset < length) {
      // RFC 2865 §5: at least Type and Length must fit, and Length covers both.
      if (offset + ATTRIBUTE_HEADER_LENGTH > length)
        return { ok: false, error: RadiusParseError.BadAttribute, offset };
      const attrLength = datagram[offset + 1]!;
      if (attrLength < ATTRIBUTE_HEADER_LENGTH || offset + attrLength > length) {
        return { ok: false, error: RadiusParseError.BadAttribute, offset };
      }
      offset += attrLength;
    }
    return {
      ok: true,
      packet: new RadiusPacket(length === datagram.length ? datagram : datagram.subarray(0, length)),
    };
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
    this.#attributes ??= this.#collect(undefined);
    return this.#attributes;
  }

  /** The first attribute of this type, or undefined. */
  find(type: number): RadiusAttributeView | undefined {
    const at = this.#offsetOf(type, HEADER_LENGTH);
    return at === NONE ? undefined : this.#view(at);
  }
  /** The value of the first attribute of this type, or undefined. */
  get(type: number): Buffer | undefined {
    const at = this.#offsetOf(type, HEADER_LENGTH);
    return at === NONE ? undefined : this.#valueAt(at);
  }
  /** Every attribute of this type, in wire order. */
  all(type: number): RadiusAttributeView[] {
    return this.#collect(type);
  }
  has(type: number): boolean {
    return this.#offsetOf(type, HEADER_LENGTH) !== NONE;
  }
  /** How many attributes of this type the packet carries. */
  count(type: number): number {
    const frame = this.#frame;
    let n = 0;
    for (let at = HEADER_LENGTH; at < frame.length; at += frame[at + 1]!) if (frame[at] === type) n++;
    return n;
  }

  /** Offset of the first attribute of `type` at or after `from` (an attribute boundary), or NONE. */
  #offsetOf(type: number, from: number): number {
    const frame = this.#frame;
    for (let at = from; at < frame.length; at += frame[at + 1]!) if (frame[at] === type) return at;
    return NONE;
  }

  /** Views of the attributes of `type` (every attribute when undefined), in wire order. */
  #collect(type: number | undefined): RadiusAttributeView[] {
    const frame = this.#frame;
    const out: RadiusAttributeView[] = [];
    for (let at = HEADER_LENGTH; at < frame.length; at += frame[at + 1]!)
      if (type === undefined || frame[at] === type) out.push(this.#view(at));
    return out;
  }

  #view(at: number): RadiusAttributeView {
    return { type: this.#frame[at]!, offset: at, value: this.#valueAt(at) };
  }

  #valueAt(at: number): Buffer {
    return this.#frame.subarray(at + ATTRIBUTE_HEADER_LENGTH, at + this.#frame[at + 1]!);
  }
}
