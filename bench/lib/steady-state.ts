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

/** What the fill did, for a scenario's log and figures. */
export interface SteadyStateFill {
  readonly authentications: number;
  readonly failed: number;
  readonly seconds: number;
}

/** Runs the fill as a closed loop (eapd at full speed), returning what it did. */
export async function fillToSteadyState(gen: DiameterLoadGenerator): Promise<SteadyStateFill> {
  const run = await gen.closedLoop({
    inFlight: FILL_IN_FLIGHT,
    count: steadyStateAuthentications(),
    durationMs: FILL_MAX_MS,
  });
  return { authentications: run.succeeded, failed: run.failed, seconds: run.wallSeconds };
}
