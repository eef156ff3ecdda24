import {
  encodeAnswer,
  encodeAvps,
  octets,
  raw,
  u32,
  u64,
  utf8,
  type AnswerSkeleton,
  type AvpSpec,
  type RawAvpSpec,
} from '../diameter/codec/index.js';
import { ApplicationId, AvpCode, RedirectHostUsage, ResultCode } from '../diameter/dict/constants.gen.js';
import type { RedirectDecision } from './redirect-hook.js';

/** What every DEA copies or states (RFC 4072 §3.2). */
export interface DeaHeader {
  readonly skeleton: AnswerSkeleton;
  readonly originHost: string;
  readonly originRealm: string;
  /** Copied from the DER (RFC 4072 §3.2: "{ Auth-Request-Type }"). */
  readonly authRequestType: number;
}

/** Optional DEA AVPs, emitted in the RFC 4072 §3.2 grammar order. */
export interface DeaBody {
  readonly userName?: string;
  readonly eapPayload?: Buffer;
  readonly eapReissuedPayload?: Buffer;
  readonly masterSessionKey?: Buffer;
  readonly keyName?: Buffer;
  readonly multiRoundTimeOutSeconds?: number;
  /** RFC 4072 §4.1.5: the EAP method type (Unsigned64). */
  readonly accountingEapAuthMethod?: number;
  readonly authorizationLifetimeSeconds?: number;
  readonly authSessionState?: number;
  readonly sessionTimeoutSeconds?: number;
  readonly state?: Buffer;
}

/**
 * A DEA (RFC 4072 §3.2): Session-Id (from the skeleton, first), Auth-Application-Id 5,
 * Auth-Request-Type, Result-Code, Origin-Host, Origin-Realm, then the body in grammar order, then
 * the request's Proxy-Info. Never Destination-* (RFC 6733 §6.2). AVPs carry the M bit, as the
 * dictionary (and freeDiameter's dict_eap) define all five RFC 4072 AVPs.
 */
export function encodeDea(h: DeaHeader, resultCode: number, b: DeaBody = {}): Buffer {
  const avps: AvpSpec[] = [
    constantU32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
    constantU32(AvpCode.AuthRequestType, h.authRequestType),
    constantU32(AvpCode.ResultCode, resultCode),
    constantUtf8(AvpCode.OriginHost, h.originHost),
    constantUtf8(AvpCode.OriginRealm, h.originRealm),
  ];
  if (b.userName !== undefined) avps.push(utf8(AvpCode.UserName, b.userName));
  if (b.eapPayload !== undefined) avps.push(octets(AvpCode.EAPPayload, b.eapPayload));
  if (b.eapReissuedPayload !== undefined) avps.push(octets(AvpCode.EAPReissuedPayload, b.eapReissuedPayload));
  if (b.masterSessionKey !== undefined) avps.push(octets(AvpCode.EAPMasterSessionKey, b.masterSessionKey));
  if (b.keyName !== undefined) avps.push(octets(AvpCode.EAPKeyName, b.keyName));
  if (b.multiRoundTimeOutSeconds !== undefined)
    avps.push(constantU32(AvpCode.MultiRoundTimeOut, b.multiRoundTimeOutSeconds));
  if (b.accountingEapAuthMethod !== undefined)
    avps.push(constantU64(AvpCode.AccountingEAPAuthMethod, b.accountingEapAuthMethod));
  if (b.authorizationLifetimeSeconds !== undefined)
    avps.push(constantU32(AvpCode.AuthorizationLifetime, b.authorizationLifetimeSeconds));
  if (b.authSessionState !== undefined) avps.push(constantU32(AvpCode.AuthSessionState, b.authSessionState));
  if (b.sessionTimeoutSeconds !== undefined)
    avps.push(constantU32(AvpCode.SessionTimeout, b.sessionTimeoutSeconds));
  if (b.state !== undefined) avps.push(octets(AvpCode.State, b.state));
  return encodeAnswer(h.skeleton, avps);
}

/**
 * AVPs whose value repeats answer after answer (Result-Code, Origin-Host, the timeouts...) are
 * encoded once and copied as raw bytes. Bounded: a value never seen before, past the bound, is
 * encoded as usual.
 */
const MAX_CONSTANT_AVPS = 256;
let constantCount = 0;
type Table<V> = Map<number, Map<V, RawAvpSpec>>;
const u32Avps: Table<number> = new Map();
const u64Avps: Table<number> = new Map();
const utf8Avps: Table<string> = new Map();

function constant<V>(
  table: Table<V>,
  code: number,
  value: V,
  encode: (code: number, value: V) => AvpSpec,
): AvpSpec {
  let byValue = table.get(code);
  const known = byValue?.get(value);
  if (known !== undefined) return known;
  const spec = encode(code, value);
  if (constantCount >= MAX_CONSTANT_AVPS) return spec;
  if (byValue === undefined) table.set(code, (byValue = new Map()));
  const encoded = raw(encodeAvps([spec]));
  byValue.set(value, encoded);
  constantCount += 1;
  return encoded;
}
const encodeU64 = (code: number, value: number): AvpSpec => u64(code, BigInt(value));
function constantU32(code: number, value: number): AvpSpec {
  return constant(u32Avps, code, value, u32);
}
function constantU64(code: number, value: number): AvpSpec {
  return constant(u64Avps, code, value, encodeU64);
}
function constantUtf8(code: number, value: string): AvpSpec {
  return constant(utf8Avps, code, value, utf8);
}

/**
 * RFC 6733 §6.1.8 / §6.12–§6.14 redirect answer, in the §7.2 answer-message layout with the E
 * bit: Session-Id, Origin-Host, Origin-Realm, Result-Code 3006, one Redirect-Host per target,
 * Redirect-Host-Usage, Redirect-Max-Cache-Time unless DONT_CACHE (it MUST be present otherwise;
 * freeDiameter's rt_redirect drops the answer without it), Auth-Application-Id 5 and the DER's
 * Auth-Request-Type (as every DEA; the answer-message grammar admits them as `* [ AVP ]`).
 */
export function encodeRedirectAnswer(h: DeaHeader, decision: RedirectDecision): Buffer {
  const avps: AvpSpec[] = [
    utf8(AvpCode.OriginHost, h.originHost),
    utf8(AvpCode.OriginRealm, h.originRealm),
    u32(AvpCode.ResultCode, ResultCode.DIAMETER_REDIRECT_INDICATION),
  ];
  for (const target of decision.targets) avps.push(utf8(AvpCode.RedirectHost, target));
  avps.push(u32(AvpCode.RedirectHostUsage, decision.usage));
  if (decision.usage !== RedirectHostUsage.DONT_CACHE)
    avps.push(u32(AvpCode.RedirectMaxCacheTime, decision.maxCacheTimeSeconds));
  avps.push(
    u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
    u32(AvpCode.AuthRequestType, h.authRequestType),
  );
  return encodeAnswer(h.skeleton, avps, true);
}

/** RFC 6733 §8.4.2 STA: Session-Id, Result-Code, Origin-Host, Origin-Realm. */
export function encodeSta(
  skeleton: AnswerSkeleton,
  local: { readonly originHost: string; readonly originRealm: string },
  resultCode: number,
): Buffer {
  return encodeAnswer(skeleton, [
    u32(AvpCode.ResultCode, resultCode),
    utf8(AvpCode.OriginHost, local.originHost),
    utf8(AvpCode.OriginRealm, local.originRealm),
  ]);
}
