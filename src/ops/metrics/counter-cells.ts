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
  /** Raw key part 1 → part 2 → part 3 → cell: Map lookups of existing values, no key string built. */
  readonly #root = new Map<unknown, Map<unknown, Map<unknown, Cell<L>>>>();
  readonly #cells: Cell<L>[] = [];

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

  /**
   * Counts one event whose raw label fields are `a`, `b`, `c` (up to three; pass undefined for the
   * unused ones; compared as Map keys, so `5` and `'5'` are different keys); `labels(event)` maps
   * the event to its label set on first sight of the key.
   */
  add<E>(a: unknown, b: unknown, c: unknown, event: E, labels: (event: E) => LabelSet<L>): void {
    let level1 = this.#root.get(a);
    let level2 = level1?.get(b);
    const cell = level2?.get(c);
    if (cell !== undefined) {
      cell.pending += 1;
      return;
    }
    if (this.#cells.length >= MAX_CELLS) {
      this.#counter.inc(labels(event));
      return;
    }
    if (level1 === undefined) this.#root.set(a, (level1 = new Map()));
    if (level2 === undefined) level1.set(b, (level2 = new Map()));
    const created: Cell<L> = { labels: labels(event), pending: 1 };
    level2.set(c, created);
    this.#cells.push(created);
  }

  /** Adds the pending counts to the counter. */
  flush(): void {
    for (const cell of this.#cells) {
      if (cell.pending === 0) continue;
      this.#counter.inc(cell.labels, cell.pending);
      cell.pending = 0;
    }
  }

  /** Flushes, then forgets every key (label mappings may change: a value declared at run time). */
  reset(): void {
    this.flush();
    this.#root.clear();
    this.#cells.length = 0;
  }
}
