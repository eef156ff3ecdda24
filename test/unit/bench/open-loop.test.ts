import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { overlap, runOpenLoop, type AuthTiming } from '../../../bench/lib/open-loop.js';

const WAIT_MS = 3;
/** Node's timers run on the loop's cached clock: one may fire up to ~1 ms early by performance.now(). */
const TIMER_EARLY_MS = 1;

function answerAfter(ms: number, timing: AuthTiming): Promise<boolean> {
  const t = performance.now();
  return new Promise((resolve) =>
    setTimeout(() => {
      timing.waitMs += performance.now() - t;
      resolve(true);
    }, ms),
  );
}

describe('runOpenLoop', () => {
  test('starts rate × duration operations, each near its scheduled time', async () => {
    const starts: number[] = [];
    const t0 = performance.now();
    const r = await runOpenLoop({ rate: 500, durationMs: 200, maxOutstanding: 1000 }, (timing) => {
      starts.push(performance.now() - t0);
      return answerAfter(WAIT_MS, timing);
    });
    assert.equal(r.started, 100);
    assert.equal(r.succeeded, 100);
    assert.equal(r.failed, 0);
    assert.equal(r.latencyMs.count, 100);
    // Released on schedule, not in bursts: the 100th start is ~198 ms after the first.
    assert.ok(starts[99]! - starts[0]! > 150, `spread ${starts[99]! - starts[0]!} ms`);
    assert.ok(r.latencyMs.p50 >= WAIT_MS - TIMER_EARLY_MS, `p50 ${r.latencyMs.p50}`);
    assert.ok(r.waitMs.p50 >= WAIT_MS - TIMER_EARLY_MS && r.waitMs.p50 <= r.latencyMs.p50);
  });

  test('the tail breakdown adds up to the tail latency', async () => {
    const r = await runOpenLoop({ rate: 1000, durationMs: 200, maxOutstanding: 1000 }, (timing) =>
      answerAfter(WAIT_MS, timing),
    );
    const t = r.tail;
    assert.equal(t.count, 2); // the slowest 1 % of 200
    assert.ok(Math.abs(t.startLagMs + t.waitMs + t.clientMs - t.latencyMs) < 0.01);
    assert.ok(t.waitMs >= WAIT_MS - TIMER_EARLY_MS, `tail wait ${t.waitMs} ms`);
    assert.ok(t.latencyMs >= r.latencyMs.p99);
  });

  test('counts failures and rejections with the first error', async () => {
    let n = 0;
    const r = await runOpenLoop({ rate: 1000, durationMs: 20, maxOutstanding: 1000 }, () => {
      n++;
      return n % 2 === 0 ? Promise.resolve(false) : Promise.reject(new Error('boom'));
    });
    assert.equal(r.started, 20);
    assert.equal(r.succeeded, 0);
    assert.equal(r.failed, 20);
    assert.equal(r.firstError, 'boom');
  });

  test('stops starting and counts the rest as failed beyond maxOutstanding', async () => {
    const r = await runOpenLoop({ rate: 1000, durationMs: 50, maxOutstanding: 5 }, (timing) =>
      answerAfter(200, timing),
    );
    assert.equal(r.started, 50);
    assert.equal(r.succeeded, 5);
    assert.equal(r.failed, 45);
  });
});

describe('overlap', () => {
  test('sums the parts of [start, end) pairs inside the window', () => {
    const intervals = Float64Array.from([0, 10, 20, 30, 40, 50]);
    assert.equal(overlap(intervals, 5, 25), 10);
    assert.equal(overlap(intervals, 30, 40), 0);
    assert.equal(overlap(intervals, 0, 100), 30);
  });
});
