import { Counter, Gauge, type Registry } from 'prom-client';
import { CellHistogram } from './cell-histogram.js';
import { AAA_SECONDS_BUCKETS, EAP_ROUND_BUCKETS, STORE_SECONDS_BUCKETS } from './buckets.js';

/**
 * Every eapd metric, registered on one Registry. Names follow the Prometheus conventions: prefix
 * `eapd_`, base units (seconds), `_total` on counters. No label ever identifies a device.
 */
export function defineMetrics(registry: Registry) {
  const registers = [registry];
  return {
    authentications: new Counter({
      name: 'eapd_eap_authentications_total',
      help: 'Finished EAP authentications, by EAP method, result and front (diameter or radius).',
      labelNames: ['method', 'result', 'transport'] as const,
      registers,
    }),
    authenticationDuration: new CellHistogram({
      name: 'eapd_eap_authentication_duration_seconds',
      help: 'Time from the first request of an EAP conversation to the final answer, by result.',
      labelNames: ['result'] as const,
      buckets: [...AAA_SECONDS_BUCKETS],
      registers,
    }),
    rounds: new CellHistogram({
      name: 'eapd_eap_rounds',
      help: 'EAP request/response rounds per finished authentication, by result.',
      labelNames: ['result'] as const,
      buckets: [...EAP_ROUND_BUCKETS],
      registers,
    }),
    pskFailures: new Counter({
      name: 'eapd_eap_psk_failures_total',
      help: 'Failed authentications by reason (EAP-PSK checks, policy, timeout, malformed input).',
      labelNames: ['reason'] as const,
      registers,
    }),
    diameterMessages: new Counter({
      name: 'eapd_diameter_messages_total',
      help: 'Diameter messages sent or received, by peer Origin-Host, direction, command and type.',
      labelNames: ['peer', 'direction', 'command', 'type'] as const,
      registers,
    }),
    diameterAnswers: new Counter({
      name: 'eapd_diameter_answers_total',
      help: 'Answers eapd sent, by answer command and Result-Code.',
      labelNames: ['command', 'result_code'] as const,
      registers,
    }),
    diameterRequestDuration: new CellHistogram({
      name: 'eapd_diameter_request_duration_seconds',
      help: 'Time from a request arriving to its answer being written, by request command.',
      labelNames: ['command'] as const,
      buckets: [...AAA_SECONDS_BUCKETS],
      registers,
    }),
    peerUp: new Gauge({
      name: 'eapd_diameter_peer_up',
      help: '1 when the peer connection is open (I-Open or R-Open, RFC 6733 §5.6), else 0.',
      labelNames: ['peer'] as const,
      registers,
    }),
    peerState: new Gauge({
      name: 'eapd_diameter_peer_state',
      help: 'RFC 6733 §5.6 peer state: 1 for the current state of each peer, 0 for the others.',
      labelNames: ['peer', 'state'] as const,
      registers,
    }),
    watchdogTransitions: new Counter({
      name: 'eapd_diameter_watchdog_transitions_total',
      help: 'RFC 3539 watchdog state transitions, by from and to state.',
      labelNames: ['from', 'to'] as const,
      registers,
    }),
    decodeErrors: new Counter({
      name: 'eapd_diameter_decode_errors_total',
      help: 'Diameter messages that failed to decode or validate, by reason (framing or Result-Code name).',
      labelNames: ['reason'] as const,
      registers,
    }),
    duplicates: new Counter({
      name: 'eapd_diameter_duplicate_requests_total',
      help: 'Requests recognised as duplicates (RFC 6733 §5.5.4) and answered from the cache.',
      registers,
    }),
    peersRefused: new Counter({
      name: 'eapd_diameter_peers_refused_total',
      help: 'Connections refused at capabilities exchange, by reason and transport.',
      labelNames: ['reason', 'transport'] as const,
      registers,
    }),
    redirects: new Counter({
      name: 'eapd_redirects_total',
      help: 'First DERs answered with 3006 DIAMETER_REDIRECT_INDICATION, by rule and Redirect-Host-Usage.',
      labelNames: ['rule', 'usage'] as const,
      registers,
    }),
    radiusRequests: new Counter({
      name: 'eapd_radius_requests_total',
      help: 'RADIUS requests accepted from a configured client (authenticated), by client name and code.',
      labelNames: ['client', 'code'] as const,
      registers,
    }),
    radiusResponses: new Counter({
      name: 'eapd_radius_responses_total',
      help: 'RADIUS responses sent, by client name and code.',
      labelNames: ['client', 'code'] as const,
      registers,
    }),
    radiusDropped: new Counter({
      name: 'eapd_radius_dropped_total',
      help: 'RADIUS datagrams dropped without an answer, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    storeDuration: new CellHistogram({
      name: 'eapd_store_operation_duration_seconds',
      help: 'Device store operation time, by operation and result (ok or error).',
      labelNames: ['operation', 'result'] as const,
      buckets: [...STORE_SECONDS_BUCKETS],
      registers,
    }),
    buildInfo: new Gauge({
      name: 'eapd_build_info',
      help: 'Always 1; labels carry the eapd version, the git commit and the Node.js version.',
      labelNames: ['version', 'commit', 'nodejs'] as const,
      registers,
    }),
  };
}

export type MetricSet = ReturnType<typeof defineMetrics>;
