import { APP_DEFAULTS } from '../../src/app/eap-application.js';
import { schema } from '../../src/ops/config/schema.js';
import type { DiameterLoadGenerator } from './diameter-generator.js';

/** DER/DEA round trips per EAP-PSK authentication (the NAS does the Identity round). */
const ROUNDS_PER_AUTH = 3;
/** A tenth more than the largest table needs, so every table has started evicting. */
const MARGIN = 1.1;
/** Requests kept in flight while filling (as the max-rate scenario). */
export const FILL_IN_FLIGHT = 400;
/** The fill stops after this long even if the count is not reached (a slow machine). */
export const FILL_MAX_MS = 60_000;

/**
 * Authentications after which eapd's bounded tables are full, as on a server that has been up
 * for a few minutes under load: the authorized sessions (one per success; the generator never
 * sends an STR) and the answers kept for duplicate detection (one per DER). Measured before that,
 * a rate sees tables that only grow; once they are full, every authentication also evicts, which
 * is the state a production server is in (docs/performance.md, round 4).
 */
export function steadyStateAuthentications(): number {
  const answers = schema.diameter.duplicateMaxEntries.default / ROUNDS_PER_AUTH;
  return Math.ceil(Math.max(APP_DEFAULTS.maxAuthorizedSessions, answers) * MARGIN);
}

/** The note a scenario that fills adds to its results (the figures are `steadyStateFill*`). */
export const STEADY_STATE_NOTE =
  'Steady state (not in --quick): after the warm-up, a closed loop of steadyStateFillAuthentications fills the tables eapd bounds (authorized sessions, answers kept for duplicate detection), so that every measured authentication also evicts, as on a server that has been up under load. Measured on a fresh server, the figures read better than production (docs/performance.md, round 4).';

/** Runs the fill as a closed loop (eapd at full speed), logs it and returns its figures for the results. */
export async function fillToSteadyState(
  gen: DiameterLoadGenerator,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const run = await gen.closedLoop({
    inFlight: FILL_IN_FLIGHT,
    count: steadyStateAuthentications(),
    durationMs: FILL_MAX_MS,
  });
  log(
    `  steady state: ${run.succeeded} authentications (${run.failed} failed) in ${run.wallSeconds.toFixed(1)} s filled eapd's tables`,
  );
  return { steadyStateFillAuthentications: run.succeeded, steadyStateFillFailed: run.failed };
}
