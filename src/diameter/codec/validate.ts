import { isUtf8 } from 'node:buffer';
import { AvpType, FIXED_PAYLOAD_SIZE, minimalPayloadSize } from '../dict/avp-type.js';
import { ResultCode } from '../dict/constants.gen.js';
import type { Dictionary } from '../dict/dictionary.js';
import { AvpFlag } from '../dict/model.js';
import type { AvpDef, Grammar } from '../dict/model.js';
import { AddressFamily } from './avp-view.js';
import {
  AVP_HEADER_LENGTH,
  AVP_VENDOR_HEADER_LENGTH,
  AvpOffset,
  CommandFlag,
  DIAMETER_VERSION,
  HEADER_LENGTH,
  HeaderOffset,
  readUint24,
  writeUint24,
  framedAvpLength,
  pad4,
} from './header.js';
import type { MessageView } from './message-view.js';
import { isProtocolError } from './result-code.js';

/** A validation failure shaped for the answer (RFC 6733 §7): only the first error is reported. */
export interface ValidationError {
  readonly resultCode: number;
  /** true for 3xxx: the answer carries the E bit (RFC 6733 §7.2). */
  readonly errorBit: boolean;
  /** The AVP to put inside Failed-AVP (RFC 6733 §7.5), unwrapped and unpadded. */
  readonly failedAvp?: Buffer;
  /** Text for Error-Message (RFC 6733 §7.3). Names codes only, never AVP values. */
  readonly message: string;
}

const ALIGN_MASK = 3;
const ADDRESS_FAMILY_BYTES = 2;
const IPV4_BYTES = 4;
const IPV6_BYTES = 16;
const PRINTABLE_MIN = 0x21;
const PRINTABLE_MAX = 0x7e;
const DIAMETER_URI_RE = /^aaas?:\/\//i;
/** Grouped AVPs nested deeper than this are refused (5004) so recursion stays bounded. */
export const MAX_GROUP_DEPTH = 16;

function fail(resultCode: number, message: string, failedAvp?: Buffer): ValidationError {
  const errorBit = isProtocolError(resultCode);
  return failedAvp === undefined
    ? { resultCode, errorBit, message }
    : { resultCode, errorBit, failedAvp, message };
}

/** A copy of the AVP as received (5001, 3009, 5004, 5008, 5009). */
function copyAvp(frame: Buffer, off: number, len: number): Buffer {
  return Buffer.from(frame.subarray(off, off + len));
}

/**
 * RFC 6733 §7.1.5 (5014): the AVP header, zero-padded when it is incomplete, followed by a
 * zero-filled payload of the minimal size for the type (empty for Grouped or unknown AVPs). The
 * length field is rewritten to the size of what is included, so the answer stays parseable.
 */
function minimalAvp(frame: Buffer, off: number, avail: number, def: AvpDef | undefined): Buffer {
  const vendor = avail > AvpOffset.FLAGS && (frame[off + AvpOffset.FLAGS]! & AvpFlag.V) !== 0;
  const header = vendor ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
  const size =
    header + (def === undefined || def.type === AvpType.Grouped ? 0 : minimalPayloadSize(def.type));
  const out = Buffer.alloc(size);
  frame.copy(out, 0, off, off + Math.min(avail, header));
  writeUint24(out, AvpOffset.LENGTH, size);
  return out;
}

/** RFC 6733 §7.5 (5005): an example of the missing AVP with a zeroed minimal payload. */
export function exampleAvp(def: AvpDef): Buffer {
  const header = def.vendorId !== 0 ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
  const size = header + (def.type === AvpType.Grouped ? 0 : minimalPayloadSize(def.type));
  const out = Buffer.alloc(size);
  out.writeUInt32BE(def.code, AvpOffset.CODE);
  out[AvpOffset.FLAGS] = def.mustFlags;
  writeUint24(out, AvpOffset.LENGTH, size);
  if (def.vendorId !== 0) out.writeUInt32BE(def.vendorId, AvpOffset.VENDOR_ID);
  return out;
}

function isDiameterIdentity(frame: Buffer, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = frame[i]!;
    if (c < PRINTABLE_MIN || c > PRINTABLE_MAX) return false;
  }
  return true;
}

const ASCII_LIMIT = 0x80;

/** UTF-8 check of a range without a subarray when it is all ASCII (the common case). */
function isUtf8Range(frame: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (frame[i]! >= ASCII_LIMIT) return isUtf8(frame.subarray(start, end));
  return true;
}

/** RFC 6733 §4.2/§4.3 value checks: length per type → 5014, value → 5004; Grouped recurses. */
function checkValue(
  dict: Dictionary,
  frame: Buffer,
  off: number,
  header: number,
  len: number,
  def: AvpDef,
  depth: number,
): ValidationError | undefined {
  const start = off + header;
  const size = len - header;
  const fixed = FIXED_PAYLOAD_SIZE[def.type];
  if (fixed !== undefined && size !== fixed)
    return fail(
      ResultCode.DIAMETER_INVALID_AVP_LENGTH,
      `AVP ${def.name} (${def.code}): ${def.type} needs ${fixed} octets, got ${size}`,
      minimalAvp(frame, off, len, def),
    );
  switch (def.type) {
    case AvpType.Enumerated:
      if (def.enumClosed && !def.valueSet.has(frame.readInt32BE(start)))
        return fail(
          ResultCode.DIAMETER_INVALID_AVP_VALUE,
          `AVP ${def.name} (${def.code}): value ${frame.readInt32BE(start)} not in the enumeration`,
          copyAvp(frame, off, len),
        );
      return undefined;
    case AvpType.Address: {
      if (size < ADDRESS_FAMILY_BYTES)
        return fail(
          ResultCode.DIAMETER_INVALID_AVP_LENGTH,
          `AVP ${def.name} (${def.code}): Address shorter than its family`,
          minimalAvp(frame, off, len, def),
        );
      const family = frame.readUInt16BE(start);
      const ok =
        (family === AddressFamily.IPv4 && size === ADDRESS_FAMILY_BYTES + IPV4_BYTES) ||
        (family === AddressFamily.IPv6 && size === ADDRESS_FAMILY_BYTES + IPV6_BYTES);
      return ok
        ? undefined
        : fail(
            ResultCode.DIAMETER_INVALID_AVP_VALUE,
            `AVP ${def.name} (${def.code}): bad Address (family ${family}, ${size} octets)`,
            copyAvp(frame, off, len),
          );
    }
    case AvpType.UTF8String:
      return isUtf8Range(frame, start, off + len)
        ? undefined
        : fail(
            ResultCode.DIAMETER_INVALID_AVP_VALUE,
            `AVP ${def.name} (${def.code}): not UTF-8`,
            copyAvp(frame, off, len),
          );
    case AvpType.DiameterIdentity:
      return isDiameterIdentity(frame, start, off + len)
        ? undefined
        : fail(
            ResultCode.DIAMETER_INVALID_AVP_VALUE,
            `AVP ${def.name} (${def.code}): not a DiameterIdentity`,
            copyAvp(frame, off, len),
          );
    case AvpType.DiameterURI: {
      const d = frame.subarray(start, off + len);
      return isUtf8(d) && DIAMETER_URI_RE.test(d.toString('latin1'))
        ? undefined
        : fail(
            ResultCode.DIAMETER_INVALID_AVP_VALUE,
            `AVP ${def.name} (${def.code}): not a DiameterURI`,
            copyAvp(frame, off, len),
          );
    }
    case AvpType.Grouped: {
      const g = def.grammar!;
      // A grammar of only `{AVP}` (Failed-AVP, RFC 6733 §7.5) carries offending AVPs by design:
      // check that its children are framed, not what they say.
      if (g.rules.length === 0 && g.allowsAny) return checkFraming(frame, start, off + len, g);
      if (depth >= MAX_GROUP_DEPTH)
        return fail(
          ResultCode.DIAMETER_INVALID_AVP_VALUE,
          `AVP ${def.name} (${def.code}): grouped AVPs nested too deep`,
          copyAvp(frame, off, len),
        );
      return checkAvps(dict, frame, start, off + len, g, depth + 1);
    }
    default:
      return undefined;
  }
}

/** AVP lengths only (5014), and the wildcard minimum (5005). */
function checkFraming(
  frame: Buffer,
  start: number,
  end: number,
  grammar: Grammar,
): ValidationError | undefined {
  let count = 0;
  let off = start;
  while (off < end) {
    const len = framedAvpLength(frame, off, end);
    if (len === 0)
      return fail(
        ResultCode.DIAMETER_INVALID_AVP_LENGTH,
        `AVP in ${grammar.name}: bad length`,
        minimalAvp(frame, off, end - off, undefined),
      );
    count++;
    off = Math.min(off + pad4(len), end);
  }
  return count < grammar.anyMin
    ? fail(ResultCode.DIAMETER_MISSING_AVP, `${grammar.name} needs at least ${grammar.anyMin} AVP(s)`)
    : undefined;
}

/**
 * Occurrence counters per nesting depth, reused by every message: a fresh typed array per message
 * would be a fresh ArrayBuffer, which the young-generation GC must sweep one by one.
 */
const countScratch: Uint32Array[] = [];
const MIN_COUNT_SCRATCH = 64;

function countsFor(depth: number, rules: number): Uint32Array {
  let c = countScratch[depth];
  if (c === undefined || c.length < rules) {
    c = new Uint32Array(Math.max(rules, MIN_COUNT_SCRATCH));
    countScratch[depth] = c;
  }
  c.fill(0, 0, rules);
  return c;
}

/** One level of AVPs in [start, end) against a grammar (RFC 6733 §3.2, §4.1, §7). */
function checkAvps(
  dict: Dictionary,
  frame: Buffer,
  start: number,
  end: number,
  grammar: Grammar,
  depth: number,
): ValidationError | undefined {
  const rules = grammar.rules;
  const counts = countsFor(depth, rules.length);
  let position = 0;
  let off = start;
  while (off < end) {
    const avail = end - off;
    if (avail < AVP_HEADER_LENGTH)
      return fail(
        ResultCode.DIAMETER_INVALID_AVP_LENGTH,
        `truncated AVP header (${avail} octets)`,
        minimalAvp(frame, off, avail, undefined),
      );
    const code = frame.readUInt32BE(off + AvpOffset.CODE);
    const flags = frame[off + AvpOffset.FLAGS]!;
    const len = readUint24(frame, off + AvpOffset.LENGTH);
    const vendor = (flags & AvpFlag.V) !== 0;
    const header = vendor ? AVP_VENDOR_HEADER_LENGTH : AVP_HEADER_LENGTH;
    if (avail < header)
      return fail(
        ResultCode.DIAMETER_INVALID_AVP_LENGTH,
        `AVP ${code}: truncated vendor header`,
        minimalAvp(frame, off, avail, undefined),
      );
    const vendorId = vendor ? frame.readUInt32BE(off + AvpOffset.VENDOR_ID) : 0;
    const def = dict.avp(code, vendorId);
    if (len < header || len > avail)
      return fail(
        ResultCode.DIAMETER_INVALID_AVP_LENGTH,
        `AVP ${code}${vendor ? '/' + vendorId : ''}: length ${len} does not fit`,
        minimalAvp(frame, off, avail, def),
      );
    if ((flags & AvpFlag.RESERVED) !== 0)
      return fail(
        ResultCode.DIAMETER_INVALID_AVP_BITS,
        `AVP ${code}: reserved flag bits set`,
        copyAvp(frame, off, len),
      );
    if (def === undefined) {
      // RFC 6733 §4.1: an unknown AVP with M set fails the message; without M it is ignored.
      if ((flags & AvpFlag.M) !== 0)
        return fail(
          ResultCode.DIAMETER_AVP_UNSUPPORTED,
          `AVP ${code}${vendor ? '/' + vendorId : ''} unsupported with M bit`,
          copyAvp(frame, off, len),
        );
    } else {
      if ((flags & def.mustNotFlags) !== 0)
        return fail(
          ResultCode.DIAMETER_INVALID_AVP_BITS,
          `AVP ${def.name} (${code}): flag bits contradict its definition`,
          copyAvp(frame, off, len),
        );
      const e = checkValue(dict, frame, off, header, len, def, depth);
      if (e !== undefined) return e;
      const r = grammar.ruleOf[def.index]!;
      if (r < 0) {
        if (!grammar.allowsAny)
          return fail(
            ResultCode.DIAMETER_AVP_NOT_ALLOWED,
            `AVP ${def.name} (${code}) not allowed in ${grammar.name}`,
            copyAvp(frame, off, len),
          );
      } else {
        const rule = rules[r]!;
        if (rule.position >= 0 && rule.position !== position)
          return fail(
            ResultCode.DIAMETER_AVP_NOT_ALLOWED,
            `AVP ${def.name} (${code}) must be at position ${rule.position + 1} in ${grammar.name}`,
            copyAvp(frame, off, len),
          );
        if (++counts[r]! > rule.max)
          return fail(
            ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES,
            `AVP ${def.name} (${code}) occurs more than ${rule.max} time(s) in ${grammar.name}`,
            copyAvp(frame, off, len),
          );
      }
    }
    position++;
    // The last AVP of a Grouped value may come without its padding: stop at the group's end.
    off = Math.min(off + pad4(len), end);
  }
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    if (counts[r]! < rule.min)
      return fail(
        ResultCode.DIAMETER_MISSING_AVP,
        `missing AVP ${rule.avp.name} (${rule.avp.code}) in ${grammar.name}`,
        exampleAvp(rule.avp),
      );
  }
  if (position < grammar.anyMin)
    return fail(ResultCode.DIAMETER_MISSING_AVP, `${grammar.name} needs at least ${grammar.anyMin} AVP(s)`);
  return undefined;
}

/**
 * Validates a message against the dictionary (RFC 6733 §3, §4, §7); returns the first error or
 * undefined. Never throws. For answers the result is for logging: answers are never answered.
 */
export function validateMessage(dict: Dictionary, msg: MessageView): ValidationError | undefined {
  const frame = msg.frame;
  if (frame.length < HEADER_LENGTH)
    return fail(
      ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH,
      `message shorter than the ${HEADER_LENGTH}-octet header`,
    );
  if (frame[HeaderOffset.VERSION] !== DIAMETER_VERSION)
    return fail(
      ResultCode.DIAMETER_UNSUPPORTED_VERSION,
      `unsupported version ${frame[HeaderOffset.VERSION]}`,
    );
  const length = readUint24(frame, HeaderOffset.LENGTH);
  if (length !== frame.length || (length & ALIGN_MASK) !== 0)
    return fail(
      ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH,
      `message length ${length} (frame ${frame.length})`,
    );
  const flags = frame[HeaderOffset.FLAGS]!;
  const request = (flags & CommandFlag.R) !== 0;
  // RFC 6733 §7.1.5: 5013 when a reserved header bit is set.
  if ((flags & CommandFlag.RESERVED) !== 0)
    return fail(ResultCode.DIAMETER_INVALID_BIT_IN_HEADER, 'reserved command flag bits set');
  // RFC 6733 §3: E never in a request, T never in an answer → 3008.
  if (request && (flags & CommandFlag.E) !== 0)
    return fail(ResultCode.DIAMETER_INVALID_HDR_BITS, 'E bit set in a request');
  if (!request && (flags & CommandFlag.T) !== 0)
    return fail(ResultCode.DIAMETER_INVALID_HDR_BITS, 'T bit set in an answer');
  const code = readUint24(frame, HeaderOffset.COMMAND_CODE);
  const cmd = dict.command(code);
  if (cmd === undefined) return fail(ResultCode.DIAMETER_COMMAND_UNSUPPORTED, `command ${code} unsupported`);
  // RFC 6733 §7.1.3 (3008): bits inconsistent with the command's definition (PXY).
  if (request && ((flags & CommandFlag.P) !== 0) !== cmd.proxiable)
    return fail(ResultCode.DIAMETER_INVALID_HDR_BITS, `P bit inconsistent with ${cmd.requestAbbrev}`);
  const grammar = request ? cmd.request : (flags & CommandFlag.E) !== 0 ? dict.answerMessage : cmd.answer;
  return checkAvps(dict, frame, HEADER_LENGTH, length, grammar, 0);
}
