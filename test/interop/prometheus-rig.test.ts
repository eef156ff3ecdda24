/**
 * A real Prometheus 2.42 started by the rig scrapes a node:http /metrics endpoint: proves the
 * launcher and the PromQL helper the metrics test will use against eapd.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { freePorts, LOOPBACK } from './lib/ports.js';
import { startPrometheus } from './lib/prometheus.js';
import { Rig } from './lib/rig.js';

const PROBE_VALUE = 3;
/** Prometheus text exposition format 0.0.4. */
const EXPOSITION = [
  '# HELP eapd_rig_probe_total A counter served by the rig test.',
  '# TYPE eapd_rig_probe_total counter',
  `eapd_rig_probe_total{result="success"} ${PROBE_VALUE}`,
  '',
].join('\n');
const MIN_SCRAPES = 2;
const SCRAPE_TIMEOUT_MS = 30_000;
const HTTP_OK = 200;

test('Prometheus scrapes the target and answers PromQL with its samples', async (t) => {
  const rig = Rig.open('prometheus', t);
  const [targetPort, promPort] = await freePorts(2);
  const target = createServer((req, res) => {
    res.writeHead(HTTP_OK, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(req.url === '/metrics' ? EXPOSITION : '');
  });
  await new Promise<void>((resolve) => target.listen(targetPort, LOOPBACK, resolve));
  t.after(() => new Promise<void>((resolve) => target.close(() => resolve())));

  const prometheus = await startPrometheus(rig, { port: promPort!, target: `${LOOPBACK}:${targetPort}` });
  await prometheus.waitForScrapes(MIN_SCRAPES, SCRAPE_TIMEOUT_MS);

  const samples = await prometheus.query('eapd_rig_probe_total');
  assert.equal(samples.length, 1);
  assert.equal(samples[0]?.value, PROBE_VALUE);
  assert.equal(samples[0]?.metric['result'], 'success');
  assert.deepEqual(await prometheus.query('eapd_rig_probe_total{result="failure"}'), []);
  await assert.rejects(prometheus.query('sum(('), /prometheus query/);
});
