/** The RFC 4072 Diameter EAP application and the shared device policy: the API main.ts wires. */
export { AppFailureReason, AuthMethodName } from './auth-result.js';
export { AuthorizedSessions, type AuthorizedSession } from './authorized-sessions.js';
export {
  createDeviceLookup,
  PolicyRule,
  type DeviceLookupFactory,
  type DeviceLookupOptions,
  type NasStation,
} from './device-lookup.js';
export {
  APP_DEFAULTS,
  EapApplication,
  STATE_LENGTH,
  type AuthSessionStateValue,
  type EapApplicationOptions,
} from './eap-application.js';
export { appChannels, type AuthResultEvent, type RedirectEvent } from './events.js';
export { FRAMED_MTU_OVERHEAD, maxEapPacketSize } from './framed-mtu.js';
export {
  buildAbortSessionAnswer,
  buildDer,
  NAS_CLIENT_DEFAULTS,
  runAuthentication,
  type NasClientOptions,
  type NasClientResult,
} from './nas-client.js';
export { createRadiusBackend, type RadiusBackendOptions } from './radius-backend.js';
export type { FirstDerFacts, RedirectDecision, RedirectHook } from './redirect-hook.js';
export type { RequestSender } from './request-sender.js';
export {
  buildAbortSessionRequest,
  buildReAuthRequest,
  DEFAULT_SERVER_REQUEST_TIMEOUT_MS,
  readSessionAnswer,
  SESSION_APPLICATION_IDS,
  SessionControl,
  type ReAuthRequestTypeValue,
  type SessionControlOptions,
  type SessionRequestOutcome,
} from './session-control.js';
