/**
 * eapd's own view of its runtime during a measured window, read from its `/metrics` (prom-client's
 * default process metrics, the ones a NOC graphs): garbage collections by kind and the longest
 * event-loop stall. The latency scenario reads it before and after each rate, so that the report
 * says how many full GCs fell in the window and how long eapd's loop stood still.
 */

/** Cumulative GC counters and the loop-lag maximum since the previous scrape. */
export interface EapdRuntimeSample {
  readonly majorGcCount: number;
  readonly majorGcSeconds: number;
  readonly minorGcCount: number;
  readonly minorGcSeconds: number;
  /** `nodejs_eventloop_lag_max_seconds`: prom-client resets it at every scrape. */
  readonly loopLagMaxSeconds: number;
}

/** What happened between two samples. */
export interface EapdRuntimeWindow {
  readonly majorGcs: number;
  readonly majorGcMs: number;
  readonly minorGcs: number;
  readonly minorGcMs: number;
  readonly loopLagMaxMs: number;
}

const MS_PER_S = 1000;
const SCRAPE_TIMEOUT_MS = 5_000;

/** The value of the first sample line named `name` whose labels contain `labels` (or 0). */
function sampleValue(text: string, name: string, labels: string): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    const match = /^(\{[^}]*\})? (\S+)/.exec(rest);
    if (match === null) continue;
    if (labels !== '' && !(match[1] ?? '').includes(labels)) continue;
    const value = Number(match[2]);
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

/** Reads the runtime figures out of a Prometheus text exposition. */
export function parseEapdRuntime(text: string): EapdRuntimeSample {
  return {
    majorGcCount: sampleValue(text, 'nodejs_gc_duration_seconds_count', 'kind="major"'),
    majorGcSeconds: sampleValue(text, 'nodejs_gc_duration_seconds_sum', 'kind="major"'),
    minorGcCount: sampleValue(text, 'nodejs_gc_duration_seconds_count', 'kind="minor"'),
    minorGcSeconds: sampleValue(text, 'nodejs_gc_duration_seconds_sum', 'kind="minor"'),
    loopLagMaxSeconds: sampleValue(text, 'nodejs_eventloop_lag_max_seconds', ''),
  };
}

/** The window between `before` and `after` (`after` read at its end: its lag covers the window). */
export function runtimeWindow(before: EapdRuntimeSample, after: EapdRuntimeSample): EapdRuntimeWindow {
  const ms = (seconds: number): number => Math.round(seconds * MS_PER_S * 10) / 10;
  return {
    majorGcs: after.majorGcCount - before.majorGcCount,
    majorGcMs: ms(after.majorGcSeconds - before.majorGcSeconds),
    minorGcs: after.minorGcCount - before.minorGcCount,
    minorGcMs: ms(after.minorGcSeconds - before.minorGcSeconds),
    loopLagMaxMs: ms(after.loopLagMaxSeconds),
  };
}

/** Scrapes eapd's `/metrics` on its admin port. */
export async function scrapeEapdRuntime(adminPort: number): Promise<EapdRuntimeSample> {
  const response = await fetch(`http://127.0.0.1:${adminPort}/metrics`, {
    signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`eapd /metrics answered ${response.status}`);
  return parseEapdRuntime(await response.text());
}
