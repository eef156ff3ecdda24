import {
  AVP_HEADER_LENGTH,
  AvpOffset,
  AvpView,
  HEADER_LENGTH,
  nextAvpOffset,
  type MessageView,
} from '../diameter/codec/index.js';
import { AvpFlag } from '../diameter/dict/model.js';
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

/** No such AVP in the DER. */
const ABSENT = -1;

function text(frame: Buffer, off: number): string | undefined {
  return off === ABSENT ? undefined : new AvpView(frame, off).asUtf8();
}

function unsigned(frame: Buffer, off: number): number | undefined {
  if (off === ABSENT) return undefined;
  const v = new AvpView(frame, off);
  return v.data.length !== UNSIGNED32_LENGTH ? undefined : v.asUnsigned32();
}

const NO_STATES: readonly AvpView[] = [];

/**
 * One pass over the DER's top-level AVPs keeps the offset of each AVP the application reads (the
 * first of each, every State); a field is decoded when read. Offsets are small integers: a DER
 * after the first reads three or four of the twelve fields, and no view object is made for the
 * others.
 */
class DerView implements DerFields {
  readonly #frame: Buffer;
  #originHost = ABSENT;
  #originRealm = ABSENT;
  #destinationRealm = ABSENT;
  #authRequestType = ABSENT;
  #userName = ABSENT;
  #keyName = ABSENT;
  #framedMtu = ABSENT;
  #calledStationId = ABSENT;
  #callingStationId = ABSENT;
  #states: AvpView[] | undefined;
  readonly sessionId: string | undefined;
  readonly eapPayload: Buffer | undefined;

  constructor(req: MessageView) {
    const frame = req.frame;
    this.#frame = frame;
    const end = req.avpEnd;
    let sessionId = ABSENT;
    let eapPayload = ABSENT;
    for (let off = HEADER_LENGTH; off + AVP_HEADER_LENGTH <= end; off = nextAvpOffset(frame, off)) {
      if ((frame[off + AvpOffset.FLAGS]! & AvpFlag.V) !== 0) continue;
      switch (frame.readUInt32BE(off + AvpOffset.CODE)) {
        case AvpCode.SessionId:
          if (sessionId === ABSENT) sessionId = off;
          break;
        case AvpCode.OriginHost:
          if (this.#originHost === ABSENT) this.#originHost = off;
          break;
        case AvpCode.OriginRealm:
          if (this.#originRealm === ABSENT) this.#originRealm = off;
          break;
        case AvpCode.DestinationRealm:
          if (this.#destinationRealm === ABSENT) this.#destinationRealm = off;
          break;
        case AvpCode.AuthRequestType:
          if (this.#authRequestType === ABSENT) this.#authRequestType = off;
          break;
        case AvpCode.UserName:
          if (this.#userName === ABSENT) this.#userName = off;
          break;
        case AvpCode.EAPPayload:
          if (eapPayload === ABSENT) eapPayload = off;
          break;
        case AvpCode.EAPKeyName:
          if (this.#keyName === ABSENT) this.#keyName = off;
          break;
        case AvpCode.State:
          (this.#states ??= []).push(new AvpView(frame, off));
          break;
        case AvpCode.FramedMTU:
          if (this.#framedMtu === ABSENT) this.#framedMtu = off;
          break;
        case AvpCode.CalledStationId:
          if (this.#calledStationId === ABSENT) this.#calledStationId = off;
          break;
        case AvpCode.CallingStationId:
          if (this.#callingStationId === ABSENT) this.#callingStationId = off;
          break;
      }
    }
    this.sessionId = text(frame, sessionId);
    // A copy: the conversation keeps the payload beyond this frame.
    this.eapPayload = eapPayload === ABSENT ? undefined : Buffer.from(new AvpView(frame, eapPayload).data);
  }

  get originHost(): string {
    return text(this.#frame, this.#originHost) ?? '';
  }
  get originRealm(): string {
    return text(this.#frame, this.#originRealm) ?? '';
  }
  get destinationRealm(): string | undefined {
    return text(this.#frame, this.#destinationRealm);
  }
  get authRequestType(): number | undefined {
    return unsigned(this.#frame, this.#authRequestType);
  }
  get userName(): string | undefined {
    return text(this.#frame, this.#userName);
  }
  get wantsKeyName(): boolean {
    return this.#keyName !== ABSENT;
  }
  get states(): readonly AvpView[] {
    return this.#states ?? NO_STATES;
  }
  get framedMtu(): number | undefined {
    return unsigned(this.#frame, this.#framedMtu);
  }
  get calledStationId(): string | undefined {
    return text(this.#frame, this.#calledStationId);
  }
  get callingStationId(): string | undefined {
    return text(this.#frame, this.#callingStationId);
  }
}

export function readDer(req: MessageView): DerFields {
  return new DerView(req);
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
