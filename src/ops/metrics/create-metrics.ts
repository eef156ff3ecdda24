import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { appChannels } from '../../app/events.js';
import { diameterChannels } from '../../diameter/events.js';
import { RadiusChannel } from '../../radius/events.js';
import { storeChannels } from '../../store/events.js';
import { createEventHandlers } from './event-handlers.js';
import { createLabels, DEFAULT_LABEL_LIMITS, type LabelLimits } from './labels.js';
import { defineMetrics } from './metric-set.js';
import {
  zeroKnownSeries,
  zeroPeerSeries,
  zeroRadiusClientSeries,
  zeroRedirectRuleSeries,
} from './zero-init.js';

export interface BuildInfo {
  readonly version: string;
  /** Git commit the build came from; `unknown` when not known. */
  readonly commit?: string;
}

/** A redirect rule and the Redirect-Host-Usage it answers with (RFC 6733 §6.13). */
export interface RedirectRuleLabel {
  readonly rule: string;
  readonly usage: string;
}

/** Label values known ahead of traffic; their series start at 0. */
export interface KnownLabelValues {
  /** Origin-Host of configured Diameter peers. */
  readonly peers?: readonly string[];
  /** Names of configured RADIUS clients. */
  readonly radiusClients?: readonly string[];
  readonly redirectRules?: readonly RedirectRuleLabel[];
}

export interface MetricsOptions {
  readonly buildInfo: BuildInfo;
  readonly known?: KnownLabelValues;
  readonly limits?: Partial<LabelLimits>;
  /** Collect Node.js process metrics (process_*, nodejs_*); default true. */
  readonly processMetrics?: boolean;
}

export interface Metrics {
  /** eapd's own Registry (never prom-client's global one). */
  readonly registry: Registry;
  /** Content-Type of `metricsText()` (Prometheus text exposition format 0.0.4). */
  readonly contentType: string;
  metricsText(): Promise<string>;
  /**
   * A gauge read at scrape time: `eapd_eap_sessions_active` (predefined) or a new `eapd_` gauge.
   * Returns a function that removes the callback (the gauge then reads 0 or disappears).
   */
  registerGauge(name: string, read: () => number, help?: string): () => void;
  /** Adds label values learned after start (a peer added at run time, a new redirect rule). */
  declare(known: KnownLabelValues): void;
  /** Unsubscribes from every channel and empties the registry. Idempotent. */
  close(): void;
}

export const SESSIONS_ACTIVE = 'eapd_eap_sessions_active';
const METRIC_NAME = /^eapd_[a-z0-9_]+$/;
const UNKNOWN_COMMIT = 'unknown';

/**
 * Builds eapd's metrics: one Registry, every metric of docs/monitoring.md with its known series at
 * 0, fed by the diagnostics_channel events the protocol layers publish. Only src/ops knows
 * prom-client; the protocol code publishes events and never sees a metric.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const m = defineMetrics(registry);
  const labels = createLabels({ ...DEFAULT_LABEL_LIMITS, ...options.limits });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  m.buildInfo.set(
    {
      version: options.buildInfo.version,
      commit: options.buildInfo.commit ?? UNKNOWN_COMMIT,
      nodejs: process.version,
    },
    1,
  );
  zeroKnownSeries(m);

  const callbacks = new Map<string, () => number>();
  const readCallback = (name: string): number => {
    const read = callbacks.get(name);
    if (read === undefined) return 0;
    try {
      const v = read();
      return Number.isFinite(v) ? v : 0;
    } catch {
      return 0; // A scrape must never fail because one source is gone.
    }
  };
  new Gauge({
    name: SESSIONS_ACTIVE,
    help: 'EAP conversations in progress (both fronts), read at scrape time.',
    registers: [registry],
    collect() {
      this.set(readCallback(SESSIONS_ACTIVE));
    },
  });

  const handlers = createEventHandlers(m, labels);
  const declare = (known: KnownLabelValues): void => {
    for (const peer of known.peers ?? []) if (labels.peer.declare(peer)) zeroPeerSeries(m, peer);
    for (const client of known.radiusClients ?? []) {
      if (labels.radiusClient.declare(client)) zeroRadiusClientSeries(m, client);
    }
    for (const { rule, usage } of known.redirectRules ?? []) {
      if (labels.redirectRule.declare(rule))
        zeroRedirectRuleSeries(m, rule, labels.redirectUsage.value(usage));
    }
    handlers.labelsChanged();
  };
  declare(options.known ?? {});
  // A subscriber that throws would surface as an uncaught exception in the publisher's process:
  // a malformed event is dropped instead.
  const guard =
    (handle: (message: unknown) => void) =>
    (message: unknown): void => {
      try {
        handle(message);
      } catch {
        /* ignore: metrics never break the protocol path */
      }
    };
  const subscriptions: readonly (readonly [string, (message: unknown) => void])[] = [
    [appChannels.authResult.name as string, guard(handlers.authResult)],
    [appChannels.redirect.name as string, guard(handlers.redirect)],
    [diameterChannels.message.name as string, guard(handlers.message)],
    [diameterChannels.answer.name as string, guard(handlers.answer)],
    [diameterChannels.peerState.name as string, guard(handlers.peerState)],
    [diameterChannels.watchdog.name as string, guard(handlers.watchdog)],
    [diameterChannels.decodeError.name as string, guard(handlers.decodeError)],
    [diameterChannels.duplicate.name as string, guard(handlers.duplicate)],
    [diameterChannels.peerRefused.name as string, guard(handlers.peerRefused)],
    [RadiusChannel.Request, guard(handlers.radiusRequest)],
    [RadiusChannel.Response, guard(handlers.radiusResponse)],
    [RadiusChannel.Drop, guard(handlers.radiusDrop)],
    [storeChannels.operation.name as string, guard(handlers.storeOperation)],
  ];
  for (const [name, fn] of subscriptions) subscribe(name, fn);

  let closed = false;
  return {
    registry,
    contentType: registry.contentType,
    metricsText: () => registry.metrics(),
    registerGauge(name, read, help) {
      if (name === SESSIONS_ACTIVE) {
        callbacks.set(name, read);
        return () => {
          if (callbacks.get(name) === read) callbacks.delete(name);
        };
      }
      if (!METRIC_NAME.test(name))
        throw new RangeError(`registerGauge: ${name} must match ${METRIC_NAME.source}`);
      if (registry.getSingleMetric(name) !== undefined)
        throw new RangeError(`registerGauge: ${name} is already registered`);
      callbacks.set(name, read);
      new Gauge({
        name,
        help: help ?? name,
        registers: [registry],
        collect() {
          this.set(readCallback(name));
        },
      });
      return () => {
        callbacks.delete(name);
        registry.removeSingleMetric(name);
      };
    },
    declare,
    close() {
      if (closed) return;
      closed = true;
      for (const [name, fn] of subscriptions) unsubscribe(name, fn);
      registry.clear();
    },
  };
}
