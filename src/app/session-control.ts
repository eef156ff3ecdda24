import {
  CommandFlag,
  encodeMessage,
  u32,
  utf8,
  type AvpSpec,
  type MessageView,
} from '../diameter/codec/index.js';
import {
  ApplicationId,
  AvpCode,
  CommandCode,
  ReAuthRequestType,
  ResultCode,
} from '../diameter/dict/constants.gen.js';
import type { AuthorizedSession, AuthorizedSessions } from './authorized-sessions.js';
import type { RequestSender } from './request-sender.js';

/** RFC 6733 §3: the node fills in the Hop-by-Hop Identifier when it sends. */
const HOP_BY_HOP_PLACEHOLDER = 0;
export const DEFAULT_SERVER_REQUEST_TIMEOUT_MS = 10_000;
/** RFC 6733 §4.2 Unsigned32. */
const UNSIGNED32_LENGTH = 4;

/**
 * RFC 4072 / RFC 7155 / RFC 6733 disagree on the Application-Id of ASR/RAR/STR (0, 1 or 5):
 * eapd sends 5 and accepts answers and requests with any of these.
 */
export const SESSION_APPLICATION_IDS: ReadonlySet<number> = new Set([
  ApplicationId.DiameterCommonMessages,
  ApplicationId.NASREQ,
  ApplicationId.DiameterEAP,
]);

export type ReAuthRequestTypeValue = (typeof ReAuthRequestType)[keyof typeof ReAuthRequestType];

/** The outcome of one ASR or RAR. */
export type SessionRequestOutcome =
  | { readonly sessionId: string; readonly kind: 'answered'; readonly resultCode: number }
  /** No usable answer: timeout, peer gone, or an answer that is not an ASA/RAA. */
  | { readonly sessionId: string; readonly kind: 'error'; readonly message: string };

export interface SessionControlOptions {
  readonly sender: RequestSender;
  readonly sessions: AuthorizedSessions;
  readonly timeoutMs?: number;
}

/** RFC 6733 §8.5.1 ASR: ends the session at the NAS (Destination-Host = the NAS). */
export function buildAbortSessionRequest(
  session: AuthorizedSession,
  local: { readonly originHost: string; readonly originRealm: string },
  endToEnd: number,
): Buffer {
  return encodeMessage({
    commandCode: CommandCode.AbortSession,
    applicationId: ApplicationId.DiameterEAP,
    flags: CommandFlag.R | CommandFlag.P,
    hopByHop: HOP_BY_HOP_PLACEHOLDER,
    endToEnd,
    avps: [
      utf8(AvpCode.SessionId, session.sessionId),
      ...routing(session, local),
      u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
      utf8(AvpCode.UserName, session.identity),
    ],
  });
}

/** RFC 6733 §8.3.1 RAR: asks the NAS to re-authorize (or re-authenticate) the session. */
export function buildReAuthRequest(
  session: AuthorizedSession,
  local: { readonly originHost: string; readonly originRealm: string },
  endToEnd: number,
  type: ReAuthRequestTypeValue,
): Buffer {
  return encodeMessage({
    commandCode: CommandCode.ReAuth,
    applicationId: ApplicationId.DiameterEAP,
    flags: CommandFlag.R | CommandFlag.P,
    hopByHop: HOP_BY_HOP_PLACEHOLDER,
    endToEnd,
    avps: [
      utf8(AvpCode.SessionId, session.sessionId),
      ...routing(session, local),
      u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
      u32(AvpCode.ReAuthRequestType, type),
      utf8(AvpCode.UserName, session.identity),
    ],
  });
}

function routing(
  session: AuthorizedSession,
  local: { readonly originHost: string; readonly originRealm: string },
): AvpSpec[] {
  return [
    utf8(AvpCode.OriginHost, local.originHost),
    utf8(AvpCode.OriginRealm, local.originRealm),
    utf8(AvpCode.DestinationRealm, session.nasRealm),
    utf8(AvpCode.DestinationHost, session.nasHost),
  ];
}

/**
 * Reads the Result-Code of an ASA/RAA: the command must match, it must be an answer, its
 * Application-Id one of 0, 1, 5. An E-bit answer (3xxx) still reports its Result-Code.
 */
export function readSessionAnswer(answer: MessageView, commandCode: number): number | string {
  if (answer.isRequest) return 'a request came back instead of an answer';
  if (answer.commandCode !== commandCode)
    return `answer command ${answer.commandCode}, expected ${commandCode}`;
  if (!SESSION_APPLICATION_IDS.has(answer.applicationId))
    return `answer Application-Id ${answer.applicationId}`;
  const rc = answer.find(AvpCode.ResultCode);
  if (rc === undefined || rc.data.length !== UNSIGNED32_LENGTH) return 'answer without a valid Result-Code';
  return rc.asUnsigned32();
}

/**
 * Server-initiated session requests (RFC 6733 §8.3 RAR, §8.5 ASR) for authorized sessions. After
 * an ASA the session stays in the table until the NAS's STR (RFC 6733 §8.5.2: the access device
 * sends STR after ending it); an answer 5002 DIAMETER_UNKNOWN_SESSION_ID removes it at once, since
 * the NAS no longer knows it.
 */
export class SessionControl {
  readonly #sender: RequestSender;
  readonly #sessions: AuthorizedSessions;
  readonly #timeoutMs: number;

  constructor(options: SessionControlOptions) {
    this.#sender = options.sender;
    this.#sessions = options.sessions;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_SERVER_REQUEST_TIMEOUT_MS;
  }

  /** ASR for a Session-Id, or for every session of an identity. Empty when nothing matches. */
  async abortSession(sessionIdOrIdentity: string): Promise<SessionRequestOutcome[]> {
    const targets = this.#sessions.resolve(sessionIdOrIdentity);
    return Promise.all(
      targets.map((s) =>
        this.#send(s, CommandCode.AbortSession, (e2e) => buildAbortSessionRequest(s, this.#sender, e2e)),
      ),
    );
  }

  /** RAR (Re-Auth-Request-Type AUTHORIZE_ONLY or AUTHORIZE_AUTHENTICATE) likewise. */
  async reauthenticate(
    sessionIdOrIdentity: string,
    type: ReAuthRequestTypeValue = ReAuthRequestType.AUTHORIZE_AUTHENTICATE,
  ): Promise<SessionRequestOutcome[]> {
    const targets = this.#sessions.resolve(sessionIdOrIdentity);
    return Promise.all(
      targets.map((s) =>
        this.#send(s, CommandCode.ReAuth, (e2e) => buildReAuthRequest(s, this.#sender, e2e, type)),
      ),
    );
  }

  async #send(
    session: AuthorizedSession,
    commandCode: number,
    build: (endToEnd: number) => Buffer,
  ): Promise<SessionRequestOutcome> {
    const sessionId = session.sessionId;
    let answer: MessageView;
    try {
      answer = await this.#sender.request(
        session.viaPeer,
        build(this.#sender.nextEndToEnd()),
        this.#timeoutMs,
      );
    } catch (e) {
      return { sessionId, kind: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    const rc = readSessionAnswer(answer, commandCode);
    if (typeof rc === 'string') return { sessionId, kind: 'error', message: rc };
    if (rc === ResultCode.DIAMETER_UNKNOWN_SESSION_ID) this.#sessions.remove(sessionId);
    return { sessionId, kind: 'answered', resultCode: rc };
  }
}
