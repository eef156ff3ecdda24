import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { CellHistogram } from '../../../../src/ops/metrics/cell-histogram.js';

const BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1];
const LABELS = ['operation', 'result'] as const;

/** The same metric twice: prom-client's Histogram and ours, each on its own registry. */
function pair(defaultLabels?: Record<string, string>) {
  const reference = new Registry();
  const ours = new Registry();
  if (defaultLabels !== undefined) {
    reference.setDefaultLabels(defaultLabels);
    ours.setDefaultLabels(defaultLabels);
  }
  const config = {
    name: 'test_duration_seconds',
    help: 'Test "help" \\ text.',
    labelNames: LABELS,
    buckets: BUCKETS,
  };
  const h = new Histogram({ ...config, registers: [reference] });
  const c = new CellHistogram({ ...config, registers: [ours] });
  return { reference, ours, h, c };
}

/** Values on, between and beyond the bounds (a value equal to a bound falls in that bucket). */
const VALUES = [0, 0.0005, 0.001, 0.0011, 0.005, 0.03, 0.1, 0.7, 1, 1.5, 42, 1e-9];

describe('CellHistogram', () => {
  test('exposes the same text and JSON as prom-client Histogram for the same observations', async () => {
    for (const defaults of [undefined, { instance: 'a' }]) {
      const { reference, ours, h, c } = pair(defaults);
      h.zero({ operation: 'list', result: 'ok' });
      c.zero({ operation: 'list', result: 'ok' });
      const hot = c.series({ operation: 'get', result: 'ok' });
      for (const v of VALUES) {
        h.observe({ operation: 'get', result: 'ok' }, v);
        hot.observe(v);
        h.observe({ operation: 'get', result: 'error' }, v * 2);
        c.observe({ operation: 'get', result: 'error' }, v * 2);
      }
      assert.equal(await ours.metrics(), await reference.metrics());
      assert.deepEqual(await ours.getMetricsAsJSON(), await reference.getMetricsAsJSON());
    }
  });

  test('a held series and a lookup by labels are the same series', () => {
    const { c } = pair();
    const s = c.series({ operation: 'get', result: 'ok' });
    c.observe({ result: 'ok', operation: 'get' }, 0.2);
    assert.equal(s.count, 1);
    assert.equal(s.sum, 0.2);
    assert.equal(c.series({ operation: 'get', result: 'ok' }), s);
  });

  test('reset zeroes every series, and a series held before it stays the exposed one', async () => {
    const { ours, c } = pair();
    const held = c.series({ operation: 'get', result: 'ok' });
    held.observe(0.2);
    c.reset();
    assert.match(await ours.metrics(), /test_duration_seconds_count\{operation="get",result="ok"\} 0/);
    held.observe(0.3);
    assert.match(await ours.metrics(), /test_duration_seconds_count\{operation="get",result="ok"\} 1/);
    assert.match(await ours.metrics(), /test_duration_seconds_sum\{operation="get",result="ok"\} 0.3/);
  });

  test('zero creates a series at 0', async () => {
    const { ours, c } = pair();
    c.zero({ operation: 'list', result: 'error' });
    assert.match(await ours.metrics(), /test_duration_seconds_count\{operation="list",result="error"\} 0/);
  });

  test('refuses an unknown label, a reserved le, unsorted buckets and a non-finite value', () => {
    const { c } = pair();
    assert.throws(() => c.series({ operation: 'get', bogus: 'x' } as never), /unknown label "bogus"/);
    assert.throws(() => c.observe({ operation: 'get' }, Number.NaN), /not a finite number/);
    const registers = [new Registry()];
    assert.throws(
      () => new CellHistogram({ name: 'x', help: 'h', labelNames: ['le'], buckets: [1], registers }),
      /reserved/,
    );
    assert.throws(
      () => new CellHistogram({ name: 'y', help: 'h', labelNames: [], buckets: [1, 1], registers }),
      /ascending/,
    );
  });
});
