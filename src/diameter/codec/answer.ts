import { AvpCode } from '../dict/constants.gen.js';
import { AvpFlag } from '../dict/model.js';
import {
  AVP_HEADER_LENGTH,
  AvpOffset,
  CommandFlag,
  HEADER_LENGTH,
  HeaderOffset,
  readUint24,
  isAvpList,
  pad4,
} from './header.js';
import type { MessageView } from './message-view.js';
import type { ValidationError } from './validate.js';
import { encodeMessage, grouped, octets, raw, u32, utf8 } from './writer.js';
import type { AvpSpec, RawAvpSpec, ValueAvpSpec } from './writer.js';

/** What an answer copies from its request (RFC 6733 §6.2): never Destination-Host/Realm. */
export interface AnswerSkeleton {
  readonly commandCode: number;
  readonly applicationId: number;
  /** The request's P bit (R cleared). */
  readonly flags: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
  /** The request's Session-Id value, re-encoded with our flags (M), if any. */
  readonly sessionId: ValueAvpSpec | undefined;
  /** Every Proxy-Info AVP of the request, in order (RFC 6733 §6.2 step 4, §6.7.2). */
  readonly proxyInfo: readonly RawAvpSpec[];
}

export interface LocalIdentity {
  readonly originHost: string;
  readonly originRealm: string;
  readonly originStateId?: number;
}

/**
 * Reads the header and the top-level Session-Id / Proxy-Info of a request. Bounds-checked: on a
 * malformed AVP list it keeps what it found before the damage, so error answers can still be built;
 * a Proxy-Info whose contents are not AVPs is left out.
 */
export function answerSkeleton(req: MessageView): AnswerSkeleton {
  const frame = req.frame;
  const end = Math.min(readUint24(frame, HeaderOffset.LENGTH), frame.length);
  let sessionId: ValueAvpSpec | undefined;
  const proxyInfo: RawAvpSpec[] = [];
  for (let off = HEADER_LENGTH; off + AVP_HEADER_LENGTH <= end;) {
    const len = readUint24(frame, off + AvpOffset.LENGTH);
    if (len < AVP_HEADER_LENGTH || off + len > end) break;
    const flags = frame[off + AvpOffset.FLAGS]!;
    if ((flags & AvpFlag.V) === 0) {
      const code = frame.readUInt32BE(off + AvpOffset.CODE);
      // The value is copied, the flags are ours: a request's bad flag bits must not echo back.
      if (code === AvpCode.SessionId && sessionId === undefined)
        sessionId = octets(AvpCode.SessionId, frame.subarray(off + AVP_HEADER_LENGTH, off + len));
      // RFC 6733 §6.7.2: Proxy-Info is echoed as it came, but only when its contents are AVPs; one
      // that is not cannot be routed on by any proxy and would make the answer malformed too.
      else if (code === AvpCode.ProxyInfo && isAvpList(frame, off + AVP_HEADER_LENGTH, off + len))
        proxyInfo.push(raw(frame.subarray(off, off + len)));
    }
    off += pad4(len);
  }
  return {
    commandCode: readUint24(frame, HeaderOffset.COMMAND_CODE),
    applicationId: frame.readUInt32BE(HeaderOffset.APPLICATION_ID),
    flags: frame[HeaderOffset.FLAGS]! & CommandFlag.P,
    hopByHop: frame.readUInt32BE(HeaderOffset.HOP_BY_HOP),
    endToEnd: frame.readUInt32BE(HeaderOffset.END_TO_END),
    sessionId,
    proxyInfo,
  };
}

/** Encodes an answer: Session-Id first, then `avps`, then the copied Proxy-Info AVPs. */
export function encodeAnswer(skel: AnswerSkeleton, avps: readonly AvpSpec[], errorBit = false): Buffer {
  const all: AvpSpec[] = [];
  if (skel.sessionId !== undefined) all.push(skel.sessionId);
  all.push(...avps, ...skel.proxyInfo);
  return encodeMessage({
    commandCode: skel.commandCode,
    applicationId: skel.applicationId,
    flags: skel.flags | (errorBit ? CommandFlag.E : 0),
    hopByHop: skel.hopByHop,
    endToEnd: skel.endToEnd,
    avps: all,
  });
}

/**
 * An error answer in the RFC 6733 §7.2 answer-message layout: Session-Id, Origin-Host,
 * Origin-Realm, Result-Code, [Origin-State-Id], Error-Message, [Failed-AVP], `extra`, Proxy-Info.
 * 3xxx sets the E bit; other codes leave it clear (the application adds its required AVPs via
 * `extra`, e.g. Auth-Application-Id in a DEA).
 */
export function buildErrorAnswer(
  req: MessageView,
  err: ValidationError,
  local: LocalIdentity,
  extra: readonly AvpSpec[] = [],
): Buffer {
  const avps: AvpSpec[] = [
    utf8(AvpCode.OriginHost, local.originHost),
    utf8(AvpCode.OriginRealm, local.originRealm),
    u32(AvpCode.ResultCode, err.resultCode),
  ];
  if (local.originStateId !== undefined) avps.push(u32(AvpCode.OriginStateId, local.originStateId));
  // RFC 6733 §4.5: Error-Message MUST NOT carry the M bit.
  avps.push(utf8(AvpCode.ErrorMessage, err.message, { flags: 0 }));
  if (err.failedAvp !== undefined) avps.push(grouped(AvpCode.FailedAVP, [raw(err.failedAvp)]));
  avps.push(...extra);
  return encodeAnswer(answerSkeleton(req), avps, err.errorBit);
}
