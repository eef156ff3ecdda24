/**
 * EAP packets (RFC 3748 §4): Code, Identifier, Length, and for Request/Response a Type.
 * Parsing is zero-copy (views share memory with the input) and returns errors as values.
 */

/** RFC 3748 §4: Code field values. */
export const EapCode = { Request: 1, Response: 2, Success: 3, Failure: 4 } as const;
export type EapCode = (typeof EapCode)[keyof typeof EapCode];

/** RFC 3748 §5 and the IANA EAP method type registry (the ones eapd knows). */
export const EapType = { Identity: 1, Notification: 2, Nak: 3, Psk: 47, Expanded: 254 } as const;

/** RFC 3748 §4: Code (1) + Identifier (1) + Length (2). */
export const EAP_HEADER_LENGTH = 4;
/** RFC 3748 §4.1: the Type octet follows the header in Requests and Responses. */
export const EAP_TYPE_OFFSET = EAP_HEADER_LENGTH;
export const EAP_TYPE_DATA_OFFSET = EAP_TYPE_OFFSET + 1;
/** The Length field is 16 bits. */
export const EAP_MAX_LENGTH = 0xffff;
const IDENTIFIER_OFFSET = 1;
const LENGTH_OFFSET = 2;
const IDENTIFIER_MASK = 0xff;
const NUL = 0;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export type EapPacket = {
  readonly code: EapCode;
  readonly identifier: number;
  /** Request/Response: the Type octet; Success/Failure: undefined. */
  readonly type: number | undefined;
  /** The octets after Type (Request/Response), empty for Success/Failure. Shares memory with `raw`. */
  readonly typeData: Buffer;
  /** Exactly Length octets of the input (trailing link-layer padding removed). */
  readonly raw: Buffer;
};

/** Parses one EAP packet; never throws. RFC 3748 §4: octets beyond Length are padding and ignored. */
export function parseEapPacket(buf: Buffer): Parsed<EapPacket> {
  if (buf.length < EAP_HEADER_LENGTH)
    return fail(`packet of ${buf.length} octets is shorter than the EAP header`);
  const code = buf[0]!;
  if (!isEapCode(code)) return fail(`unknown EAP code ${code}`);
  const length = buf.readUInt16BE(LENGTH_OFFSET);
  // RFC 3748 §4: a Length larger than the received octets MUST be silently discarded.
  if (length > buf.length) return fail(`Length ${length} exceeds the ${buf.length} received octets`);
  if (length < EAP_HEADER_LENGTH) return fail(`Length ${length} is shorter than the EAP header`);
  const raw = buf.subarray(0, length);
  const identifier = buf[IDENTIFIER_OFFSET]!;
  if (code === EapCode.Success || code === EapCode.Failure) {
    // RFC 3748 §4.2: Success and Failure carry no data.
    if (length !== EAP_HEADER_LENGTH)
      return fail(`Success/Failure with Length ${length}, expected ${EAP_HEADER_LENGTH}`);
    return { ok: true, value: { code, identifier, type: undefined, typeData: raw.subarray(length), raw } };
  }
  // RFC 3748 §4.1: Requests and Responses carry a Type.
  if (length < EAP_TYPE_DATA_OFFSET) return fail(`Request/Response with Length ${length} has no Type`);
  return {
    ok: true,
    value: {
      code,
      identifier,
      type: raw[EAP_TYPE_OFFSET]!,
      typeData: raw.subarray(EAP_TYPE_DATA_OFFSET),
      raw,
    },
  };
}

/** Builds a Request or Response: header, Type, then the concatenated `parts`. */
export function buildEapPacket(
  code: typeof EapCode.Request | typeof EapCode.Response,
  identifier: number,
  type: number,
  parts: readonly Buffer[],
): Buffer {
  let length = EAP_TYPE_DATA_OFFSET;
  for (const p of parts) length += p.length;
  if (length > EAP_MAX_LENGTH)
    throw new RangeError(`EAP packet of ${length} octets exceeds the 16-bit Length`);
  const out = Buffer.allocUnsafe(length);
  writeHeader(out, code, identifier, length);
  out[EAP_TYPE_OFFSET] = type;
  let at = EAP_TYPE_DATA_OFFSET;
  for (const p of parts) at += p.copy(out, at);
  return out;
}

/** RFC 3748 §4.2: EAP-Success. */
export function buildSuccess(identifier: number): Buffer {
  return buildResult(EapCode.Success, identifier);
}

/** RFC 3748 §4.2: EAP-Failure. */
export function buildFailure(identifier: number): Buffer {
  return buildResult(EapCode.Failure, identifier);
}

/** RFC 3748 §5.1: Identity Request (optional displayable prompt) or Response (the identity). */
export function buildIdentity(
  code: typeof EapCode.Request | typeof EapCode.Response,
  identifier: number,
  text = '',
): Buffer {
  return buildEapPacket(code, identifier, EapType.Identity, [Buffer.from(text, 'utf8')]);
}

/** RFC 3748 §5.3.1: legacy Nak listing the desired types (0 = no acceptable alternative). */
export function buildNak(identifier: number, desiredTypes: readonly number[]): Buffer {
  return buildEapPacket(EapCode.Response, identifier, EapType.Nak, [
    Buffer.from(desiredTypes.length > 0 ? desiredTypes : [0]),
  ]);
}

/**
 * RFC 3748 §5.1 and RFC 4284 §2: the identity is the Type-Data up to an optional NUL (after which
 * network-selection hints may follow), as UTF-8.
 */
export function identityText(typeData: Buffer): string {
  const nul = typeData.indexOf(NUL);
  return (nul < 0 ? typeData : typeData.subarray(0, nul)).toString('utf8');
}

/** RFC 3748 §4.1: the next Identifier (modulo 256). */
export function nextIdentifier(identifier: number): number {
  return (identifier + 1) & IDENTIFIER_MASK;
}

function buildResult(code: EapCode, identifier: number): Buffer {
  const out = Buffer.allocUnsafe(EAP_HEADER_LENGTH);
  writeHeader(out, code, identifier, EAP_HEADER_LENGTH);
  return out;
}

function writeHeader(out: Buffer, code: EapCode, identifier: number, length: number): void {
  out[0] = code;
  out[IDENTIFIER_OFFSET] = identifier & IDENTIFIER_MASK;
  out.writeUInt16BE(length, LENGTH_OFFSET);
}

function isEapCode(code: number): code is EapCode {
  return code >= EapCode.Request && code <= EapCode.Failure;
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error };
}
