import { EapType } from '../eap/index.js';
import { appChannels, type AuthResultEvent } from './events.js';

/** `method` label values of AuthResultEvent. */
export const AuthMethodName = { Psk: 'psk', None: 'none' } as const;

/** Reasons the fronts add to EapFailureReason (all admitted by the metrics' reason pattern). */
export const AppFailureReason = {
  /** RFC 4072 §2.1: no DER within Multi-Round-Time-Out (or the RADIUS idle timeout). */
  Timeout: 'timeout',
  /** RFC 6733 §8.4: an STR ended the session while EAP was still running. */
  SessionTerminated: 'session_terminated',
  /** RADIUS front: the conversation was pushed out by its table's size bound. */
  Evicted: 'evicted',
  /** RADIUS front: the engine failed (not the peer's fault). */
  InternalError: 'internal_error',
  /** The server is shutting down. */
  Shutdown: 'shutdown',
} as const;

const MS_PER_SECOND = 1000;

/** The method name for an EAP type; `none` before a method was proposed. */
export function methodName(methodStarted: boolean, type: number = EapType.Psk): string {
  if (!methodStarted) return AuthMethodName.None;
  return type === EapType.Psk ? AuthMethodName.Psk : `type_${type}`;
}

export function secondsBetween(startMs: number, endMs: number): number {
  return Math.max(0, endMs - startMs) / MS_PER_SECOND;
}

/** Publishes one finished authentication (cheap when nobody listens). Never carries a key. */
export function publishAuthResult(event: AuthResultEvent): void {
  if (appChannels.authResult.hasSubscribers) appChannels.authResult.publish(event);
}
