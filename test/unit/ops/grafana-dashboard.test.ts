import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';
import { createMetrics } from '../../../src/ops/metrics/create-metrics.js';
import {
  alertSignal,
  allPanels,
  dashboardExprs,
  metricNames,
  readAlertRules,
  readDashboard,
  registeredName,
  variableSelectors,
} from './metrics/promql-names.js';

const DASHBOARD = join(repoRoot(), 'grafana', 'dashboards', 'eapd.json');
const RULES = join(repoRoot(), 'grafana', 'alerts', 'eapd-rules.yml');
/** Series Prometheus itself adds to every target; not exported by eapd. */
const PROMETHEUS_SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
const DATASOURCE_VARIABLE = '${datasource}';

const metrics = createMetrics({ buildInfo: { version: 'test' } });
after(() => metrics.close());
const exported = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));

function unknownNames(expr: string): string[] {
  return [...metricNames(expr)].filter(
    (n) => !exported.has(registeredName(n, exported)) && !PROMETHEUS_SYNTHETIC.has(n),
  );
}

describe('PromQL metric name extraction', () => {
  test('finds selectors and drops functions, keywords, label lists, strings, durations and variables', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, command) (rate(eapd_x_bucket{instance=~"$instance",a="b c"}[$__rate_interval]))) / on (instance) group_left(version) eapd_build_info > 1e3 and absent(foo_total offset 5m)';
    assert.deepEqual([...metricNames(expr)].sort(), ['eapd_build_info', 'eapd_x_bucket', 'foo_total']);
  });

  test('maps histogram series to their metric only when the base name is registered', () => {
    const known = new Set(['eapd_h', 'eapd_c_count']);
    assert.equal(registeredName('eapd_h_bucket', known), 'eapd_h');
    assert.equal(registeredName('eapd_h_sum', known), 'eapd_h');
    assert.equal(registeredName('eapd_c_count', known), 'eapd_c_count');
    assert.equal(registeredName('eapd_missing_bucket', known), 'eapd_missing_bucket');
  });

  test('splits an alert expression into its signal before the first top-level comparison', () => {
    assert.equal(
      alertSignal('sum(rate(a{x=">"}[5m])) / sum(b) > 0.2 and sum(b) > 1'),
      'sum(rate(a{x=">"}[5m])) / sum(b)',
    );
    assert.equal(alertSignal('eapd_diameter_peer_up == 0'), 'eapd_diameter_peer_up');
  });
});

describe('Grafana dashboard grafana/dashboards/eapd.json', () => {
  const dashboard = readDashboard(DASHBOARD);
  const exprs = dashboardExprs(dashboard);

  test('has the fixed uid eapd-main and datasource, instance and peer variables', () => {
    assert.equal(dashboard.uid, 'eapd-main');
    const vars = new Map((dashboard.templating?.list ?? []).map((v) => [v.name, v]));
    assert.equal(vars.get('datasource')?.type, 'datasource');
    assert.equal((vars.get('datasource') as { query?: unknown } | undefined)?.query, 'prometheus');
    assert.equal(vars.get('instance')?.type, 'query');
    assert.equal(vars.get('peer')?.type, 'query');
  });

  test('every panel and every query reads from the ${datasource} variable', () => {
    const ds = (d: unknown): unknown => (d as { uid?: unknown } | undefined)?.uid;
    for (const p of allPanels(dashboard)) {
      if (p.type === 'row') continue;
      assert.equal(
        ds(p.datasource),
        DATASOURCE_VARIABLE,
        `panel "${p.title ?? '?'}" lacks the datasource variable`,
      );
      assert.ok((p.targets ?? []).length > 0, `panel "${p.title ?? '?'}" has no query`);
      for (const t of p.targets ?? [])
        assert.equal(ds(t.datasource), DATASOURCE_VARIABLE, `a query of "${p.title ?? '?'}"`);
    }
    for (const v of dashboard.templating?.list ?? []) {
      if (v.type === 'query')
        assert.equal(ds(v.datasource), DATASOURCE_VARIABLE, `variable ${v.name ?? '?'}`);
    }
  });

  test('references only metrics eapd exports', () => {
    assert.ok(exprs.length >= 20, `only ${exprs.length} expressions found`);
    for (const { where, expr } of [...exprs, ...variableSelectors(dashboard)]) {
      assert.deepEqual(unknownNames(expr), [], `${where}: ${expr}`);
    }
  });

  test('has the panels the NOC asked for', () => {
    const all = exprs.map((e) => e.expr).join('\n');
    for (const needed of [
      'eapd_eap_authentications_total',
      'eapd_eap_authentication_duration_seconds_bucket',
      'eapd_eap_psk_failures_total',
      'eapd_eap_sessions_active',
      'eapd_diameter_peer_up',
      'eapd_diameter_peer_state',
      'eapd_diameter_answers_total',
      'eapd_diameter_decode_errors_total',
      'eapd_redirects_total',
      'eapd_radius_requests_total',
    ]) {
      assert.ok(all.includes(needed), `no panel reads ${needed}`);
    }
    for (const q of ['0.5', '0.95', '0.99'])
      assert.ok(
        all.includes(
          `histogram_quantile(${q}, sum by (le) (rate(eapd_eap_authentication_duration_seconds_bucket`,
        ),
        `p${q}`,
      );
  });

  test('the checker itself fails on a metric eapd does not export', () => {
    assert.deepEqual(unknownNames('sum(rate(eapd_eap_authentication_total[5m]))'), [
      'eapd_eap_authentication_total',
    ]);
    assert.deepEqual(unknownNames('rate(eapd_eap_rounds_bucket[5m])'), []);
  });
});

describe('Prometheus alert rules grafana/alerts/eapd-rules.yml', () => {
  const rules = readAlertRules(RULES);

  test('covers failure ratio, peer down, p99 latency and store errors', () => {
    const names = rules.map((r) => r.alert);
    for (const n of [
      'EapdAuthFailureRatioHigh',
      'EapdDiameterPeerDown',
      'EapdAuthLatencyP99High',
      'EapdStoreErrors',
    ]) {
      assert.ok(names.includes(n), `missing alert ${n}`);
    }
  });

  test('references only metrics eapd exports (or Prometheus adds)', () => {
    for (const { alert, expr } of rules) assert.deepEqual(unknownNames(expr), [], `${alert}: ${expr}`);
  });

  test('every alert compares a signal against a threshold', () => {
    for (const { alert, expr } of rules)
      assert.notEqual(alertSignal(expr), expr.trim(), `${alert} has no comparison`);
  });
});
