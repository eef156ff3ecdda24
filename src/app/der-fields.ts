import type { AvpView, MessageView } from '../diameter/codec/index.js';
import { AvpCode } from '../diameter/dict/constants.gen.js';
import { EapCode, EapType, parseEapPacket } from '../eap/index.js';

/** RFC 6733 §4.2 Unsigned32 / Enumerated. */
const UNSIGNED32_LENGTH = 4;
const NUL = 0;
/** RFC 3748 §4: Code (1), Identifier (1), Length (2). */
const EAP_IDENTIFIER_OFFSET = 1;

/**
 * The DER fields the application reads (RFC 4072 §3.1), copied out of the frame. The dispatcher
 * has validated the DER against the dictionary; readers still tolerate odd lengths.
 */
export interface DerFields {
  readonly sessionId: string | undefined;
  readonly originHost: string;
  readonly originRealm: string;
  readonly destinationRealm: string | undefined;
  readonly authRequestType: number | undefined;
  readonly userName: string | undefined;
  /** A copy; empty = EAP-Start (RFC 4072 §2.1). undefined when the AVP is missing. */
  readonly eapPayload: Buffer | undefined;
  /** RFC 4072 §3.1: present (normally empty) when the NAS wants EAP-Key-Name back. */
  readonly wantsKeyName: boolean;
  /** Every State AVP (RFC 4072 §3.1: the NAS echoes what the last DEA carried). */
  readonly states: readonly AvpView[];
  readonly framedMtu: number | undefined;
  readonly calledStationId: string | undefined;
  readonly callingStationId: string | undefined;
}

function text(v: AvpView | undefined): string | undefined {
  return v === undefined ? undefined : v.asUtf8();
}

function unsigned(v: AvpView | undefined): number | undefined {
  return v === undefined || v.data.length !== UNSIGNED32_LENGTH ? undefined : v.asUnsigned32();
}

export function readDer(req: MessageView): DerFields {
  const payload = req.find(AvpCode.EAPPayload);
  return {
    sessionId: text(req.find(AvpCode.SessionId)),
    originHost: text(req.find(AvpCode.OriginHost)) ?? '',
    originRealm: text(req.find(AvpCode.OriginRealm)) ?? '',
    destinationRealm: text(req.find(AvpCode.DestinationRealm)),
    authRequestType: unsigned(req.find(AvpCode.AuthRequestType)),
    userName: text(req.find(AvpCode.UserName)),
    eapPayload: payload === undefined ? undefined : Buffer.from(payload.data),
    wantsKeyName: req.find(AvpCode.EAPKeyName) !== undefined,
    states: req.findAll(AvpCode.State),
    framedMtu: unsigned(req.find(AvpCode.FramedMTU)),
    calledStationId: text(req.find(AvpCode.CalledStationId)),
    callingStationId: text(req.find(AvpCode.CallingStationId)),
  };
}

/** The identity of an EAP-Response/Identity (RFC 3748 §5.1, up to a NUL per RFC 4284), else undefined. */
export function eapResponseIdentity(payload: Buffer | undefined): string | undefined {
  if (payload === undefined || payload.length === 0) return undefined;
  const parsed = parseEapPacket(payload);
  if (!parsed.ok) return undefined;
  const p = parsed.value;
  if (p.code !== EapCode.Response || p.type !== EapType.Identity) return undefined;
  const nul = p.typeData.indexOf(NUL);
  return (nul < 0 ? p.typeData : p.typeData.subarray(0, nul)).toString('utf8');
}

/** The Identifier of an EAP packet (for an EAP-Failure answering it), 0 when too short. */
export function eapIdentifier(payload: Buffer | undefined): number {
  return payload !== undefined && payload.length > EAP_IDENTIFIER_OFFSET
    ? payload[EAP_IDENTIFIER_OFFSET]!
    : 0;
}
