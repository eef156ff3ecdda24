import {
  answerSkeleton,
  encodeAvps,
  isProtocolError,
  octets,
  u32,
  type AvpSpec,
  type AvpView,
  type MessageView,
} from '../diameter/codec/index.js';
import {
  ApplicationId,
  AuthRequestType,
  AuthSessionState,
  AvpCode,
  CommandCode,
  ResultCode,
} from '../diameter/dict/constants.gen.js';
import type { HandlerResult, RequestContext, RequestHandler } from '../diameter/node/handler.js';
import { EapAuthenticator, SessionTable, buildFailure, type EapStep } from '../eap/index.js';
import { monotonicClock, wallClock, type Clock } from '../util/clock.js';
import { createRandomPool } from '../util/random-pool.js';
import { AppFailureReason, methodName, publishAuthResult, secondsBetween } from './auth-result.js';
import { AuthorizedSessions } from './authorized-sessions.js';
import { Interned } from './interned.js';
import type { Conversation } from './conversation.js';
import { encodeDea, encodeSta, type DeaHeader } from './dea-encoder.js';
import { eapIdentifier, eapResponseIdentity, readDer, type DerFields } from './der-fields.js';
import type { DeviceLookupFactory } from './device-lookup.js';
import { maxEapPacketSize } from './framed-mtu.js';
import type { FirstDerFacts, RedirectDecision, RedirectHook } from './redirect-hook.js';
import { SESSION_APPLICATION_IDS } from './session-control.js';
import { redirectResult } from './redirect-answer.js';

export type AuthSessionStateValue = (typeof AuthSessionState)[keyof typeof AuthSessionState];

/** RFC 4072 §3.2 State: 16 random octets per conversation (opaque to the NAS). */
export const STATE_LENGTH = 16;
export const APP_DEFAULTS = {
  maxAuthorizedSessions: 100_000,
  sweepIntervalMs: 1000,
} as const;
const MS_PER_SECOND = 1000;
const DISABLED = 0;

export interface EapApplicationOptions {
  readonly originHost: string;
  readonly originRealm: string;
  /** Realms served besides originRealm (Destination-Realm of a first DER). */
  readonly servedRealms?: readonly string[];
  /** EAP-PSK ID_S (RFC 4764 §5.1). */
  readonly serverId: string;
  /** The device lookup (createDeviceLookup) for a conversation's station ids. */
  readonly lookupFor: DeviceLookupFactory;
  /** RFC 4072 §2.1 Multi-Round-Time-Out sent with every 1001, and the conversation's idle expiry. */
  readonly multiRoundTimeoutSeconds: number;
  /** Hard cap of conversations in progress; beyond it 3004 DIAMETER_TOO_BUSY. */
  readonly maxSessions: number;
  /** Bound of the authorized-session table (STR/ASR/RAR). */
  readonly maxAuthorizedSessions?: number;
  /** RFC 6733 §8.11, sent on success; STATE_MAINTAINED by default (then the session is tracked). */
  readonly authSessionState?: AuthSessionStateValue;
  /** RFC 6733 §8.13 Session-Timeout on success; 0 or absent: not sent. */
  readonly sessionTimeoutSeconds?: number;
  /** RFC 6733 §8.9 Authorization-Lifetime on success; 0 or absent: not sent. */
  readonly authorizationLifetimeSeconds?: number;
  readonly redirect?: RedirectHook;
  /** Realms added at run time (`eapd realm add`), consulted when a realm is not in the static set. */
  readonly runtimeRealms?: () => Promise<ReadonlySet<string>>;
  /** Expiry and durations: monotonic ms by default (a ManualClock in tests). */
  readonly clock?: Clock;
  /** `since` of authorized sessions: Date.now by default. */
  readonly wallClock?: Clock;
  /** State values and the EAP engine's randomness; a pooled CSPRNG (createRandomPool) by default. */
  readonly random?: (n: number) => Buffer;
  /** Invalid EAP packets tolerated per conversation (RFC 4072 §2.4); the engine's default 5. */
  readonly maxInvalid?: number;
}

interface ErrorSpec {
  readonly resultCode: number;
  readonly message: string;
  readonly failedAvp?: Buffer;
}

/**
 * The RFC 4072 Diameter EAP application (Application-Id 5): DER → EAP engine → DEA, STR → STA.
 * The dispatcher has validated requests against the dictionary and answered duplicates before a
 * handler runs (RFC 6733 §5.5.4), so nothing here needs to be idempotent.
 *
 * Register `handlers` with the node: 5 → DER and STR; 0 and 1 → STR only (the RFCs disagree on
 * the STR's Application-Id).
 */
export class EapApplication {
  readonly #o: EapApplicationOptions;
  readonly #served: ReadonlySet<string>;
  readonly #clock: Clock;
  readonly #wallClock: Clock;
  readonly #random: (n: number) => Buffer;
  readonly #conversations: SessionTable<Conversation>;
  readonly #maxSessions: number;
  readonly #timeoutSeconds: number;
  readonly #authSessionState: AuthSessionStateValue;
  readonly #local: { readonly originHost: string; readonly originRealm: string };
  /** ID_S encoded once for every conversation. */
  readonly #serverId: Buffer;
  /** NAS Origin-Host/Realm strings shared by the conversations of the same NAS. */
  readonly #nasNames = new Interned();
  /** Sessions after success (STR clean-up, ASR/RAR targets: see SessionControl). */
  readonly sessions: AuthorizedSessions;

  constructor(options: EapApplicationOptions) {
    if (!Number.isInteger(options.multiRoundTimeoutSeconds) || options.multiRoundTimeoutSeconds <= 0)
      throw new RangeError('multiRoundTimeoutSeconds must be a positive integer');
    this.#o = options;
    this.#local = { originHost: options.originHost, originRealm: options.originRealm };
    this.#serverId = Buffer.from(options.serverId, 'utf8');
    this.#served = new Set(
      [options.originRealm, ...(options.servedRealms ?? [])].map((r) => r.toLowerCase()),
    );
    this.#clock = options.clock ?? monotonicClock;
    this.#wallClock = options.wallClock ?? wallClock;
    this.#random = options.random ?? createRandomPool();
    this.#maxSessions = options.maxSessions;
    this.#timeoutSeconds = options.multiRoundTimeoutSeconds;
    this.#authSessionState = options.authSessionState ?? AuthSessionState.STATE_MAINTAINED;
    this.#conversations = new SessionTable<Conversation>({
      maxEntries: options.maxSessions,
      timeoutMs: options.multiRoundTimeoutSeconds * MS_PER_SECOND,
      now: () => this.#clock.now(),
      onExpire: (_key, conv) => this.#finished(conv, 'failure', AppFailureReason.Timeout),
    });
    this.sessions = new AuthorizedSessions(
      options.maxAuthorizedSessions ?? APP_DEFAULTS.maxAuthorizedSessions,
    );
  }

  /** Conversations in progress (for a gauge and tests). */
  get conversationCount(): number {
    return this.#conversations.size;
  }

  /** The handler for Application-Id 5: DER and STR. */
  readonly handleRequest: RequestHandler = (req, ctx) => {
    if (req.commandCode === CommandCode.DiameterEAP) return this.#der(req, ctx);
    if (req.commandCode === CommandCode.SessionTermination) return this.#str(req);
    return unsupported(req);
  };

  /** The handler for Application-Ids 0 and 1: STR only. */
  readonly handleSessionRequest: RequestHandler = (req) =>
    req.commandCode === CommandCode.SessionTermination ? this.#str(req) : unsupported(req);

  /** One handler per Application-Id, for the node's registry. */
  get handlers(): ReadonlyMap<number, RequestHandler> {
    const m = new Map<number, RequestHandler>();
    for (const id of SESSION_APPLICATION_IDS)
      m.set(id, id === ApplicationId.DiameterEAP ? this.handleRequest : this.handleSessionRequest);
    return m;
  }

  /** Expires abandoned conversations now (each publishes a `timeout` result). */
  sweep(): number {
    return this.#conversations.sweep();
  }

  /** Sweeps on an unref'd timer (otherwise expiry happens lazily on the next DER). */
  startSweeper(intervalMs: number = APP_DEFAULTS.sweepIntervalMs): void {
    this.#conversations.startSweeper(intervalMs);
  }

  stop(): void {
    this.#conversations.stopSweeper();
  }

  /** Configured realms: a Set lookup, no promise (every first DER asks). */
  #servedHere(realm: string): boolean {
    return this.#served.has(realm) || this.#served.has(realm.toLowerCase());
  }

  /** Realms added at run time (the routing store). */
  async #servedAtRunTime(realm: string): Promise<boolean> {
    const runtime = this.#o.runtimeRealms === undefined ? undefined : await this.#o.runtimeRealms();
    return runtime !== undefined && (runtime.has(realm.toLowerCase()) || runtime.has(realm));
  }

  async #der(req: MessageView, ctx: RequestContext): Promise<HandlerResult> {
    this.#conversations.sweep();
    const der = readDer(req);
    const header: DeaHeader = {
      skeleton: answerSkeleton(req),
      originHost: this.#local.originHost,
      originRealm: this.#local.originRealm,
      authRequestType: der.authRequestType ?? AuthRequestType.AUTHORIZE_AUTHENTICATE,
    };
    // The dispatcher's grammar check makes these two unreachable; kept so a bypass cannot crash.
    if (der.sessionId === undefined)
      return error(
        {
          resultCode: ResultCode.DIAMETER_MISSING_AVP,
          message: 'DER without Session-Id',
          failedAvp: example(AvpCode.SessionId),
        },
        deaExtra(header),
      );
    if (der.eapPayload === undefined)
      return error(
        {
          resultCode: ResultCode.DIAMETER_MISSING_AVP,
          message: 'DER without EAP-Payload',
          failedAvp: example(AvpCode.EAPPayload),
        },
        deaExtra(header),
      );
    const conv = this.#conversations.get(der.sessionId);
    return conv === undefined
      ? this.#first(der, der.sessionId, der.eapPayload, header, ctx)
      : this.#next(conv, der, der.eapPayload, header);
  }

  /** A DER without a conversation (RFC 4072 §2.1). */
  async #first(
    der: DerFields,
    sessionId: string,
    payload: Buffer,
    header: DeaHeader,
    ctx: RequestContext,
  ): Promise<HandlerResult> {
    // State echoed but no conversation: it expired or lives elsewhere. End the EAP exchange at once
    // (the NAS restarts) rather than let it time out; the same choice as the RADIUS front.
    if (der.states.length > 0) {
      const packet = buildFailure(eapIdentifier(payload));
      return answer(
        encodeDea(header, ResultCode.DIAMETER_AUTHENTICATION_REJECTED, { eapPayload: packet }),
        ResultCode.DIAMETER_AUTHENTICATION_REJECTED,
      );
    }
    const destinationRealm = der.destinationRealm ?? '';
    // RFC 6733 §6.1.8: redirect rules are asked on every first DER, before the realm check.
    const redirect = this.#o.redirect;
    if (redirect !== undefined && redirect.idle?.() !== true) {
      const eapIdentity = eapResponseIdentity(payload);
      const facts: FirstDerFacts = {
        originHost: der.originHost,
        destinationRealm,
        ...(der.userName === undefined ? {} : { userName: der.userName }),
        ...(eapIdentity === undefined ? {} : { eapIdentity }),
        ...(der.callingStationId === undefined ? {} : { callingStationId: der.callingStationId }),
        ...(der.calledStationId === undefined ? {} : { calledStationId: der.calledStationId }),
      };
      const decision = await redirect(facts);
      if (decision !== undefined) return this.#redirect(header, decision);
    }
    // RFC 6733 §6.1.4 / §7.1.3: a realm we do not serve → 3003 with the E bit.
    if (!this.#servedHere(destinationRealm) && !(await this.#servedAtRunTime(destinationRealm)))
      return error(
        {
          resultCode: ResultCode.DIAMETER_REALM_NOT_SERVED,
          message: `realm ${destinationRealm} is not served here`,
        },
        deaExtra(header),
      );
    // RFC 6733 §7.1.3 3004: at the cap nothing is allocated for the new conversation.
    if (this.#conversations.size >= this.#maxSessions)
      return error(
        { resultCode: ResultCode.DIAMETER_TOO_BUSY, message: 'too many EAP conversations in progress' },
        deaExtra(header),
      );

    const lookup = this.#o.lookupFor({
      ...(der.calledStationId === undefined ? {} : { calledStationId: der.calledStationId }),
      ...(der.callingStationId === undefined ? {} : { callingStationId: der.callingStationId }),
    });
    const auth = new EapAuthenticator({
      serverId: this.#serverId,
      lookup,
      random: this.#random,
      ...(der.framedMtu === undefined ? {} : { maxPacketSize: maxEapPacketSize(der.framedMtu) }),
      ...(this.#o.maxInvalid === undefined ? {} : { maxInvalid: this.#o.maxInvalid }),
    });
    const conv: Conversation = {
      sessionId,
      auth,
      state: Buffer.from(this.#random(STATE_LENGTH).subarray(0, STATE_LENGTH)),
      startedAt: this.#clock.now(),
      nasHost: this.#nasNames.get(der.originHost),
      nasRealm: this.#nasNames.get(der.originRealm),
      viaPeer: ctx.peer.originHost,
      userName: der.userName,
      calledStationId: der.calledStationId,
      callingStationId: der.callingStationId,
      wantsKeyName: der.wantsKeyName,
      exchanges: 0,
      ended: false,
    };
    if (!this.#conversations.insert(sessionId, conv).ok)
      return error(
        { resultCode: ResultCode.DIAMETER_TOO_BUSY, message: 'too many EAP conversations in progress' },
        deaExtra(header),
      );
    return this.#step(conv, await this.#receive(conv, payload), header);
  }

  /** A later DER of a conversation (RFC 4072 §2.1: matched by Session-Id, State echoed). */
  async #next(
    conv: Conversation,
    der: DerFields,
    payload: Buffer,
    header: DeaHeader,
  ): Promise<HandlerResult> {
    // The State we sent must come back unchanged. Anything else is refused without touching the
    // conversation (a stray or forged DER must not end or advance it): 5005 when absent, 5004
    // with the offending State in Failed-AVP when different (RFC 6733 §7.1.5).
    if (der.states.length === 0)
      return error(
        {
          resultCode: ResultCode.DIAMETER_MISSING_AVP,
          message: 'State of the previous DEA not echoed',
          failedAvp: example(AvpCode.State),
        },
        deaExtra(header),
      );
    if (!stateEchoed(der.states, conv.state))
      return error(
        {
          resultCode: ResultCode.DIAMETER_INVALID_AVP_VALUE,
          message: 'State does not match the conversation',
          failedAvp: Buffer.from(der.states[0]!.raw),
        },
        deaExtra(header),
      );
    if (der.wantsKeyName) conv.wantsKeyName = true;
    return this.#step(conv, await this.#receive(conv, payload), header);
  }

  #receive(conv: Conversation, payload: Buffer): Promise<EapStep> {
    conv.exchanges++;
    return conv.auth.receive(payload);
  }

  /** RFC 4072 §2.1–§2.4: the EAP step → DEA. */
  #step(conv: Conversation, step: EapStep, header: DeaHeader): HandlerResult {
    const timeout = this.#timeoutSeconds;
    switch (step.kind) {
      case 'request':
        this.#conversations.touch(conv.sessionId);
        return answer(
          encodeDea(header, ResultCode.DIAMETER_MULTI_ROUND_AUTH, {
            eapPayload: step.packet,
            multiRoundTimeOutSeconds: timeout,
            state: conv.state,
          }),
          ResultCode.DIAMETER_MULTI_ROUND_AUTH,
        );
      case 'invalid':
        // Nothing to reissue (a response arrived while the previous one is still being
        // processed): stay silent, the NAS retransmits.
        if (step.reissue === undefined) return { kind: 'discard', reason: `EAP ${step.reason}` };
        this.#conversations.touch(conv.sessionId);
        // RFC 4072 §2.4: 1001 without EAP-Payload, the outstanding request in EAP-Reissued-Payload.
        return answer(
          encodeDea(header, ResultCode.DIAMETER_MULTI_ROUND_AUTH, {
            eapReissuedPayload: step.reissue,
            multiRoundTimeOutSeconds: timeout,
            state: conv.state,
          }),
          ResultCode.DIAMETER_MULTI_ROUND_AUTH,
        );
      case 'failure':
        this.#conversations.delete(conv.sessionId);
        this.#finished(conv, 'failure', step.reason, step.peerId, step.detail);
        return answer(
          encodeDea(header, ResultCode.DIAMETER_AUTHENTICATION_REJECTED, { eapPayload: step.packet }),
          ResultCode.DIAMETER_AUTHENTICATION_REJECTED,
        );
      case 'success': {
        this.#conversations.delete(conv.sessionId);
        this.#finished(conv, 'success', 'ok', step.peerId, undefined, step.method);
        const maintained = this.#authSessionState === AuthSessionState.STATE_MAINTAINED;
        if (maintained)
          this.sessions.add({
            sessionId: conv.sessionId,
            identity: step.peerId,
            nasHost: conv.nasHost,
            nasRealm: conv.nasRealm,
            viaPeer: conv.viaPeer,
            since: this.#wallClock.now(),
          });
        const lifetime = this.#o.authorizationLifetimeSeconds ?? DISABLED;
        const sessionTimeout = this.#o.sessionTimeoutSeconds ?? DISABLED;
        // Authorization-Lifetime is authorization data: not for AUTHENTICATE_ONLY (RFC 6733 §8.9).
        const authorizing = header.authRequestType !== AuthRequestType.AUTHENTICATE_ONLY;
        return answer(
          encodeDea(header, ResultCode.DIAMETER_SUCCESS, {
            userName: step.peerId,
            eapPayload: step.packet,
            masterSessionKey: step.msk,
            ...(conv.wantsKeyName ? { keyName: step.sessionId } : {}),
            accountingEapAuthMethod: step.method,
            ...(authorizing && lifetime > DISABLED ? { authorizationLifetimeSeconds: lifetime } : {}),
            authSessionState: this.#authSessionState,
            ...(sessionTimeout > DISABLED ? { sessionTimeoutSeconds: sessionTimeout } : {}),
          }),
          ResultCode.DIAMETER_SUCCESS,
        );
      }
    }
  }

  #redirect(header: DeaHeader, decision: RedirectDecision): HandlerResult {
    return redirectResult(header, decision);
  }

  /** RFC 6733 §8.4: STR → clean up (an EAP conversation or an authorized session) → STA. */
  #str(req: MessageView): HandlerResult {
    const skeleton = answerSkeleton(req);
    const sid = req.find(AvpCode.SessionId)?.asUtf8();
    if (sid === undefined)
      return error(
        {
          resultCode: ResultCode.DIAMETER_MISSING_AVP,
          message: 'STR without Session-Id',
          failedAvp: example(AvpCode.SessionId),
        },
        [],
      );
    this.#conversations.sweep();
    let known = false;
    const conv = this.#conversations.get(sid);
    if (conv !== undefined) {
      this.#conversations.delete(sid);
      this.#finished(conv, 'failure', AppFailureReason.SessionTerminated);
      known = true;
    }
    if (this.sessions.remove(sid)) known = true;
    const rc = known ? ResultCode.DIAMETER_SUCCESS : ResultCode.DIAMETER_UNKNOWN_SESSION_ID;
    return answer(encodeSta(skeleton, this.#local, rc), rc);
  }

  /** Publishes the conversation's one auth result. */
  #finished(
    conv: Conversation,
    result: 'success' | 'failure',
    reason: string,
    peerId?: string,
    detail?: string,
    method?: number,
  ): void {
    if (conv.ended) return;
    conv.ended = true;
    const identity = peerId ?? conv.auth.identity ?? conv.userName;
    publishAuthResult({
      method: methodName(conv.auth.identity !== undefined, method),
      result,
      transport: 'diameter',
      reason,
      rounds: conv.exchanges,
      durationSeconds: secondsBetween(conv.startedAt, this.#clock.now()),
      ...(identity === undefined ? {} : { identity }),
      nas: conv.nasHost,
      ...(conv.calledStationId === undefined ? {} : { calledStationId: conv.calledStationId }),
      ...(conv.callingStationId === undefined ? {} : { callingStationId: conv.callingStationId }),
      ...(detail === undefined ? {} : { detail }),
    });
  }
}

/** RFC 4072 §3.1: one of the State AVPs is the one the last DEA carried. */
function stateEchoed(states: readonly AvpView[], state: Buffer): boolean {
  for (const s of states) if (s.dataEquals(state)) return true;
  return false;
}

/** What an error answer to a DER carries besides the §7.2 layout (RFC 4072 §3.2). */
function deaExtra(header: DeaHeader): AvpSpec[] {
  return [
    u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
    u32(AvpCode.AuthRequestType, header.authRequestType),
  ];
}

function answer(frame: Buffer, resultCode: number): HandlerResult {
  return { kind: 'answer', answer: frame, resultCode };
}

function error(spec: ErrorSpec, extra: readonly AvpSpec[]): HandlerResult {
  return {
    kind: 'error',
    error: {
      resultCode: spec.resultCode,
      errorBit: isProtocolError(spec.resultCode),
      message: spec.message,
      ...(spec.failedAvp === undefined ? {} : { failedAvp: spec.failedAvp }),
    },
    extra,
  };
}

/** RFC 6733 §7.5: an example of a missing AVP, zero-length payload. */
function example(code: number): Buffer {
  return encodeAvps([octets(code, Buffer.alloc(0))]);
}

function unsupported(req: MessageView): HandlerResult {
  return error(
    {
      resultCode: ResultCode.DIAMETER_COMMAND_UNSUPPORTED,
      message: `command ${req.commandCode} not served by application ${req.applicationId}`,
    },
    [],
  );
}
