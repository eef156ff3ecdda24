import { cpuSecondsOfThisProcess, type GeneratorRun } from './closed-loop.js';
import { GcPauses, type PauseSummary } from './gc-pauses.js';
import { percentiles, round3, Samples, type Percentiles } from './stats.js';

const MS_PER_S = 1000;
/**
 * Node timers fire on a 1 ms grid and often late: a start due sooner than this is released by
 * polling the loop with setImmediate (answers keep being read in between), a later one by a timer
 * set this much early.
 */
const TIMER_SLACK_MS = 1.5;
/** Auths at or above this latency quantile form the tail that the breakdown explains. */
const TAIL_QUANTILE = 0.99;

export interface OpenLoopOptions {
  /** Authentications started per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** A run that falls this far behind stops starting more (the server is overloaded). */
  readonly maxOutstanding: number;
}

/** Filled in by the operation: time spent waiting for answers (request written → answer handled). */
export interface AuthTiming {
  waitMs: number;
}

/** Where the slowest 1 % of authentications spent their time, in mean milliseconds per auth. */
export interface TailBreakdown {
  readonly count: number;
  readonly latencyMs: number;
  /** Scheduled start → actual start (the generator's scheduler or event loop was late). */
  readonly startLagMs: number;
  /** Waiting for DEAs: the server's work and pauses, the loopback, and the generator reading late. */
  readonly waitMs: number;
  /** The generator's own work between rounds (the peer's crypto, encoding, its queue). */
  readonly clientMs: number;
  /** Generator GC pauses that overlapped the authentication (part of the three above). */
  readonly generatorGcMs: number;
}

export interface OpenLoopRun extends GeneratorRun {
  readonly startLagMs: Percentiles;
  /** Sum of DER→DEA waits per authentication. */
  readonly waitMs: Percentiles;
  readonly tail: TailBreakdown;
  readonly generatorGc: PauseSummary;
  /** Event-loop utilisation of the generator (share of wall time not idle in the poll phase). */
  readonly generatorLoopUtilization: number;
}

/** Per-authentication timestamps, indexed by start order (no per-auth allocation besides `AuthTiming`). */
class AuthRecords {
  readonly scheduled: Float64Array;
  readonly started: Float64Array;
  readonly ended: Float64Array;
  readonly wait: Float64Array;
  readonly ok: Uint8Array;

  constructor(n: number) {
    this.scheduled = new Float64Array(n);
    this.started = new Float64Array(n);
    this.ended = new Float64Array(n);
    this.wait = new Float64Array(n);
    this.ok = new Uint8Array(n);
  }
}

/**
 * Open loop: starts `rate` operations per second, each at its scheduled time whatever the answers
 * do, and measures each one's latency from its scheduled start (no coordinated omission). Starts
 * are released by a timer while the next one is far, by setImmediate polling when it is near, so
 * a late 1 ms timer tick does not release them in bursts; the lag that remains is measured.
 */
export async function runOpenLoop(
  o: OpenLoopOptions,
  op: (timing: AuthTiming) => Promise<boolean>,
): Promise<OpenLoopRun> {
  const total = Math.floor((o.rate * o.durationMs) / MS_PER_S);
  const interval = MS_PER_S / o.rate;
  const records = new AuthRecords(total);
  let started = 0;
  let succeeded = 0;
  let failed = 0;
  let outstanding = 0;
  let firstError: string | undefined;
  const gc = new GcPauses();
  gc.start();
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = cpuSecondsOfThisProcess();
  const t0 = performance.now();
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));

  const finish = (i: number, ok: boolean, timing: AuthTiming): void => {
    records.ended[i] = performance.now();
    records.wait[i] = timing.waitMs;
    if (ok) {
      succeeded++;
      records.ok[i] = 1;
    } else failed++;
    outstanding--;
    if (started >= total && outstanding === 0) resolveDone();
  };
  const launch = (i: number): void => {
    records.scheduled[i] = t0 + i * interval;
    records.started[i] = performance.now();
    outstanding++;
    const timing: AuthTiming = { waitMs: 0 };
    op(timing).then(
      (ok) => finish(i, ok, timing),
      (e: unknown) => {
        firstError ??= (e as Error).message;
        finish(i, false, timing);
      },
    );
  };
  const release = (): void => {
    const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
    while (started < due) {
      if (outstanding >= o.maxOutstanding) {
        // Overloaded: count what cannot start as failed rather than queueing without bound.
        failed += total - started;
        started = total;
        break;
      }
      launch(started++);
    }
    if (started >= total) {
      if (outstanding === 0) resolveDone();
      return;
    }
    const wait = t0 + started * interval - performance.now();
    if (wait > TIMER_SLACK_MS) setTimeout(release, wait - TIMER_SLACK_MS);
    else setImmediate(release);
  };
  release();
  await done;
  const wallSeconds = (performance.now() - t0) / MS_PER_S;
  const generatorCpuSeconds = cpuSecondsOfThisProcess() - cpu0;
  const elu = performance.eventLoopUtilization(elu0);
  const pauses = await gc.stop();
  const summary = summarise(records, pauses.intervals);
  return {
    started,
    succeeded,
    failed,
    wallSeconds,
    ratePerSecond: succeeded / wallSeconds,
    latencyMs: summary.latency,
    generatorCpuSeconds,
    startLagMs: summary.startLag,
    waitMs: summary.wait,
    tail: summary.tail,
    generatorGc: pauses.summary,
    generatorLoopUtilization: round3(elu.utilization),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

function summarise(
  r: AuthRecords,
  gcIntervals: Float64Array,
): { latency: Percentiles; startLag: Percentiles; wait: Percentiles; tail: TailBreakdown } {
  const latency = new Samples();
  const startLag = new Samples();
  const wait = new Samples();
  const n = r.ok.length;
  for (let i = 0; i < n; i++) {
    if (r.ok[i] !== 1) continue;
    latency.push(r.ended[i]! - r.scheduled[i]!);
    startLag.push(r.started[i]! - r.scheduled[i]!);
    wait.push(r.wait[i]!);
  }
  // The tail threshold before `percentiles` sorts the samples in place.
  const sorted = Float64Array.from(latency.values()).sort();
  const threshold = sorted.length === 0 ? 0 : sorted[Math.floor(TAIL_QUANTILE * sorted.length)]!;
  let count = 0;
  let sumLatency = 0;
  let sumLag = 0;
  let sumWait = 0;
  let sumGc = 0;
  for (let i = 0; i < n; i++) {
    if (r.ok[i] !== 1) continue;
    const l = r.ended[i]! - r.scheduled[i]!;
    if (l < threshold) continue;
    count++;
    sumLatency += l;
    sumLag += r.started[i]! - r.scheduled[i]!;
    sumWait += r.wait[i]!;
    sumGc += overlap(gcIntervals, r.scheduled[i]!, r.ended[i]!);
  }
  const mean = (s: number): number => (count === 0 ? 0 : round3(s / count));
  return {
    latency: percentiles(latency.values()),
    startLag: percentiles(startLag.values()),
    wait: percentiles(wait.values()),
    tail: {
      count,
      latencyMs: mean(sumLatency),
      startLagMs: mean(sumLag),
      waitMs: mean(sumWait),
      clientMs: mean(sumLatency - sumLag - sumWait),
      generatorGcMs: mean(sumGc),
    },
  };
}

/** Milliseconds of the [start, end) pairs in `intervals` that fall inside [from, to). */
export function overlap(intervals: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let k = 0; k + 1 < intervals.length; k += 2) {
    const s = Math.max(from, intervals[k]!);
    const e = Math.min(to, intervals[k + 1]!);
    if (e > s) sum += e - s;
  }
  return sum;
}
