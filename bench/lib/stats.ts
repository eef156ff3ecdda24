/** Latency percentiles in milliseconds from samples in milliseconds (sorted in place). */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

const P50 = 0.5;
const P95 = 0.95;
const P99 = 0.99;

export function percentiles(samples: Float64Array): Percentiles {
  const n = samples.length;
  if (n === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  samples.sort();
  const at = (q: number): number => round3(samples[Math.min(n - 1, Math.floor(q * n))]!);
  return { count: n, p50: at(P50), p95: at(P95), p99: at(P99), max: round3(samples[n - 1]!) };
}

/** Three decimals: enough for µs-resolution figures in ms. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A ratio rounded to two decimals (0 when the denominator is 0). */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 100) / 100;
}

/** A growable sample buffer (no per-sample allocation). */
export class Samples {
  #buf = new Float64Array(1024);
  #n = 0;

  push(x: number): void {
    if (this.#n === this.#buf.length) {
      const next = new Float64Array(this.#buf.length * 2);
      next.set(this.#buf);
      this.#buf = next;
    }
    this.#buf[this.#n++] = x;
  }

  get length(): number {
    return this.#n;
  }

  values(): Float64Array {
    return this.#buf.subarray(0, this.#n);
  }
}
