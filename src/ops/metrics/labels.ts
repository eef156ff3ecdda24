import { BoundedLabel } from './bounded-label.js';
import {
  AUTH_METHODS,
  CONFIGURED_NAME_PATTERN,
  DECODE_ERROR_PATTERN,
  DECODE_ERROR_REASONS,
  DIAMETER_COMMAND_PATTERN,
  DIAMETER_COMMANDS,
  DIAMETER_IDENTITY_PATTERN,
  EAP_FAILURE_REASON_PATTERN,
  EAP_FAILURE_REASONS,
  PEER_REFUSED_REASON_PATTERN,
  PEER_STATES,
  RADIUS_DROP_REASON_PATTERN,
  RADIUS_DROP_REASONS,
  REDIRECT_USAGES,
  STORE_OPERATION_PATTERN,
  STORE_OPERATIONS,
  TRANSPORTS,
  WATCHDOG_STATES,
} from './known-labels.js';

/** Caps on values not known in advance; beyond them the value `other` is used. */
export interface LabelLimits {
  /** Distinct Diameter peers (Origin-Host) beyond the configured ones. */
  readonly maxPeers: number;
  /** Distinct RADIUS client names beyond the configured ones. */
  readonly maxRadiusClients: number;
  /** Distinct redirect rule names beyond the declared ones. */
  readonly maxRedirectRules: number;
}

export const DEFAULT_LABEL_LIMITS: LabelLimits = {
  maxPeers: 64,
  maxRadiusClients: 256,
  maxRedirectRules: 256,
};

/**
 * Redirect rule names as the routing store admits them (src/store/routing/rule-input.ts), so the
 * rules `eapd group move` writes (`group:<group>`) get their own series rather than `other`. A name
 * holding `@` still becomes `other` (BoundedLabel never lets a NAI-like value through).
 */
const REDIRECT_RULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

/** Small closed-ish sets (reasons, commands) admit this many unforeseen values. */
const MAX_EXTRA_SMALL = 32;
const NO_EXTRA = 0;

/** Removes case and punctuation differences: `wait_conn_ack` and `Wait-Conn-Ack` are one state. */
function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '');
}

function canonicalFrom(values: readonly string[]): (raw: string) => string {
  const bySquash = new Map(values.map((v) => [squash(v), v] as const));
  return (raw) => bySquash.get(squash(raw)) ?? raw;
}

/** Redirect-Host-Usage given as its name or its RFC 6733 §6.13 numeric value. */
function canonicalUsage(raw: string): string {
  const n = /^\d$/.test(raw) ? REDIRECT_USAGES[Number(raw)] : undefined;
  return n ?? raw.toUpperCase();
}

export function createLabels(limits: LabelLimits) {
  return {
    method: new BoundedLabel({
      known: AUTH_METHODS,
      pattern: /^[a-z][a-z0-9_-]{0,20}$/,
      maxExtra: MAX_EXTRA_SMALL,
    }),
    failureReason: new BoundedLabel({
      known: EAP_FAILURE_REASONS,
      pattern: EAP_FAILURE_REASON_PATTERN,
      maxExtra: MAX_EXTRA_SMALL,
    }),
    peer: new BoundedLabel({ known: [], pattern: DIAMETER_IDENTITY_PATTERN, maxExtra: limits.maxPeers }),
    command: new BoundedLabel({
      known: DIAMETER_COMMANDS.flat(),
      pattern: DIAMETER_COMMAND_PATTERN,
      maxExtra: MAX_EXTRA_SMALL,
      canonical: (s) => s.toUpperCase(),
    }),
    peerState: new BoundedLabel({
      known: PEER_STATES,
      maxExtra: NO_EXTRA,
      canonical: canonicalFrom(PEER_STATES),
    }),
    watchdogState: new BoundedLabel({
      known: WATCHDOG_STATES,
      maxExtra: NO_EXTRA,
      canonical: (s) => s.toUpperCase(),
    }),
    decodeReason: new BoundedLabel({
      known: DECODE_ERROR_REASONS,
      pattern: DECODE_ERROR_PATTERN,
      maxExtra: MAX_EXTRA_SMALL,
    }),
    refusedReason: new BoundedLabel({
      known: [],
      pattern: PEER_REFUSED_REASON_PATTERN,
      maxExtra: MAX_EXTRA_SMALL,
    }),
    transport: new BoundedLabel({ known: TRANSPORTS, maxExtra: NO_EXTRA, canonical: (s) => s.toLowerCase() }),
    redirectRule: new BoundedLabel({
      known: [],
      pattern: REDIRECT_RULE_NAME_PATTERN,
      maxExtra: limits.maxRedirectRules,
    }),
    redirectUsage: new BoundedLabel({
      known: REDIRECT_USAGES,
      maxExtra: NO_EXTRA,
      canonical: canonicalUsage,
    }),
    radiusClient: new BoundedLabel({
      known: [],
      pattern: CONFIGURED_NAME_PATTERN,
      maxExtra: limits.maxRadiusClients,
    }),
    radiusDropReason: new BoundedLabel({
      known: RADIUS_DROP_REASONS,
      pattern: RADIUS_DROP_REASON_PATTERN,
      maxExtra: MAX_EXTRA_SMALL,
    }),
    storeOperation: new BoundedLabel({
      known: STORE_OPERATIONS,
      pattern: STORE_OPERATION_PATTERN,
      maxExtra: MAX_EXTRA_SMALL,
    }),
  };
}

export type Labels = ReturnType<typeof createLabels>;
