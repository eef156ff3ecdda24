import type { DeviceStore } from '../../store/device-store.js';
import type { RoutingSnapshot } from '../../store/routing/routing-model.js';
import type { RoutingStore } from '../../store/routing/routing-store.js';
import type { Clock } from '../../util/clock.js';
import type { FirstDerFacts, RedirectDecision, RedirectHook } from '../redirect-hook.js';
import { compileRules, firstMatch, matchContext, type CompiledRule } from './rule-matcher.js';

/**
 * How long a change check stays valid. A change committed by any process is seen by the first
 * DER after this (the admin API and CLI promise "within a second"); between checks the hook
 * answers from memory. 0 checks on every call.
 */
export const DEFAULT_CHECK_INTERVAL_MS = 250;

/** The few logger methods the engine uses; a winston Logger fits. */
export interface RedirectLogger {
  debug(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
}

export interface RedirectHookOptions {
  readonly routing: RoutingStore;
  /**
   * The device store, for group rules (the device's group by User-Name, then EAP identity).
   * Absent in the pure redirect-agent mode: group rules then never match.
   */
  readonly devices?: Pick<DeviceStore, 'get'>;
  readonly clock: Clock;
  readonly logger: RedirectLogger;
  readonly checkIntervalMs?: number;
}

/** The hook, plus what the application's realm check (3003, RFC 6733 §7.1.3) needs. */
export type RedirectEngine = RedirectHook & {
  /** Realms served here per the routing store (lower case), including those added at run time. */
  servedRealms(): Promise<ReadonlySet<string>>;
  /** Reloads now if anything changed (used by SIGHUP and tests). */
  refresh(): Promise<void>;
};

interface State {
  readonly token: string;
  readonly rules: readonly CompiledRule[];
  readonly realms: ReadonlySet<string>;
}

const EMPTY_REALMS: ReadonlySet<string> = new Set();

/**
 * The redirect rule engine behind the application's RedirectHook (RFC 6733 §6.1.8): the first
 * enabled rule in precedence order (priority, then specificity identity > station > group > realm,
 * then name) that matches the first DER decides the 3006 answer. The routing model is cached in
 * memory and reloaded when the store's change token moves (checked at most every
 * `checkIntervalMs`). If the store fails, the last good model stays in use; with none, nothing is
 * redirected (the DER is served or refused here) and the failure is logged.
 */
export function createRedirectHook(options: RedirectHookOptions): RedirectEngine {
  const { routing, devices, clock, logger } = options;
  const interval = options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
  let state: State | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  let warnedNoDevices = false;

  const load = async (): Promise<void> => {
    const token = await routing.changeToken();
    if (state === undefined || token !== state.token) {
      const snap: RoutingSnapshot = await routing.snapshot();
      const first = state === undefined;
      state = {
        token,
        rules: compileRules(snap.rules),
        realms: new Set(snap.realms.map((r) => r.realm)),
      };
      logger.info(first ? 'redirect rules loaded' : 'redirect rules reloaded', {
        rules: state.rules.length,
        realms: state.realms.size,
      });
    }
    checkedAt = clock.now();
  };

  const current = async (force = false): Promise<State | undefined> => {
    if (!force && state !== undefined && clock.now() - checkedAt < interval) return state;
    loading ??= load().finally(() => (loading = undefined));
    try {
      await loading;
    } catch (e) {
      logger.warn('routing store unreadable: using the last loaded redirect rules', {
        error: e instanceof Error ? e.message : String(e),
        loaded: state !== undefined,
      });
    }
    return state;
  };

  const lookupGroup = async (identity: string): Promise<string | undefined> => {
    if (devices === undefined) {
      if (!warnedNoDevices) {
        warnedNoDevices = true;
        logger.warn(
          'a redirect rule matches on device group but no device store is configured: it never matches',
        );
      }
      return undefined;
    }
    return (await devices.get(identity))?.group;
  };

  const hook = async (facts: FirstDerFacts): Promise<RedirectDecision | undefined> => {
    const s = await current();
    if (s === undefined || s.rules.length === 0) return undefined;
    const rule = await firstMatch(s.rules, matchContext(facts, lookupGroup));
    if (rule === undefined) return undefined;
    logger.debug('redirect rule matched', { rule: rule.name, usage: rule.usage });
    return {
      rule: rule.name,
      targets: rule.targets,
      usage: rule.usage,
      maxCacheTimeSeconds: rule.maxCacheTimeSeconds,
    };
  };

  return Object.assign(hook, {
    // The same freshness as `current()`: a rule committed elsewhere is seen within the interval.
    idle: (): boolean =>
      state !== undefined && state.rules.length === 0 && clock.now() - checkedAt < interval,
    servedRealms: async (): Promise<ReadonlySet<string>> => (await current())?.realms ?? EMPTY_REALMS,
    refresh: async (): Promise<void> => {
      await current(true);
    },
  });
}
