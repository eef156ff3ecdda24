import { monotonicClock, type Clock } from '../../util/clock.js';

/** RFC 6733 §5.5.4 / notes: keep answers at least 4 minutes (the End-to-End uniqueness window). */
export const DEFAULT_DUPLICATE_TTL_MS = 240_000;
export const DEFAULT_DUPLICATE_MAX_ENTRIES = 100_000;
export const DEFAULT_DUPLICATE_MAX_BYTES = 64 * 1024 * 1024;

export interface DuplicateCacheOptions {
  /** How long an entry (pending or answered) is kept; default 4 minutes. */
  readonly ttlMs?: number;
  /** Upper bound on entries (pending ones included). */
  readonly maxEntries?: number;
  /** Upper bound on the summed byte length of stored answers. */
  readonly maxBytes?: number;
  /** Monotonic milliseconds; expiry is driven by it, never by timers. */
  readonly clock?: Clock;
}

/** What `begin()` found for a request's (Origin-Host, End-to-End) pair. */
export type DuplicateStatus =
  /** First time seen: it is now marked pending; call `complete()` or `abandon()` later. */
  | { readonly kind: 'new' }
  /** The first copy is still being processed: the caller drops this one or waits. */
  | { readonly kind: 'pending' }
  /** Already answered: resend this answer (with the new request's Hop-by-Hop id). */
  | { readonly kind: 'answered'; readonly answer: Buffer };

interface Entry {
  answer: Buffer | undefined;
  expiresAt: number;
}

const PENDING: DuplicateStatus = { kind: 'pending' };
const NEW: DuplicateStatus = { kind: 'new' };

/**
 * Duplicate request detection (RFC 6733 §5.5.4, §3): "The combination of the Origin-Host and
 * [the End-to-End Identifier] is used to detect duplicates. Duplicate requests SHOULD cause the
 * same answer to be transmitted [...], and they MUST NOT affect any state that was set when the
 * original request was processed."
 *
 * Entries live in one Map whose insertion order is (nearly) expiry order (constant TTL, monotonic
 * clock; the answer of a pending entry restarts its TTL in place, a few milliseconds after its
 * insertion), so expiry and oldest-first eviction both pop from the front: every operation is O(1) amortised, and no timer exists per
 * entry. Memory is bounded by `maxEntries` and `maxBytes`; under pressure the oldest entries go
 * first even if younger than the TTL (`evictions` counts them, for a metric).
 *
 * Stored answers are not copied: pass a Buffer that owns its memory (a subarray of a big pooled
 * buffer would pin the whole pool while it is cached).
 */
export class DuplicateCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #evictions = 0;
  /** A lower bound of the first entry's expiry: before it, `#expire` has nothing to do. */
  #earliestExpiry = Number.POSITIVE_INFINITY;

  constructor(options: DuplicateCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_DUPLICATE_TTL_MS;
    this.#maxEntries = options.maxEntries ?? DEFAULT_DUPLICATE_MAX_ENTRIES;
    this.#maxBytes = options.maxBytes ?? DEFAULT_DUPLICATE_MAX_BYTES;
    this.#clock = options.clock ?? monotonicClock;
    for (const [name, v] of [
      ['ttlMs', this.#ttlMs],
      ['maxEntries', this.#maxEntries],
      ['maxBytes', this.#maxBytes],
    ] as const) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`DuplicateCache: ${name} must be a positive integer`);
    }
  }

  /** Entries held (pending and answered). */
  get size(): number {
    return this.#entries.size;
  }

  /** Summed byte length of the stored answers. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Entries dropped before their TTL to respect the bounds. */
  get evictions(): number {
    return this.#evictions;
  }

  /**
   * Looks the request up and, when it is new, marks it pending in the same step (so two copies
   * arriving back to back cannot both be processed).
   */
  begin(originHost: string, endToEndId: number): DuplicateStatus {
    const now = this.#expire();
    const key = keyOf(originHost, endToEndId);
    const found = this.#entries.get(key);
    if (found !== undefined)
      return found.answer === undefined ? PENDING : { kind: 'answered', answer: found.answer };
    this.#makeRoom(1, 0);
    this.#insert(key, undefined, now);
    return NEW;
  }

  /** Looks the request up without marking anything. */
  peek(originHost: string, endToEndId: number): DuplicateStatus {
    this.#expire();
    const found = this.#entries.get(keyOf(originHost, endToEndId));
    if (found === undefined) return NEW;
    return found.answer === undefined ? PENDING : { kind: 'answered', answer: found.answer };
  }

  /**
   * Stores the answer sent for the request; the entry's TTL restarts now. Returns false (and
   * forgets the request) when the answer alone is larger than `maxBytes`.
   */
  complete(originHost: string, endToEndId: number, answer: Buffer): boolean {
    const now = this.#expire();
    const key = keyOf(originHost, endToEndId);
    if (answer.length > this.#maxBytes) {
      this.#remove(key);
      return false;
    }
    const pending = this.#entries.get(key);
    if (pending !== undefined && pending.answer === undefined) {
      // The usual case, begin() then complete(): the entry is updated where it is. The Map stays in
      // begin() order, so an entry behind this one may expire up to one processing time late (never
      // early); the bounds hold exactly.
      this.#makeRoom(0, answer.length);
      if (this.#entries.get(key) === pending) {
        pending.answer = answer;
        pending.expiresAt = now + this.#ttlMs;
        this.#bytes += answer.length;
        return true;
      }
    } else this.#remove(key);
    this.#makeRoom(1, answer.length);
    this.#insert(key, answer, now);
    this.#bytes += answer.length;
    return true;
  }

  /** Forgets a pending request whose processing ended without an answer worth repeating. */
  abandon(originHost: string, endToEndId: number): void {
    const key = keyOf(originHost, endToEndId);
    if (this.#entries.get(key)?.answer === undefined) this.#remove(key);
  }

  #insert(key: string, answer: Buffer | undefined, now: number): void {
    const expiresAt = now + this.#ttlMs;
    this.#entries.set(key, { answer, expiresAt });
    if (expiresAt < this.#earliestExpiry) this.#earliestExpiry = expiresAt;
  }

  /** Drops expired entries from the front; returns the current time. */
  #expire(): number {
    const now = this.#clock.now();
    if (now < this.#earliestExpiry) return now;
    this.#earliestExpiry = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) {
        this.#earliestExpiry = entry.expiresAt;
        break;
      }
      this.#remove(key);
    }
    return now;
  }

  #fits(entries: number, bytes: number): boolean {
    return this.#entries.size + entries <= this.#maxEntries && this.#bytes + bytes <= this.#maxBytes;
  }

  /** Evicts oldest-first until `entries` more entries and `bytes` more bytes fit. */
  #makeRoom(entries: number, bytes: number): void {
    if (this.#fits(entries, bytes)) return;
    for (const key of this.#entries.keys()) {
      if (this.#fits(entries, bytes)) return;
      this.#remove(key);
      this.#evictions += 1;
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    if (entry.answer !== undefined) this.#bytes -= entry.answer.length;
  }
}

/** The End-to-End id first: it varies most, and cannot contain the separator. */
function keyOf(originHost: string, endToEndId: number): string {
  return `${endToEndId >>> 0} ${originHost}`;
}
