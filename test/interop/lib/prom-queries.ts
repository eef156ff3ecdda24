// Runs the PromQL of eapd's Grafana dashboard and alert rules against a real Prometheus (from
// ./prometheus.ts) and reports which came back empty, the way /work/shared's
// prometheus-query.sh + prom-query.mjs do, with the expected-empty list kept in the test.
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import {
  alertSignal,
  dashboardExprs,
  readAlertRules,
  readDashboard,
  variableSelectors,
} from '../../unit/ops/metrics/promql-names.js';
import { PROM_JOB, type Prometheus } from './prometheus.js';

export interface NamedQuery {
  /** Where it comes from: `panel "…" target 0`, `alert EapdStoreErrors (signal)`. */
  readonly where: string;
  /** As written in the dashboard or rule file. */
  readonly expr: string;
  /** As sent to Prometheus (Grafana variables substituted). */
  readonly promql: string;
}

export interface QueryOutcome extends NamedQuery {
  readonly series: number;
  readonly error?: string;
  readonly expectedEmpty?: string;
  readonly ok: boolean;
}

/** Values for Grafana's variables: every instance and peer, a window ≥ 4 scrapes at 1 s. */
export const GRAFANA_SUBSTITUTIONS: Readonly<Record<string, string>> = {
  $__rate_interval: '1m',
  $__interval: '15s',
  $instance: '.*',
  $peer: '.*',
};

export function substitute(expr: string): string {
  let out = expr;
  for (const [variable, value] of Object.entries(GRAFANA_SUBSTITUTIONS)) {
    out = out
      .split(`\${${variable.slice(1)}}`)
      .join(value)
      .split(variable)
      .join(value);
  }
  // The rules select the scrape job `eapd` (docs/monitoring.md); the rig's Prometheus names it PROM_JOB.
  return out.replace(/job="eapd"/g, `job="${PROM_JOB}"`);
}

/**
 * Every query to check: each dashboard target, each variable selector, and for each alert both
 * its signal (the part before the threshold: must have data) and its whole expression (a healthy
 * run must not fire it, so the test lists it as expected empty).
 */
export function collectQueries(): NamedQuery[] {
  const root = repoRoot();
  const dashboard = readDashboard(join(root, 'grafana', 'dashboards', 'eapd.json'));
  const rules = readAlertRules(join(root, 'grafana', 'alerts', 'eapd-rules.yml'));
  const out: NamedQuery[] = [];
  for (const { where, expr } of [...dashboardExprs(dashboard), ...variableSelectors(dashboard)]) {
    out.push({ where, expr, promql: substitute(expr) });
  }
  for (const { alert, expr } of rules) {
    const signal = alertSignal(expr);
    out.push({ where: `alert ${alert} (signal)`, expr: signal, promql: substitute(signal) });
    out.push({ where: `alert ${alert}`, expr, promql: substitute(expr) });
  }
  return out;
}

/** Runs each query; `expectedEmpty` maps a `where` to the reason it must return nothing. */
export async function runQueries(
  prometheus: Prometheus,
  queries: readonly NamedQuery[],
  expectedEmpty: ReadonlyMap<string, string>,
): Promise<QueryOutcome[]> {
  const outcomes: QueryOutcome[] = [];
  for (const q of queries) {
    const reason = expectedEmpty.get(q.where);
    try {
      const series = (await prometheus.query(q.promql)).length;
      const ok = reason === undefined ? series > 0 : series === 0;
      outcomes.push({ ...q, series, ok, ...(reason === undefined ? {} : { expectedEmpty: reason }) });
    } catch (err) {
      outcomes.push({
        ...q,
        series: 0,
        ok: false,
        error: (err as Error).message,
        ...(reason === undefined ? {} : { expectedEmpty: reason }),
      });
    }
  }
  return outcomes;
}

/** One line per query, prometheus-query.sh style, for the assertion message. */
export function report(outcomes: readonly QueryOutcome[]): string {
  return outcomes
    .map((o) => {
      const verdict =
        o.error !== undefined ? 'ERROR' : o.ok ? 'OK' : o.expectedEmpty !== undefined ? 'NOT-EMPTY' : 'EMPTY';
      const why = o.expectedEmpty !== undefined ? ` (expected empty: ${o.expectedEmpty})` : '';
      return `${verdict.padEnd(9)} ${String(o.series).padStart(4)}  ${o.where}: ${o.promql}${why}${o.error !== undefined ? ` -- ${o.error}` : ''}`;
    })
    .join('\n');
}
