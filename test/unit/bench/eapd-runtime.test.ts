import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseEapdRuntime, runtimeWindow } from '../../../bench/lib/eapd-runtime.js';

/** An excerpt of what prom-client's default metrics expose (eapd's /metrics). */
const EXPOSITION = `# HELP nodejs_eventloop_lag_max_seconds The maximum recorded event loop delay.
# TYPE nodejs_eventloop_lag_max_seconds gauge
nodejs_eventloop_lag_max_seconds 0.031981567
# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.
# TYPE nodejs_gc_duration_seconds histogram
nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} 10
nodejs_gc_duration_seconds_sum{kind="minor"} 0.5126
nodejs_gc_duration_seconds_count{kind="minor"} 240
nodejs_gc_duration_seconds_bucket{le="0.001",kind="major"} 0
nodejs_gc_duration_seconds_sum{kind="major"} 0.0615
nodejs_gc_duration_seconds_count{kind="major"} 6
nodejs_gc_duration_seconds_sum{kind="incremental"} 0.02
nodejs_gc_duration_seconds_count{kind="incremental"} 9
`;

test('reads the GC counters by kind and the loop-lag maximum from a Prometheus exposition', () => {
  assert.deepEqual(parseEapdRuntime(EXPOSITION), {
    majorGcCount: 6,
    majorGcSeconds: 0.0615,
    minorGcCount: 240,
    minorGcSeconds: 0.5126,
    loopLagMaxSeconds: 0.031981567,
  });
});

test('reads a metric that is absent (process metrics off) as 0', () => {
  assert.deepEqual(parseEapdRuntime('# nothing here\n'), {
    majorGcCount: 0,
    majorGcSeconds: 0,
    minorGcCount: 0,
    minorGcSeconds: 0,
    loopLagMaxSeconds: 0,
  });
});

test('a window is the difference of the cumulative GC counters and the lag read at its end', () => {
  const before = parseEapdRuntime(EXPOSITION);
  const after = {
    ...before,
    majorGcCount: 9,
    majorGcSeconds: 0.0915,
    minorGcCount: 300,
    loopLagMaxSeconds: 0.0244,
  };
  assert.deepEqual(runtimeWindow(before, after), {
    majorGcs: 3,
    majorGcMs: 30,
    minorGcs: 60,
    minorGcMs: 0,
    loopLagMaxMs: 24.4,
  });
});
