/** The EAP engine's public API for the fronts (app/ for Diameter, radius/) and the simulator. */
export {
  EapAuthenticator,
  AuthenticatorState,
  DEFAULT_MAX_INVALID,
  type EapAuthenticatorOptions,
} from './authenticator.js';
export type { EapStep } from './eap-step.js';
export { EapFailureReason, EapInvalidReason } from './failure-reason.js';
export type { EapServerMethod, MethodCheck, MethodDecision, MethodKeys } from './method.js';
export { derivePskKeys, type PskKeys } from './methods/psk/keys.js';
export type { PeerLookup, PeerLookupResult } from './methods/psk/peer-lookup.js';
export { EapCode, EapType, parseEapPacket, buildSuccess, buildFailure, type EapPacket } from './packet.js';
export { EapPskPeer, PeerErrorCode, type EapPskPeerOptions, type PeerStep } from './peer.js';
export { SessionTable, type InsertResult, type SessionTableOptions } from './session-table.js';
