import type { AuthResultEvent, RedirectEvent } from '../../app/events.js';
import type {
  DiameterAnswerEvent,
  DiameterDecodeErrorEvent,
  DiameterMessageEvent,
  DiameterPeerRefusedEvent,
  DiameterPeerStateEvent,
  DiameterWatchdogEvent,
} from '../../diameter/events.js';
import type { RadiusDropEvent, RadiusRequestEvent, RadiusResponseEvent } from '../../radius/events.js';
import type { StoreOperationEvent } from '../../store/events.js';
import {
  AUTH_RESULTS,
  AUTH_TRANSPORTS,
  DIAMETER_COMMANDS,
  OTHER_LABEL,
  PEER_STATES,
  RADIUS_CODE_NAMES,
  RESULT_CODE_MAX,
  RESULT_CODE_MIN,
} from './known-labels.js';
import { SeriesByKey } from './cell-histogram.js';
import { CounterCells } from './counter-cells.js';
import type { Labels } from './labels.js';
import type { MetricSet } from './metric-set.js';

/** Events arrive as `unknown` from diagnostics_channel: read fields defensively. */
type Loose<T> = { readonly [K in keyof T]?: unknown };

const ANSWER_OF = new Map<string, string>(DIAMETER_COMMANDS.map(([req, ans]) => [req, ans]));
const REQUEST_OF = new Map<string, string>(DIAMETER_COMMANDS.map(([req, ans]) => [ans, req]));

function oneOf<T extends string>(values: readonly T[], raw: unknown): T | typeof OTHER_LABEL {
  return (values as readonly unknown[]).includes(raw) ? (raw as T) : OTHER_LABEL;
}

function nonNegative(raw: unknown): number | undefined {
  return typeof raw === 'number' && Number.isFinite(raw) && raw >= 0 ? raw : undefined;
}

/** RFC 6733 §7.1 Result-Code as a label: the number, or `other` when it is not one. */
export function resultCodeLabel(raw: unknown): string {
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= RESULT_CODE_MIN && raw <= RESULT_CODE_MAX
    ? String(raw)
    : OTHER_LABEL;
}

export function radiusCodeLabel(raw: unknown): string {
  return typeof raw === 'number' ? (RADIUS_CODE_NAMES[raw] ?? OTHER_LABEL) : OTHER_LABEL;
}

/** The message counter's direction × type as one cell key part (four values, or the raw pair). */
const DIRECTION_TYPE = new Map<unknown, Map<unknown, string>>([
  [
    'in',
    new Map([
      ['request', 'in request'],
      ['answer', 'in answer'],
    ]),
  ],
  [
    'out',
    new Map([
      ['request', 'out request'],
      ['answer', 'out answer'],
    ]),
  ],
]);
function directionType(direction: unknown, type: unknown): unknown {
  return DIRECTION_TYPE.get(direction)?.get(type) ?? `${String(direction)} ${String(type)}`;
}

/**
 * One handler per channel: each maps an event to metric updates using only bounded labels. The
 * audit-only fields of an event (identity, MAC, addresses) are never read here.
 */
export function createEventHandlers(m: MetricSet, labels: Labels) {
  // The per-message and per-authentication counters count into cells (see CounterCells), keyed by
  // the raw event fields; the bounded-label mapping runs once per distinct key.
  const authentications = new CounterCells(m.authentications);
  const messages = new CounterCells(m.diameterMessages);
  const answers = new CounterCells(m.diameterAnswers);
  const radiusRequests = new CounterCells(m.radiusRequests);
  const radiusResponses = new CounterCells(m.radiusResponses);
  // The histograms' series, keyed by raw event fields in the same way.
  const authDurations = new SeriesByKey(m.authenticationDuration);
  const authRounds = new SeriesByKey(m.rounds);
  const requestDurations = new SeriesByKey(m.diameterRequestDuration);
  const storeDurations = new SeriesByKey(m.storeDuration);
  const resultLabel = (e: Loose<AuthResultEvent>) => ({ result: oneOf(AUTH_RESULTS, e.result) });
  const requestLabel = (e: Loose<DiameterAnswerEvent>) => {
    const command = labels.command.value(e.command);
    return { command: REQUEST_OF.get(command) ?? command };
  };
  const storeLabels = (e: Loose<StoreOperationEvent>) => ({
    operation: labels.storeOperation.value(e.operation),
    result: e.ok === true ? 'ok' : 'error',
  });
  const authLabels = (e: Loose<AuthResultEvent>) => ({
    method: labels.method.value(e.method),
    result: oneOf(AUTH_RESULTS, e.result),
    transport: oneOf(AUTH_TRANSPORTS, e.transport),
  });
  const messageLabels = (e: Loose<DiameterMessageEvent>) => ({
    peer: labels.peer.value(e.peer),
    direction: oneOf(['in', 'out'], e.direction),
    command: labels.command.value(e.command),
    type: oneOf(['request', 'answer'], e.type),
  });
  const answerLabels = (e: Loose<DiameterAnswerEvent>) => {
    const command = labels.command.value(e.command);
    return { command: ANSWER_OF.get(command) ?? command, result_code: resultCodeLabel(e.resultCode) };
  };
  const radiusLabels = (e: Loose<RadiusRequestEvent>) => ({
    client: labels.radiusClient.value(e.client),
    code: radiusCodeLabel(e.code),
  });
  return {
    /** Label values declared at run time change the mapping of raw values: start the cells afresh. */
    labelsChanged(): void {
      for (const cells of [authentications, messages, answers, radiusRequests, radiusResponses])
        cells.reset();
      for (const series of [authDurations, authRounds, requestDurations, storeDurations]) series.reset();
    },

    authResult(message: unknown): void {
      const e = message as Loose<AuthResultEvent>;
      const result = oneOf(AUTH_RESULTS, e.result);
      authentications.add(e.method, e.result, e.transport, e, authLabels);
      const duration = nonNegative(e.durationSeconds);
      if (duration !== undefined) authDurations.observe(e.result, undefined, duration, e, resultLabel);
      const rounds = nonNegative(e.rounds);
      if (rounds !== undefined) authRounds.observe(e.result, undefined, rounds, e, resultLabel);
      if (result !== 'success') m.pskFailures.inc({ reason: labels.failureReason.value(e.reason) });
    },

    redirect(message: unknown): void {
      const e = message as Loose<RedirectEvent>;
      m.redirects.inc({
        rule: labels.redirectRule.value(e.rule),
        usage: labels.redirectUsage.value(e.usage),
      });
    },

    message(message: unknown): void {
      const e = message as Loose<DiameterMessageEvent>;
      // direction and type together: 'in'/'out' × 'request'/'answer' (see DIRECTION_TYPE).
      messages.add(e.peer, e.command, directionType(e.direction, e.type), e, messageLabels);
    },

    answer(message: unknown): void {
      const e = message as Loose<DiameterAnswerEvent>;
      // Publishers may name the request (DER) or the answer (DEA): count under the answer name,
      // time under the request name.
      answers.add(e.command, e.resultCode, undefined, e, answerLabels);
      const duration = nonNegative(e.durationSeconds);
      if (duration !== undefined) requestDurations.observe(e.command, undefined, duration, e, requestLabel);
    },

    peerState(message: unknown): void {
      const e = message as Loose<DiameterPeerStateEvent>;
      const peer = labels.peer.value(e.peer);
      const current = labels.peerState.value(e.state);
      for (const state of PEER_STATES) m.peerState.set({ peer, state }, state === current ? 1 : 0);
      m.peerUp.set({ peer }, e.up === true ? 1 : 0);
    },

    watchdog(message: unknown): void {
      const e = message as Loose<DiameterWatchdogEvent>;
      m.watchdogTransitions.inc({
        from: labels.watchdogState.value(e.from),
        to: labels.watchdogState.value(e.to),
      });
    },

    decodeError(message: unknown): void {
      const e = message as Loose<DiameterDecodeErrorEvent>;
      m.decodeErrors.inc({ reason: labels.decodeReason.value(e.reason) });
    },

    duplicate(): void {
      m.duplicates.inc();
    },

    peerRefused(message: unknown): void {
      const e = message as Loose<DiameterPeerRefusedEvent>;
      m.peersRefused.inc({
        reason: labels.refusedReason.value(e.reason),
        transport: labels.transport.value(e.transport),
      });
    },

    radiusRequest(message: unknown): void {
      const e = message as Loose<RadiusRequestEvent>;
      radiusRequests.add(e.client, e.code, undefined, e, radiusLabels);
    },

    radiusResponse(message: unknown): void {
      const e = message as Loose<RadiusResponseEvent>;
      radiusResponses.add(e.client, e.code, undefined, e, radiusLabels);
    },

    radiusDrop(message: unknown): void {
      const e = message as Loose<RadiusDropEvent>;
      m.radiusDropped.inc({ reason: labels.radiusDropReason.value(e.reason) });
    },

    storeOperation(message: unknown): void {
      const e = message as Loose<StoreOperationEvent>;
      const duration = nonNegative(e.durationSeconds);
      // Keyed by `ok === true`, the one distinction the label makes, not by the raw field.
      if (duration !== undefined)
        storeDurations.observe(e.operation, e.ok === true, duration, e, storeLabels);
    },
  };
}

export type EventHandlers = ReturnType<typeof createEventHandlers>;
