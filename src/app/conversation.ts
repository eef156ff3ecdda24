import type { EapAuthenticator } from '../eap/index.js';

/** One RFC 4072 EAP conversation in progress, keyed by Session-Id in the session table. */
export interface Conversation {
  readonly sessionId: string;
  readonly auth: EapAuthenticator;
  /** Our State AVP value (RFC 4072 §3.2), opaque and random; later DERs must echo it. */
  readonly state: Buffer;
  /** Clock ms of the first DER (duration of the authentication). */
  readonly startedAt: number;
  /** The first DER's Origin-Host / Origin-Realm (the NAS). */
  readonly nasHost: string;
  readonly nasRealm: string;
  /** The connected peer the first DER came through. */
  readonly viaPeer: string;
  readonly userName: string | undefined;
  readonly calledStationId: string | undefined;
  readonly callingStationId: string | undefined;
  /** Some DER of the conversation carried EAP-Key-Name: return the EAP Session-Id on success. */
  wantsKeyName: boolean;
  /** DER/DEA exchanges so far. */
  exchanges: number;
  /** Set once its auth result has been published (exactly one per conversation). */
  ended: boolean;
}
