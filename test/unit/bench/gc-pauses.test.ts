import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GcPauses } from '../../../bench/lib/gc-pauses.js';

const ALLOCATIONS = 2_000_000;

test('records the GC pauses of a run as a summary and [start, end) intervals', async () => {
  const gc = new GcPauses();
  gc.start();
  const t0 = performance.now();
  // Enough short-lived garbage for several scavenges.
  let keep: number[] = [];
  for (let i = 0; i < ALLOCATIONS; i++) keep = [i, i + 1];
  assert.equal(keep.length, 2);
  const r = await gc.stop();
  assert.ok(r.summary.count > 0, 'no GC recorded');
  assert.equal(r.intervals.length, 2 * r.summary.count);
  assert.ok(r.summary.maxMs <= r.summary.totalMs + 0.1);
  assert.ok(r.intervals[0]! >= t0 && r.intervals[1]! >= r.intervals[0]!);
});
