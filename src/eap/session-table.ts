/**
 * The table of live EAP conversations shared by the Diameter and RADIUS fronts: keyed by an opaque
 * string (Diameter Session-Id, RADIUS State...), with a hard cap and expiry.
 *
 * - A Map keeps insertion order; `insert` and `touch` move an entry to the end, so entries are
 *   ordered by expiry (one timeout for the whole table) and `sweep` stops at the first live one.
 * - Time comes from an injected clock; expiry runs from `sweep(now)` or one unref'd interval timer
 *   (`startSweeper`), never per-entry timers. `get` hides expired entries even before a sweep.
 * - At the cap, `insert` first sweeps, then refuses ("too_busy") without allocating anything.
 */
export type SessionTableOptions<V> = {
  /** Hard limit of live conversations. */
  maxEntries: number;
  /** Idle time after which a conversation expires (ms). */
  timeoutMs: number;
  /** Clock in ms; Date.now by default. */
  now?: () => number;
  /** Called for each entry removed by expiry (e.g. to count timeouts). */
  onExpire?: (key: string, value: V) => void;
};

export type InsertResult = { ok: true } | { ok: false; reason: 'too_busy' };

type Entry<V> = { value: V; expiresAt: number };

const INSERTED: InsertResult = { ok: true };

export class SessionTable<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #max: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #onExpire: ((key: string, value: V) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** A lower bound of the first entry's expiry: `sweep` before it has nothing to do (no iterator). */
  #earliestExpiry = Number.POSITIVE_INFINITY;

  constructor(opts: SessionTableOptions<V>) {
    if (!(opts.maxEntries > 0) || !(opts.timeoutMs > 0))
      throw new RangeError('SessionTable needs maxEntries > 0 and timeoutMs > 0');
    this.#max = opts.maxEntries;
    this.#timeoutMs = opts.timeoutMs;
    this.#now = opts.now ?? Date.now;
    this.#onExpire = opts.onExpire;
  }

  /** Live and not-yet-swept entries, for metrics. */
  get size(): number {
    return this.#entries.size;
  }

  /** Adds or replaces `key` with a fresh timeout; refuses a new key when the table is full. */
  insert(key: string, value: V): InsertResult {
    const now = this.#now();
    const existing = this.#entries.get(key);
    if (existing === undefined && this.#entries.size >= this.#max) {
      this.sweep(now);
      if (this.#entries.size >= this.#max) return { ok: false, reason: 'too_busy' };
    }
    if (existing !== undefined) this.#entries.delete(key);
    const expiresAt = now + this.#timeoutMs;
    this.#entries.set(key, { value, expiresAt });
    if (expiresAt < this.#earliestExpiry) this.#earliestExpiry = expiresAt;
    return INSERTED;
  }

  /** The live value for `key` (an expired one reads as absent). */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt <= this.#now()) return undefined;
    return entry.value;
  }

  /** Restarts `key`'s timeout (a new round of the conversation); false when absent or expired. */
  touch(key: string): boolean {
    const entry = this.#entries.get(key);
    const now = this.#now();
    if (entry === undefined || entry.expiresAt <= now) return false;
    this.#entries.delete(key);
    entry.expiresAt = now + this.#timeoutMs;
    this.#entries.set(key, entry);
    return true;
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Removes expired entries (oldest first, stopping at the first live one); returns how many. */
  sweep(now: number = this.#now()): number {
    if (now < this.#earliestExpiry) return 0;
    let removed = 0;
    this.#earliestExpiry = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) {
        this.#earliestExpiry = entry.expiresAt;
        break;
      }
      this.#entries.delete(key);
      removed++;
      this.#onExpire?.(key, entry.value);
    }
    return removed;
  }

  /** One unref'd interval timer that sweeps; idempotent. */
  startSweeper(intervalMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.sweep(), intervalMs);
    this.#timer.unref();
  }

  stopSweeper(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
