import {
  AUTH_METHODS,
  AUTH_RESULTS,
  AUTH_TRANSPORTS,
  DECODE_ERROR_REASONS,
  DIAMETER_COMMANDS,
  EAP_FAILURE_REASONS,
  KNOWN_ANSWERS,
  PEER_STATES,
  RADIUS_DROP_REASONS,
  RADIUS_REQUEST_CODES,
  RADIUS_RESPONSE_CODES,
  STORE_OPERATIONS,
  STORE_RESULTS,
  TRANSPORTS,
  WATCHDOG_TRANSITIONS,
} from './known-labels.js';
import type { MetricSet } from './metric-set.js';

const NONE = 0;

/**
 * Creates every series whose labels are known before traffic, at 0: `rate()`, ratios and alerts
 * then have data from the first scrape instead of appearing with the first event.
 */
export function zeroKnownSeries(m: MetricSet): void {
  for (const method of AUTH_METHODS) {
    for (const result of AUTH_RESULTS) {
      // `none` (ended before a method started) can only fail.
      if (method === 'none' && result === 'success') continue;
      for (const transport of AUTH_TRANSPORTS) m.authentications.inc({ method, result, transport }, NONE);
    }
  }
  for (const result of AUTH_RESULTS) {
    m.authenticationDuration.zero({ result });
    m.rounds.zero({ result });
  }
  for (const reason of EAP_FAILURE_REASONS) m.pskFailures.inc({ reason }, NONE);
  for (const [command, codes] of KNOWN_ANSWERS) {
    for (const code of codes) m.diameterAnswers.inc({ command, result_code: String(code) }, NONE);
  }
  for (const [request] of DIAMETER_COMMANDS) m.diameterRequestDuration.zero({ command: request });
  for (const [from, to] of WATCHDOG_TRANSITIONS) m.watchdogTransitions.inc({ from, to }, NONE);
  for (const reason of DECODE_ERROR_REASONS) m.decodeErrors.inc({ reason }, NONE);
  m.duplicates.inc(NONE);
  for (const transport of TRANSPORTS) m.peersRefused.inc({ reason: 'unknown_peer', transport }, NONE);
  for (const reason of RADIUS_DROP_REASONS) m.radiusDropped.inc({ reason }, NONE);
  for (const operation of STORE_OPERATIONS) {
    for (const result of STORE_RESULTS) m.storeDuration.zero({ operation, result });
  }
}

/** A configured or newly seen peer: Closed, down, and no messages yet. */
export function zeroPeerSeries(m: MetricSet, peer: string): void {
  m.peerUp.set({ peer }, 0);
  for (const state of PEER_STATES) m.peerState.set({ peer, state }, state === 'Closed' ? 1 : 0);
  for (const direction of ['in', 'out'] as const) {
    for (const [request, answer] of DIAMETER_COMMANDS) {
      m.diameterMessages.inc({ peer, direction, command: request, type: 'request' }, NONE);
      m.diameterMessages.inc({ peer, direction, command: answer, type: 'answer' }, NONE);
    }
  }
}

export function zeroRadiusClientSeries(m: MetricSet, client: string): void {
  for (const code of RADIUS_REQUEST_CODES) m.radiusRequests.inc({ client, code }, NONE);
  for (const code of RADIUS_RESPONSE_CODES) m.radiusResponses.inc({ client, code }, NONE);
}

export function zeroRedirectRuleSeries(m: MetricSet, rule: string, usage: string): void {
  m.redirects.inc({ rule, usage }, NONE);
}
