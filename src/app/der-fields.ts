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

function text(v: AvpView | undefined): string | undefined {
  return v === undefined ? undefined : v.asUtf8();
}

function unsigned(v: AvpView | undefined): number | undefined {
  return v === undefined || v.data.length !== UNSIGNED32_LENGTH ? undefined : v.asUnsigned32();
}

const NO_STATES: readonly AvpView[] = [];

/**
 * One pass over the DER's top-level AVPs (the first of each code counts, as `find` would), keeping
 * views; text is decoded only when read, since later rounds need only Session-Id, EAP-Payload and
 * State.
 */
class DerView implements DerFields {
  #sessionId: AvpView | undefined;
  #originHost: AvpView | undefined;
  #originRealm: AvpView | undefined;
  #destinationRealm: AvpView | undefined;
  #authRequestType: AvpView | undefined;
  #userName: AvpView | undefined;
  #eapPayload: AvpView | undefined;
  #keyName: AvpView | undefined;
  #framedMtu: AvpView | undefined;
  #calledStationId: AvpView | undefined;
  #callingStationId: AvpView | undefined;
  #states: AvpView[] | undefined;
  readonly sessionId: string | undefined;
  readonly eapPayload: Buffer | undefined;

  constructor(req: MessageView) {
    const frame = req.frame;
    const end = req.avpEnd;
    for (let off = HEADER_LENGTH; off + AVP_HEADER_LENGTH <= end; off = nextAvpOffset(frame, off)) {
      // Every AVP read here is a base-protocol one (no Vendor-Id).
      if ((frame[off + AvpOffset.FLAGS]! & AvpFlag.V) !== 0) continue;
      switch (frame.readUInt32BE(off + AvpOffset.CODE)) {
        case AvpCode.SessionId:
          this.#sessionId ??= new AvpView(frame, off);
          break;
        case AvpCode.OriginHost:
          this.#originHost ??= new AvpView(frame, off);
          break;
        case AvpCode.OriginRealm:
          this.#originRealm ??= new AvpView(frame, off);
          break;
        case AvpCode.DestinationRealm:
          this.#destinationRealm ??= new AvpView(frame, off);
          break;
        case AvpCode.AuthRequestType:
          this.#authRequestType ??= new AvpView(frame, off);
          break;
        case AvpCode.UserName:
          this.#userName ??= new AvpView(frame, off);
          break;
        case AvpCode.EAPPayload:
          this.#eapPayload ??= new AvpView(frame, off);
          break;
        case AvpCode.EAPKeyName:
          this.#keyName ??= new AvpView(frame, off);
          break;
        case AvpCode.State:
          (this.#states ??= []).push(new AvpView(frame, off));
          break;
        case AvpCode.FramedMTU:
          this.#framedMtu ??= new AvpView(frame, off);
          break;
        case AvpCode.CalledStationId:
          this.#calledStationId ??= new AvpView(frame, off);
          break;
        case AvpCode.CallingStationId:
          this.#callingStationId ??= new AvpView(frame, off);
          break;
      }
    }
    this.sessionId = text(this.#sessionId);
    // A copy: the conversation may outlive the frame.
    this.eapPayload = this.#eapPayload === undefined ? undefined : Buffer.from(this.#eapPayload.data);
  }

  get originHost(): string {
    return text(this.#originHost) ?? '';
  }
  get originRealm(): string {
    return text(this.#originRealm) ?? '';
  }
  get destinationRealm(): string | undefined {
    return text(this.#destinationRealm);
  }
  get authRequestType(): number | undefined {
    return unsigned(this.#authRequestType);
  }
  get userName(): string | undefined {
    return text(this.#userName);
  }
  get wantsKeyName(): boolean {
    return this.#keyName !== undefined;
  }
  get states(): readonly AvpView[] {
    return this.#states ?? NO_STATES;
  }
  get framedMtu(): number | undefined {
    return unsigned(this.#framedMtu);
  }
  get calledStationId(): string | undefined {
    return text(this.#calledStationId);
  }
  get callingStationId(): string | undefined {
    return text(this.#callingStationId);
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
