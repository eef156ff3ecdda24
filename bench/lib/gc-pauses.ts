import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** GC pauses of this process over a run. */
export interface PauseSummary {
  readonly count: number;
  /** Mark-compact (major) collections among them. */
  readonly major: number;
  readonly totalMs: number;
  readonly maxMs: number;
}

/** What `GcPauses.stop` hands back: the summary and each pause as [start, end) in performance.now() ms. */
export interface GcRecord {
  readonly summary: PauseSummary;
  readonly intervals: Float64Array;
}

function isMajor(e: PerformanceEntry): boolean {
  const detail = (e as PerformanceEntry & { readonly detail?: unknown }).detail as
    { readonly kind?: number } | null | undefined;
  return detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
}

/**
 * Records this process's GC pauses (perf_hooks 'gc' entries), so that a load generator can report
 * its own pauses next to the latencies it measures: every pause delays each authentication in
 * flight by as much.
 */
export class GcPauses {
  readonly #entries: PerformanceEntry[] = [];
  readonly #observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.#entries.push(e);
  });

  start(): void {
    this.#entries.length = 0;
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops recording; waits one turn for the entries perf_hooks has not delivered yet. */
  async stop(): Promise<GcRecord> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const e of this.#observer.takeRecords()) this.#entries.push(e);
    this.#observer.disconnect();
    const intervals = new Float64Array(this.#entries.length * 2);
    let total = 0;
    let max = 0;
    let major = 0;
    this.#entries.forEach((e, i) => {
      intervals[2 * i] = e.startTime;
      intervals[2 * i + 1] = e.startTime + e.duration;
      total += e.duration;
      max = Math.max(max, e.duration);
      if (isMajor(e)) major++;
    });
    return {
      summary: { count: this.#entries.length, major, totalMs: round1(total), maxMs: round1(max) },
      intervals,
    };
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
