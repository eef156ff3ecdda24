import { percentiles, Samples, type Percentiles } from './stats.js';

const MS_PER_S = 1000;

export interface GeneratorRun {
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly wallSeconds: number;
  /** Completed successful authentications per second. */
  readonly ratePerSecond: number;
  readonly latencyMs: Percentiles;
  /** CPU seconds the generator process used during the run (all its threads). */
  readonly generatorCpuSeconds: number;
  readonly firstError?: string;
}

export interface ClosedLoopOptions {
  readonly inFlight: number;
  readonly count: number;
  readonly durationMs: number;
  /** Pace starts to at most this many per second (0 or absent: as fast as answers come). */
  readonly maxRatePerSecond?: number;
}

export function cpuSecondsOfThisProcess(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Closed loop shared by the Diameter and RADIUS generators: `inFlight` operations at all times
 * until `count` started or `durationMs` passed, optionally paced; latency of each success.
 */
export async function runClosedLoop(o: ClosedLoopOptions, op: () => Promise<boolean>): Promise<GeneratorRun> {
  const latencies = new Samples();
  let started = 0;
  let succeeded = 0;
  let failed = 0;
  let firstError: string | undefined;
  const cpu0 = cpuSecondsOfThisProcess();
  const t0 = performance.now();
  const deadline = t0 + o.durationMs;
  const interval = o.maxRatePerSecond ? MS_PER_S / o.maxRatePerSecond : 0;
  const worker = async (): Promise<void> => {
    while (started < o.count && performance.now() < deadline) {
      const due = t0 + started * interval;
      if (due > deadline) break;
      started++;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const s = performance.now();
      try {
        if (await op()) {
          succeeded++;
          latencies.push(performance.now() - s);
        } else failed++;
      } catch (e) {
        failed++;
        firstError ??= (e as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, () => worker()));
  const wallSeconds = (performance.now() - t0) / MS_PER_S;
  return {
    started,
    succeeded,
    failed,
    wallSeconds,
    ratePerSecond: succeeded / wallSeconds,
    latencyMs: percentiles(latencies.values()),
    generatorCpuSeconds: cpuSecondsOfThisProcess() - cpu0,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
