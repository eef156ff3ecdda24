import { channel } from 'node:diagnostics_channel';

/**
 * One event per finished authentication (both fronts: Diameter and RADIUS), for metrics and the
 * audit log. Metrics read only the bounded fields (method, result, transport, reason); the audit
 * log reads all of them. Never a key.
 */
export interface AuthResultEvent {
  /** EAP method name: `psk`, or `none` when it ended before a method started. */
  readonly method: string;
  readonly result: 'success' | 'failure';
  readonly transport: 'diameter' | 'radius';
  /** Failure reason from a closed set (EapFailureReason, `timeout`, `policy_*`), `ok` on success. */
  readonly reason: string;
  readonly rounds: number;
  /** From the first request to the final answer. */
  readonly durationSeconds: number;
  // Audit-only fields below: never used as metric labels.
  readonly identity?: string;
  /** Diameter peer Origin-Host or RADIUS client name. */
  readonly nas?: string;
  readonly calledStationId?: string;
  readonly callingStationId?: string;
  readonly detail?: string;
}

/** A first DER was answered with 3006 DIAMETER_REDIRECT_INDICATION. */
export interface RedirectEvent {
  readonly rule: string;
  readonly usage: string;
}

export const appChannels = {
  authResult: channel('eapd:auth:result'),
  redirect: channel('eapd:auth:redirect'),
} as const;
