import type { Metric, Registry } from 'prom-client';

type LabelSet<L extends string> = Partial<Record<L, string | number>>;
type Labels = Readonly<Record<string, string | number>>;

/** One exposition line, in the shape prom-client's Registry formats (its Histogram's shape). */
export interface HistogramLine {
  readonly labels: Labels;
  /** The series' labels: the Registry prints them after `le` (text format only). */
  readonly sharedLabels?: Labels;
  readonly value: number;
  readonly metricName: string;
  /** null on bucket lines, absent on _sum and _count (as prom-client's, for getMetricsAsJSON). */
  readonly exemplar: null | undefined;
}

export interface HistogramData {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly values: HistogramLine[];
  readonly aggregator: 'sum';
}

export interface CellHistogramConfig<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Upper bounds, ascending (the `+Inf` bucket is implicit). */
  readonly buckets: readonly number[];
  readonly registers: readonly Registry[];
}

/**
 * One label set of a CellHistogram. `observe` is the hot path: a bucket search over a few bounds
 * and three additions, no object and no label hashing.
 */
export class HistogramSeries {
  readonly labels: Labels;
  /** Observations per bucket (not cumulative); the last slot is `+Inf`. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly #bounds: Float64Array;

  constructor(labels: Labels, bounds: Float64Array) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  clear(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  /** Records one finite value (callers check: the event handlers read values defensively). */
  observe(value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

/**
 * A Prometheus histogram registered on prom-client's Registry, with series that the hot path
 * holds on to. prom-client's `Histogram.observe(labels, value)` validates and hashes the label
 * object and builds a closure on every call (~290 ns, six to seven times per authentication);
 * `HistogramSeries.observe` costs a bucket search. The exposition is prom-client's: the Registry
 * formats what `get`/`getForPromString` return, in the shape its own Histogram returns (a unit
 * test holds both to the same text).
 */
export class CellHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  readonly labelNames: readonly L[];
  readonly #sortedLabelNames: readonly L[];
  readonly #bounds: Float64Array;
  /** Label values joined in sorted-name order → series. */
  readonly #series = new Map<string, HistogramSeries>();

  constructor(config: CellHistogramConfig<L>) {
    for (let i = 1; i < config.buckets.length; i++) {
      if (!(config.buckets[i]! > config.buckets[i - 1]!))
        throw new RangeError(`${config.name}: buckets must be ascending`);
    }
    if (config.labelNames.includes('le' as L)) throw new RangeError(`${config.name}: "le" is reserved`);
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    this.#sortedLabelNames = [...config.labelNames].sort();
    this.#bounds = Float64Array.from(config.buckets);
    // prom-client's Registry accepts any object with its metric interface: name, help, type,
    // get(), getForPromString(), reset(). Its types list only its own classes.
    for (const registry of config.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The series of `labels`, created at 0 on first use. */
  series(labels: LabelSet<L>): HistogramSeries {
    for (const name of Object.keys(labels)) {
      if (!this.labelNames.includes(name as L))
        throw new TypeError(`${this.name}: unknown label "${name}" (labels: ${this.labelNames.join(', ')})`);
    }
    const key = this.#key(labels);
    let s = this.#series.get(key);
    if (s === undefined) {
      s = new HistogramSeries(this.#copy(labels), this.#bounds);
      this.#series.set(key, s);
    }
    return s;
  }

  /** prom-client's signature, for the few callers off the hot path. */
  observe(labels: LabelSet<L>, value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: value is not a finite number: ${value}`);
    this.series(labels).observe(value);
  }

  /** Creates the series of `labels` at 0 (a known series reads 0 before its first event). */
  zero(labels: LabelSet<L>): void {
    this.series(labels);
  }

  /**
   * Zeroes every series (the Registry's resetMetrics). The series stay, so a series held by the
   * hot path stays the one exposed; prom-client's own Histogram drops them instead.
   */
  reset(): void {
    for (const s of this.#series.values()) s.clear();
  }

  /** For the Registry's text exposition: each series' labels are shared by its lines. */
  async getForPromString(): Promise<HistogramData> {
    const values: HistogramLine[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const s of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.#bounds.length; i++) {
        cumulative += s.counts[i]!;
        values.push(line({ le: this.#bounds[i]! }, s.labels, cumulative, bucketName));
      }
      values.push(line({ le: '+Inf' }, s.labels, s.count, bucketName));
      values.push({
        labels: {},
        sharedLabels: s.labels,
        value: s.sum,
        metricName: `${this.name}_sum`,
        exemplar: undefined,
      });
      values.push({
        labels: {},
        sharedLabels: s.labels,
        value: s.count,
        metricName: `${this.name}_count`,
        exemplar: undefined,
      });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** For `getMetricsAsJSON`: each line carries all its labels. */
  async get(): Promise<HistogramData> {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ sharedLabels, ...rest }) => ({
        ...rest,
        labels: { ...rest.labels, ...sharedLabels },
      })),
    };
  }

  #key(labels: LabelSet<L>): string {
    let key = '';
    for (const name of this.#sortedLabelNames) key += `${String(labels[name] ?? '')}\u0000`;
    return key;
  }

  #copy(labels: LabelSet<L>): Labels {
    const out: Record<string, string | number> = {};
    for (const name of this.labelNames) {
      const v = labels[name];
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
}

function line(labels: Labels, sharedLabels: Labels, value: number, metricName: string): HistogramLine {
  return { labels, sharedLabels, value, metricName, exemplar: null };
}

/** Raw keys remembered per SeriesByKey; beyond it each event maps its labels again. */
export const MAX_SERIES_KEYS = 4096;

/**
 * The hot path's handle on a CellHistogram: events are keyed by up to two raw fields (a Map
 * lookup each, no key string built), and an event's labels are mapped once per distinct key,
 * as CounterCells does for counters.
 */
export class SeriesByKey<L extends string> {
  readonly #histogram: CellHistogram<L>;
  readonly #root = new Map<unknown, Map<unknown, HistogramSeries>>();
  #keys = 0;

  constructor(histogram: CellHistogram<L>) {
    this.#histogram = histogram;
  }

  /** Records `value` (finite: callers check) under the series `labels(event)` names. */
  observe<E>(a: unknown, b: unknown, value: number, event: E, labels: (event: E) => LabelSet<L>): void {
    const known = this.#root.get(a)?.get(b);
    if (known !== undefined) {
      known.observe(value);
      return;
    }
    const series = this.#histogram.series(labels(event));
    if (this.#keys < MAX_SERIES_KEYS) {
      let level = this.#root.get(a);
      if (level === undefined) this.#root.set(a, (level = new Map()));
      level.set(b, series);
      this.#keys += 1;
    }
    series.observe(value);
  }

  /** Forgets every key (label mappings may change: a value declared at run time). */
  reset(): void {
    this.#root.clear();
    this.#keys = 0;
  }
}
