import type { Counter } from 'prom-client';

type LabelSet<L extends string> = Partial<Record<L, string | number>>;

interface Cell<L extends string> {
  readonly labels: LabelSet<L>;
  pending: number;
}

/** Distinct label tuples cached per counter; beyond it events go to prom-client directly. */
export const MAX_CELLS = 4096;

/**
 * Hot-path counting at the cost of one Map lookup. prom-client's `inc(labels)` hashes and
 * validates the label object on every call (~1 µs, several times per Diameter request); here each
 * event adds to a cell kept per raw label tuple, and the cells are added to the prom-client counter
 * when it is collected. prom-client calls `collect` on every registry read (scrape, JSON, single
 * metric), so what is read is exact, never a sampled or delayed value. The labels of a cell are
 * computed once, on the first event with its key.
 */
export class CounterCells<L extends string> {
  readonly #counter: Counter<L>;
  readonly #cells = new Map<string, Cell<L>>();

  constructor(counter: Counter<L>) {
    this.#counter = counter;
    // prom-client keeps the `collect` option as a property and calls it before every read
    // (lib/counter.js `get`); its type only declares it on the options. The unit test proves it.
    const target = counter as unknown as { collect?: (this: Counter<L>) => void | Promise<void> };
    const previous = target.collect;
    target.collect = (): void => {
      this.flush();
      if (previous !== undefined) void previous.call(counter);
    };
  }

  /** Counts one event whose raw label tuple is `key`; `labels(event)` maps it on first sight. */
  add<E>(key: string, event: E, labels: (event: E) => LabelSet<L>): void {
    const cell = this.#cells.get(key);
    if (cell !== undefined) {
      cell.pending += 1;
      return;
    }
    if (this.#cells.size >= MAX_CELLS) {
      this.#counter.inc(labels(event));
      return;
    }
    this.#cells.set(key, { labels: labels(event), pending: 1 });
  }

  /** Adds the pending counts to the counter. */
  flush(): void {
    for (const cell of this.#cells.values()) {
      if (cell.pending === 0) continue;
      this.#counter.inc(cell.labels, cell.pending);
      cell.pending = 0;
    }
  }

  /** Flushes, then forgets every key (label mappings may change: a value declared at run time). */
  reset(): void {
    this.flush();
    this.#cells.clear();
  }
}
