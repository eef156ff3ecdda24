import {
  CommandFlag,
  answerSkeleton,
  encodeAnswer,
  encodeAvps,
  encodeMessage,
  octets,
  raw,
  u32,
  utf8,
  type AvpSpec,
  type MessageView,
} from '../diameter/codec/index.js';
import {
  ApplicationId,
  AuthRequestType,
  AvpCode,
  CommandCode,
  ResultCode,
} from '../diameter/dict/constants.gen.js';
import { EapCode, parseEapPacket, type EapPskPeer } from '../eap/index.js';
import { buildIdentity } from '../eap/packet.js';
import { eapResponseIdentity } from './der-fields.js';

/**
 * The NAS side of RFC 4072 as pure message logic, for the simulator and tests: it builds DERs,
 * reads DEAs, and drives an EapPskPeer. Sending is the caller's (`send`), so the same code runs
 * against the handler in a unit test or over a real Diameter connection.
 */

/** RFC 6733 §3: the node writes the Hop-by-Hop Identifier when it sends. */
const HOP_BY_HOP_PLACEHOLDER = 0;
/** RFC 6733 §4.2 Unsigned32. */
const UNSIGNED32_LENGTH = 4;
/** Identifier of the NAS's own EAP-Request/Identity to the peer (RFC 4072 §2.1: the NAS may do it). */
const NAS_IDENTITY_REQUEST_ID = 0;
/** The NAS's own Request/Identity, the same octets for every conversation (the peer copies what it keeps). */
const NAS_IDENTITY_REQUEST = buildIdentity(EapCode.Request, NAS_IDENTITY_REQUEST_ID);
export const NAS_CLIENT_DEFAULTS = { maxRounds: 16 } as const;

export interface NasClientOptions {
  readonly originHost: string;
  readonly originRealm: string;
  readonly destinationRealm: string;
  /** A Session-Id generator (e.g. `() => new SessionIdGenerator(originHost).next()`). */
  readonly nextSessionId: () => string;
  /** End-to-End Identifiers; a counter from 1 by default (the node may rewrite them). */
  readonly nextEndToEnd?: () => number;
  /** The device. Its `identity` answers the Request/Identity; User-Name is copied from it. */
  readonly peer: EapPskPeer;
  /** true: start with an empty EAP-Payload (EAP-Start) instead of the peer's Response/Identity. */
  readonly eapStart?: boolean;
  readonly callingStationId?: string;
  readonly calledStationId?: string;
  readonly framedMtu?: number;
  /** Send an empty EAP-Key-Name so that the server returns the EAP Session-Id (default true). */
  readonly requestKeyName?: boolean;
  /** Give up after this many DERs. */
  readonly maxRounds?: number;
}

export interface NasClientResult {
  readonly sessionId: string;
  /** The final DEA's Result-Code (undefined if the run stopped before a final answer). */
  readonly resultCode: number | undefined;
  /** 2001 and the peer accepted the EAP-Success. */
  readonly success: boolean;
  /** EAP-Master-Session-Key of the final DEA. */
  readonly msk: Buffer | undefined;
  /** The MSK the peer derived itself. */
  readonly peerMsk: Buffer | undefined;
  /** EAP-Key-Name of the final DEA. */
  readonly keyName: Buffer | undefined;
  /** DERs sent. */
  readonly rounds: number;
  /** Why the run stopped without a final answer, or what the peer objected to. */
  readonly error?: string;
  /** The last DEA received. */
  readonly lastAnswer: MessageView | undefined;
}

export interface DerSpec {
  readonly sessionId: string;
  readonly endToEnd: number;
  readonly eapPayload: Buffer;
  readonly userName: string | undefined;
  /** Later DERs: the previous DEA (Destination-Host, State echo). */
  readonly previous?: MessageView;
}

/**
 * A DER (RFC 4072 §3.1): Session-Id, Auth-Application-Id 5, Origin-*, Destination-Realm,
 * Auth-Request-Type AUTHORIZE_AUTHENTICATE, [Destination-Host = the previous DEA's Origin-Host],
 * User-Name, EAP-Payload, [empty EAP-Key-Name], every State of the previous DEA,
 * Called-/Calling-Station-Id, Framed-MTU.
 *
 * The AVPs that are the same for every DER of a NAS are encoded once (fixedAvps) and copied raw;
 * Destination-Host and State are taken from the previous DEA's frame without a copy (the encoder
 * copies them into the DER).
 */
export function buildDer(o: NasClientOptions, d: DerSpec): Buffer {
  const avps: AvpSpec[] = [utf8(AvpCode.SessionId, d.sessionId), raw(fixedAvps(o))];
  // RFC 6733 §6.1: later requests of the session also name the server that answered.
  const server = d.previous?.find(AvpCode.OriginHost);
  if (server !== undefined) avps.push(octets(AvpCode.DestinationHost, server.data));
  if (d.userName !== undefined) avps.push(utf8(AvpCode.UserName, d.userName));
  avps.push(octets(AvpCode.EAPPayload, d.eapPayload));
  if (o.requestKeyName ?? true) avps.push(EMPTY_EAP_KEY_NAME);
  // RFC 4072 §3.1: echo every State AVP of the previous DEA unchanged.
  for (const st of d.previous?.findAll(AvpCode.State) ?? []) avps.push(raw(st.raw));
  if (o.calledStationId !== undefined) avps.push(utf8(AvpCode.CalledStationId, o.calledStationId));
  if (o.callingStationId !== undefined) avps.push(utf8(AvpCode.CallingStationId, o.callingStationId));
  if (o.framedMtu !== undefined) avps.push(u32(AvpCode.FramedMTU, o.framedMtu));
  return encodeMessage({
    commandCode: CommandCode.DiameterEAP,
    applicationId: ApplicationId.DiameterEAP,
    flags: CommandFlag.R | CommandFlag.P,
    hopByHop: HOP_BY_HOP_PLACEHOLDER,
    endToEnd: d.endToEnd,
    avps,
  });
}

/** RFC 4072 §3.1, RFC 5247 §1.4: an empty EAP-Key-Name asks for the EAP Session-Id. */
const EMPTY_EAP_KEY_NAME = octets(AvpCode.EAPKeyName, Buffer.alloc(0));
/** NAS identities whose fixed AVPs are kept (a generator has a few, the simulator one). */
const MAX_CACHED_NAS = 64;

/** The DER AVPs after Session-Id that depend only on the NAS (RFC 4072 §3.1), by Origin-Host. */
const fixedByOriginHost = new Map<
  string,
  { readonly originRealm: string; readonly destinationRealm: string; readonly avps: Buffer }
>();

/** Auth-Application-Id, Origin-Host, Origin-Realm, Destination-Realm, Auth-Request-Type, encoded once per NAS. */
function fixedAvps(o: NasClientOptions): Buffer {
  const cached = fixedByOriginHost.get(o.originHost);
  if (
    cached !== undefined &&
    cached.originRealm === o.originRealm &&
    cached.destinationRealm === o.destinationRealm
  )
    return cached.avps;
  const avps = encodeAvps([
    u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
    utf8(AvpCode.OriginHost, o.originHost),
    utf8(AvpCode.OriginRealm, o.originRealm),
    utf8(AvpCode.DestinationRealm, o.destinationRealm),
    u32(AvpCode.AuthRequestType, AuthRequestType.AUTHORIZE_AUTHENTICATE),
  ]);
  if (fixedByOriginHost.size >= MAX_CACHED_NAS) fixedByOriginHost.clear();
  fixedByOriginHost.set(o.originHost, {
    originRealm: o.originRealm,
    destinationRealm: o.destinationRealm,
    avps,
  });
  return avps;
}

function resultCodeOf(m: MessageView): number | undefined {
  const rc = m.find(AvpCode.ResultCode);
  return rc === undefined || rc.data.length !== UNSIGNED32_LENGTH ? undefined : rc.asUnsigned32();
}

/** The AVP's data as a view into the DEA's frame (the result keeps that frame as lastAnswer). */
function viewOf(m: MessageView, code: number): Buffer | undefined {
  return m.find(code)?.data;
}

function copyOf(m: MessageView, code: number): Buffer | undefined {
  const v = m.find(code);
  return v === undefined ? undefined : Buffer.from(v.data);
}

/**
 * Runs one whole authentication: first DER, then one DER per 1001 DEA (the peer's answer to
 * EAP-Payload, or to EAP-Reissued-Payload when the server reissued), until a final Result-Code.
 */
export async function runAuthentication(
  send: (frame: Buffer) => Promise<MessageView>,
  o: NasClientOptions,
): Promise<NasClientResult> {
  let e2e = 0;
  const nextEndToEnd = o.nextEndToEnd ?? ((): number => ++e2e);
  const sessionId = o.nextSessionId();
  const maxRounds = o.maxRounds ?? NAS_CLIENT_DEFAULTS.maxRounds;
  let rounds = 0;
  let lastAnswer: MessageView | undefined;
  const stop = (error: string, resultCode?: number): NasClientResult => ({
    sessionId,
    resultCode,
    success: false,
    msk: undefined,
    peerMsk: undefined,
    keyName: undefined,
    rounds,
    error,
    lastAnswer,
  });

  let payload: Buffer;
  let userName: string | undefined;
  if (o.eapStart === true) payload = Buffer.alloc(0);
  else {
    // RFC 4072 §2.1: the NAS asked the peer for its identity itself; User-Name is copied from it.
    const step = o.peer.receive(NAS_IDENTITY_REQUEST);
    if (step.kind !== 'response') return stop(`peer did not answer the Request/Identity (${step.kind})`);
    payload = step.packet;
    userName = eapResponseIdentity(payload);
  }
  let frame = buildDer(o, { sessionId, endToEnd: nextEndToEnd(), eapPayload: payload, userName });

  for (;;) {
    if (rounds >= maxRounds) return stop(`no final answer after ${rounds} DERs`);
    rounds++;
    const dea = await send(frame);
    lastAnswer = dea;
    if (dea.isRequest || dea.commandCode !== CommandCode.DiameterEAP)
      return stop(`expected a DEA, got command ${dea.commandCode}`);
    const rc = resultCodeOf(dea);
    const eap = viewOf(dea, AvpCode.EAPPayload);
    if (rc !== ResultCode.DIAMETER_MULTI_ROUND_AUTH) {
      const step = eap === undefined ? undefined : o.peer.receive(eap);
      const peerMsk = step?.kind === 'success' ? Buffer.from(step.msk) : undefined;
      const success = rc === ResultCode.DIAMETER_SUCCESS && step?.kind === 'success';
      const peerError =
        step === undefined
          ? 'no EAP-Payload'
          : step.kind === 'discard'
            ? `peer discarded: ${step.message}`
            : undefined;
      return {
        sessionId,
        resultCode: rc,
        success,
        msk: copyOf(dea, AvpCode.EAPMasterSessionKey),
        peerMsk,
        keyName: copyOf(dea, AvpCode.EAPKeyName),
        rounds,
        ...(peerError === undefined ? {} : { error: peerError }),
        lastAnswer,
      };
    }
    // RFC 4072 §2.4: 1001 without EAP-Payload carries the outstanding request in EAP-Reissued-Payload.
    const request = eap ?? viewOf(dea, AvpCode.EAPReissuedPayload);
    if (request === undefined) return stop('DEA 1001 without EAP-Payload or EAP-Reissued-Payload', rc);
    const step = o.peer.receive(request);
    if (step.kind !== 'response') {
      const why = step.kind === 'discard' ? `${step.code}: ${step.message}` : step.kind;
      return stop(`peer did not answer the EAP request (${why})`, rc);
    }
    if (userName === undefined) {
      const p = parseEapPacket(request);
      if (p.ok && p.value.code === EapCode.Request) userName = eapResponseIdentity(step.packet);
    }
    frame = buildDer(o, {
      sessionId,
      endToEnd: nextEndToEnd(),
      eapPayload: step.packet,
      userName,
      previous: dea,
    });
  }
}

/** RFC 6733 §8.5.2 ASA for an incoming ASR: Session-Id, Result-Code (2001 by default), Origin-*. */
export function buildAbortSessionAnswer(
  asr: MessageView,
  local: { readonly originHost: string; readonly originRealm: string },
  resultCode: number = ResultCode.DIAMETER_SUCCESS,
): Buffer {
  return encodeAnswer(answerSkeleton(asr), [
    u32(AvpCode.ResultCode, resultCode),
    utf8(AvpCode.OriginHost, local.originHost),
    utf8(AvpCode.OriginRealm, local.originRealm),
  ]);
}
