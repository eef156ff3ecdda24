import { randomBytes } from 'node:crypto';
import type { EapStep } from './eap-step.js';
import { EapFailureReason, EapInvalidReason } from './failure-reason.js';
import type { EapServerMethod } from './method.js';
import { PSK_EAX_HEADER_LENGTH } from './methods/psk/constants.js';
import type { PeerLookup } from './methods/psk/peer-lookup.js';
import { PskServerMethod } from './methods/psk/server.js';
import {
  buildFailure,
  buildIdentity,
  buildSuccess,
  EAP_MAX_LENGTH,
  EapCode,
  EapType,
  identityText,
  nextIdentifier,
  parseEapPacket,
  type EapPacket,
} from './packet.js';

/**
 * RFC 4137 §4 (EAP authenticator, "full authenticator" subset) state names. The machine here keeps
 * only what eapd's behaviour needs; each state is the point in `receive()` / `start()` that bears
 * its name:
 *   INITIALIZE → (start: SEND_REQUEST of Identity) → IDLE
 *   IDLE → RECEIVED → DISCARD (→ IDLE) | NAK → FAILURE
 *                   | identity → PROPOSE_METHOD → METHOD_REQUEST → SEND_REQUEST → IDLE
 *                   | INTEGRITY_CHECK (m.check) → DISCARD | METHOD_RESPONSE (m.process)
 *                       → METHOD_REQUEST → SEND_REQUEST → IDLE | SUCCESS | FAILURE
 * Retransmission timers are the lower layer's (RFC 4072 §2.4: the NAS retransmits; a discarded
 * response makes the caller reissue `lastRequest`).
 */
export const AuthenticatorState = {
  Initialize: 'INITIALIZE',
  Idle: 'IDLE',
  Received: 'RECEIVED',
  IntegrityCheck: 'INTEGRITY_CHECK',
  MethodResponse: 'METHOD_RESPONSE',
  ProposeMethod: 'PROPOSE_METHOD',
  MethodRequest: 'METHOD_REQUEST',
  Nak: 'NAK',
  SendRequest: 'SEND_REQUEST',
  Discard: 'DISCARD',
  Success: 'SUCCESS',
  Failure: 'FAILURE',
} as const;
export type AuthenticatorState = (typeof AuthenticatorState)[keyof typeof AuthenticatorState];

/** RFC 4072 §2.4 / notes: after this many invalid EAP packets the conversation fails. */
export const DEFAULT_MAX_INVALID = 5;
const IDENTIFIER_OCTETS = 1;
const IDENTIFIER_OFFSET = 1;

export type EapAuthenticatorOptions = {
  /** EAP-PSK ID_S (RFC 4764 §5.1); a Buffer is used as is (shared by conversations, never altered). */
  serverId: string | Buffer;
  lookup: PeerLookup;
  /** Largest EAP packet the lower layer can carry (e.g. from Framed-MTU); no larger request is built. */
  maxPacketSize?: number;
  /** Random source (RAND_S, the first Identifier); crypto.randomBytes by default. */
  random?: (n: number) => Buffer;
  /** Invalid packets tolerated before failure; DEFAULT_MAX_INVALID by default. */
  maxInvalid?: number;
};

/**
 * One EAP conversation on the authenticator side (RFC 3748, RFC 4137 names), with EAP-PSK as the
 * only method. Everything external arrives through options; the caller serialises calls per
 * conversation (a response arriving while a lookup is pending is discarded as busy).
 * `receive()` never throws on peer input.
 */
export class EapAuthenticator {
  readonly #serverId: Buffer;
  readonly #lookup: PeerLookup;
  readonly #maxPacketSize: number;
  readonly #random: (n: number) => Buffer;
  readonly #maxInvalid: number;

  #state: AuthenticatorState = AuthenticatorState.Initialize;
  #lastRequest: Buffer | undefined;
  /** Identifier of the outstanding request (or of the NAS's Identity response before ours). */
  #currentId = 0;
  /** Type of the outstanding request. */
  #currentType: number = EapType.Identity;
  #method: EapServerMethod | undefined;
  /** RFC 3748 §5.3.1: a Nak is only acceptable before the peer has answered the method once. */
  #methodAnswered = false;
  #identity: string | undefined;
  #invalid = 0;
  #rounds = 0;
  #busy = false;

  constructor(opts: EapAuthenticatorOptions) {
    this.#serverId = typeof opts.serverId === 'string' ? Buffer.from(opts.serverId, 'utf8') : opts.serverId;
    if (this.#serverId.length === 0) throw new RangeError('EAP-PSK ID_S must not be empty');
    if (this.#serverId.length > EAP_MAX_LENGTH - PSK_EAX_HEADER_LENGTH)
      throw new RangeError('EAP-PSK ID_S is too long for an EAP packet');
    this.#lookup = opts.lookup;
    this.#maxPacketSize = Math.min(opts.maxPacketSize ?? EAP_MAX_LENGTH, EAP_MAX_LENGTH);
    this.#random = opts.random ?? randomBytes;
    this.#maxInvalid = opts.maxInvalid ?? DEFAULT_MAX_INVALID;
  }

  get state(): AuthenticatorState {
    return this.#state;
  }

  /** New requests sent so far (reissues not counted). */
  get rounds(): number {
    return this.#rounds;
  }

  /** The EAP Identity from the Response/Identity, once received. */
  get identity(): string | undefined {
    return this.#identity;
  }

  /** The outstanding request, to reissue (RFC 4072 §2.4 EAP-Reissued-Payload) or retransmit. */
  get lastRequest(): Buffer | undefined {
    return this.#lastRequest;
  }

  get finished(): boolean {
    return this.#state === AuthenticatorState.Success || this.#state === AuthenticatorState.Failure;
  }

  /** EAP-Start (RFC 4072 §2.1: an empty EAP-Payload): INITIALIZE → SEND_REQUEST of Request/Identity. */
  start(): EapStep {
    // A repeated EAP-Start mid-conversation: answer with the outstanding request again.
    if (this.#state !== AuthenticatorState.Initialize)
      return this.#notCounted(EapInvalidReason.Busy, 'conversation already started', this.#lastRequest);
    const id = this.#random(IDENTIFIER_OCTETS)[0] ?? 0;
    return this.#sendRequest(buildIdentity(EapCode.Request, id), EapType.Identity);
  }

  /** One EAP packet from the peer. An empty packet before anything else is EAP-Start. */
  async receive(response: Buffer): Promise<EapStep> {
    if (this.finished)
      return this.#notCounted(EapInvalidReason.Finished, 'conversation has ended', undefined);
    if (this.#busy)
      return this.#notCounted(EapInvalidReason.Busy, 'previous response still being processed', undefined);
    if (this.#state === AuthenticatorState.Initialize) return this.#first(response);

    // RECEIVED (RFC 4137 §4.1 parseEapResp).
    this.#state = AuthenticatorState.Received;
    const parsed = parseEapPacket(response);
    if (!parsed.ok) return this.#discard(EapInvalidReason.Malformed, parsed.error);
    const p = parsed.value;
    if (p.code !== EapCode.Response) return this.#discard(EapInvalidReason.NotAResponse, `code ${p.code}`);
    if (p.identifier !== this.#currentId)
      return this.#discard(
        EapInvalidReason.WrongIdentifier,
        `identifier ${p.identifier}, expected ${this.#currentId}`,
      );
    if (p.type === EapType.Nak && this.#method !== undefined && !this.#methodAnswered) return this.#nak(p);
    if (p.type !== this.#currentType)
      return this.#discard(
        EapInvalidReason.WrongType,
        `type ${String(p.type)}, expected ${this.#currentType}`,
      );
    if (this.#method === undefined) return this.#identityReceived(p);

    // INTEGRITY_CHECK (m.check).
    this.#state = AuthenticatorState.IntegrityCheck;
    const method = this.#method;
    const check = method.check(p);
    if (!check.ok) return this.#discard(EapInvalidReason.MethodCheck, check.detail);

    // METHOD_RESPONSE (m.process).
    this.#state = AuthenticatorState.MethodResponse;
    this.#busy = true;
    try {
      await method.process(p);
    } finally {
      this.#busy = false;
    }
    this.#methodAnswered = true;
    return this.#afterMethod(method);
  }

  /** The first packet without EAP-Start: the NAS did the Identity round itself (RFC 4072 §2.1). */
  #first(response: Buffer): EapStep {
    if (response.length === 0) return this.start();
    const parsed = parseEapPacket(response);
    const id = response.length > IDENTIFIER_OFFSET ? response[IDENTIFIER_OFFSET]! : 0;
    this.#currentId = id;
    if (!parsed.ok) return this.#fail(EapFailureReason.Malformed, parsed.error);
    const p = parsed.value;
    if (p.code !== EapCode.Response || p.type !== EapType.Identity) {
      return this.#fail(
        EapFailureReason.UnexpectedPacket,
        `code ${p.code} type ${String(p.type)} without a request`,
      );
    }
    return this.#identityReceived(p);
  }

  /** Response/Identity → PROPOSE_METHOD → METHOD_REQUEST. */
  #identityReceived(p: EapPacket): EapStep {
    this.#identity = identityText(p.typeData);
    this.#state = AuthenticatorState.ProposeMethod;
    const method = new PskServerMethod({
      serverId: this.#serverId,
      lookup: this.#lookup,
      random: this.#random,
    });
    method.init(this.#identity);
    this.#method = method;
    this.#methodAnswered = false;
    this.#state = AuthenticatorState.MethodRequest;
    return this.#sendRequest(method.buildReq(nextIdentifier(this.#currentId)), method.type);
  }

  /**
   * NAK (RFC 3748 §5.3.1, RFC 4137 Policy.update): the peer refuses the proposed method. EAP-PSK is
   * the only method, so no alternative remains whatever the peer offers; a second method would be
   * chosen here from the offered types.
   */
  #nak(p: EapPacket): EapStep {
    this.#state = AuthenticatorState.Nak;
    return this.#fail(EapFailureReason.NakNoCommonMethod, `peer offers [${[...p.typeData].join(',')}]`);
  }

  #afterMethod(method: EapServerMethod): EapStep {
    const decision = method.decision();
    if (decision.kind === 'continue') {
      this.#state = AuthenticatorState.MethodRequest;
      return this.#sendRequest(method.buildReq(nextIdentifier(this.#currentId)), method.type);
    }
    if (decision.kind === 'failure') return this.#fail(decision.reason, decision.detail, decision.peerId);
    const keys = method.getKey();
    if (keys === undefined)
      return this.#fail(EapFailureReason.ProtocolError, 'method succeeded without keys', decision.peerId);
    // SUCCESS: RFC 3748 §4.2, the Identifier of the last Response (= last request's).
    this.#state = AuthenticatorState.Success;
    return {
      kind: 'success',
      packet: buildSuccess(this.#currentId),
      msk: keys.msk,
      emsk: keys.emsk,
      sessionId: keys.sessionId,
      peerId: decision.peerId,
      method: method.type,
    };
  }

  /** SEND_REQUEST: a new request, with a new Identifier, within the packet size limit. */
  #sendRequest(packet: Buffer, type: number): EapStep {
    if (packet.length > this.#maxPacketSize) {
      return this.#fail(
        EapFailureReason.PacketTooLarge,
        `request of ${packet.length} octets, maximum ${this.#maxPacketSize}`,
      );
    }
    this.#state = AuthenticatorState.SendRequest;
    this.#lastRequest = packet;
    this.#currentId = packet[IDENTIFIER_OFFSET]!;
    this.#currentType = type;
    this.#rounds++;
    this.#state = AuthenticatorState.Idle;
    return { kind: 'request', packet };
  }

  /** DISCARD (RFC 4137 §4.1), counted; the caller reissues the outstanding request (RFC 4072 §2.4). */
  #discard(reason: EapInvalidReason, detail: string): EapStep {
    this.#state = AuthenticatorState.Discard;
    this.#invalid++;
    if (this.#invalid >= this.#maxInvalid)
      return this.#fail(EapFailureReason.TooManyInvalid, `${this.#invalid} invalid packets, last: ${detail}`);
    this.#state = AuthenticatorState.Idle;
    return { kind: 'invalid', reason, detail, reissue: this.#lastRequest };
  }

  /** A refusal that is not a bad packet (busy, finished, repeated start): not counted. */
  #notCounted(reason: EapInvalidReason, detail: string, reissue: Buffer | undefined): EapStep {
    return { kind: 'invalid', reason, detail, reissue };
  }

  /** FAILURE: EAP-Failure with the current Identifier (that of the last request / its response). */
  #fail(reason: EapFailureReason, detail?: string, peerId?: string): EapStep {
    this.#state = AuthenticatorState.Failure;
    return {
      kind: 'failure',
      packet: buildFailure(this.#currentId),
      reason,
      ...(detail === undefined ? {} : { detail }),
      ...(peerId === undefined ? {} : { peerId }),
    };
  }
}
