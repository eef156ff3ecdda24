import type { EapFailureReason } from './failure-reason.js';
import type { EapPacket } from './packet.js';

/** The outcome of m.check() (RFC 4137 §4.1): a refused response goes to DISCARD. */
export type MethodCheck = { ok: true } | { ok: false; detail: string };

/** The method's decision (RFC 4137 §4.1 methodState/decision folded into one value). */
export type MethodDecision =
  | { kind: 'continue' }
  | { kind: 'success'; peerId: string }
  | { kind: 'failure'; reason: EapFailureReason; detail?: string; peerId?: string };

/** m.getKey() (RFC 4137 §4.1; RFC 5247 §1.4 key names). */
export type MethodKeys = { msk: Buffer; emsk: Buffer; sessionId: Buffer };

/**
 * An EAP server method, with the RFC 4137 §4.1 procedure names (as in freeDiameter's
 * app_diameap plugins.h). The authenticator calls, per conversation:
 * init → buildReq → (check → process → isDone? → buildReq ...) → getKey.
 * Methods never see Identifiers other than the one passed to buildReq, and never throw on peer input.
 */
export interface EapServerMethod {
  /** The EAP Type number this method answers to. */
  readonly type: number;
  /** m.init(): fresh method state; `identity` is the EAP Identity (informational for EAP-PSK). */
  init(identity: string): void;
  /** m.buildReq(): the whole EAP-Request packet for the current state, with this Identifier. */
  buildReq(identifier: number): Buffer;
  /** m.check(): structural/integrity check of a Response of this type; false → DISCARD. */
  check(response: EapPacket): MethodCheck;
  /** m.process(): consume the response that check() accepted; may wait on external lookups. */
  process(response: EapPacket): Promise<void>;
  /** m.isDone(): the method has decided (success or failure). */
  isDone(): boolean;
  decision(): MethodDecision;
  /** m.getKey(): key material, available once the decision is success. */
  getKey(): MethodKeys | undefined;
}
