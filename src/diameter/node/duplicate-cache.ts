import { monotonicClock, type Clock } from '../../util/clock.js';
import { AnswerChunks, NO_CHUNK } from '../../util/answer-chunks.js';
import { CountedIds } from '../../util/counted-ids.js';
import { NO_SLOT, SlotBuckets } from '../../util/slot-buckets.js';

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
  /** Already answered: resend a copy of this answer (with the new request's Hop-by-Hop id). */
  | { readonly kind: 'answered'; readonly answer: Buffer };

const PENDING: DuplicateStatus = { kind: 'pending' };
const NEW: DuplicateStatus = { kind: 'new' };
/** `#hostOf` of a slot that holds no entry (evicted, abandoned or replaced). */
const DEAD = -1;
const NOT_FOUND = -1;

/**
 * Duplicate request detection (RFC 6733 §5.5.4, §3): "The combination of the Origin-Host and
 * [the End-to-End Identifier] is used to detect duplicates. Duplicate requests SHOULD cause the
 * same answer to be transmitted [...], and they MUST NOT affect any state that was set when the
 * original request was processed."
 *
 * Built to keep no JavaScript object per entry, because every entry outlives several young-
 * generation collections (the cache holds the last few minutes of answers: at thousands of
 * requests per second, 200k entries): each surviving object is copied by the garbage collector,
 * which made the cache the largest share of eapd's GC time and of its latency tail.
 * - Entries are slots of a ring of typed arrays, in `begin()` order (oldest at the tail).
 * - Origin-Hosts are interned to small ids; hash buckets over the slots (SlotBuckets) by host id
 *   and End-to-End id, a match comparing both. (One Map<number, number> per host before: at 200k
 *   entries its five operations per request missed the CPU caches.)
 * - Answers are copied into shared chunks (AnswerChunks), not kept as one Buffer each.
 *
 * Expiry and oldest-first eviction both pop from the tail: every operation is O(1) amortised, and
 * no timer exists per entry. An answer restarts its entry's TTL in place (a few milliseconds after
 * `begin()`), so an entry behind it may expire up to one processing time late, never early.
 * Memory is bounded by `maxEntries` (slots, abandoned ones included until they reach the tail) and
 * `maxBytes` (answer bytes); under pressure the oldest entries go first even if younger than the
 * TTL (`evictions` counts them, for a metric).
 */
export class DuplicateCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #clock: Clock;

  // The slot ring: [#tail, #tail + #used) modulo #maxEntries.
  readonly #endToEnd: Int32Array;
  readonly #hostOf: Int32Array;
  readonly #expiresAt: Float64Array;
  readonly #chunkOf: Int32Array;
  readonly #answerAt: Int32Array;
  readonly #answerLength: Int32Array;
  #tail = 0;
  #used = 0;
  #live = 0;

  readonly #buckets: SlotBuckets;

  /** Origin-Host → id, freed with its last entry. */
  readonly #hosts = new CountedIds();

  readonly #answers = new AnswerChunks();
  #bytes = 0;
  #evictions = 0;
  /** A lower bound of the tail entry's expiry: before it, `#expire` has nothing to do. */
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
    const n = this.#maxEntries;
    this.#endToEnd = new Int32Array(n);
    this.#hostOf = new Int32Array(n).fill(DEAD);
    this.#expiresAt = new Float64Array(n);
    this.#chunkOf = new Int32Array(n).fill(NO_CHUNK);
    this.#answerAt = new Int32Array(n);
    this.#answerLength = new Int32Array(n);
    this.#buckets = new SlotBuckets(n);
  }

  /** Entries held (pending and answered). */
  get size(): number {
    return this.#live;
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
    const slot = this.#find(originHost, endToEndId);
    if (slot !== NOT_FOUND) return this.#status(slot);
    this.#insert(originHost, endToEndId, now);
    return NEW;
  }

  /** Looks the request up without marking anything. */
  peek(originHost: string, endToEndId: number): DuplicateStatus {
    this.#expire();
    const slot = this.#find(originHost, endToEndId);
    return slot === NOT_FOUND ? NEW : this.#status(slot);
  }

  /**
   * Stores (a copy of) the answer sent for the request; the entry's TTL restarts now. Returns
   * false (and forgets the request) when the answer alone is larger than `maxBytes`.
   */
  complete(originHost: string, endToEndId: number, answer: Buffer): boolean {
    const now = this.#expire();
    let slot = this.#find(originHost, endToEndId);
    if (answer.length > this.#maxBytes) {
      if (slot !== NOT_FOUND) this.#kill(slot);
      return false;
    }
    // An answer already stored is replaced by a new entry (the usual case is a pending one).
    if (slot !== NOT_FOUND && this.#chunkOf[slot] !== NO_CHUNK) {
      this.#kill(slot);
      slot = NOT_FOUND;
    }
    while (this.#bytes + answer.length > this.#maxBytes) this.#evictTail();
    // Making room may have evicted the pending entry itself: then it starts afresh.
    if (slot === NOT_FOUND || this.#hostOf[slot] === DEAD) slot = this.#insert(originHost, endToEndId, now);
    this.#chunkOf[slot] = this.#answers.store(answer);
    this.#answerAt[slot] = this.#answers.lastOffset;
    this.#answerLength[slot] = answer.length;
    this.#expiresAt[slot] = now + this.#ttlMs;
    this.#bytes += answer.length;
    return true;
  }

  /** Forgets a pending request whose processing ended without an answer worth repeating. */
  abandon(originHost: string, endToEndId: number): void {
    const slot = this.#find(originHost, endToEndId);
    if (slot !== NOT_FOUND && this.#chunkOf[slot] === NO_CHUNK) this.#kill(slot);
  }

  #status(slot: number): DuplicateStatus {
    const chunk = this.#chunkOf[slot]!;
    if (chunk === NO_CHUNK) return PENDING;
    return {
      kind: 'answered',
      answer: this.#answers.view(chunk, this.#answerAt[slot]!, this.#answerLength[slot]!),
    };
  }

  #find(originHost: string, endToEndId: number): number {
    const host = this.#hosts.idOf(originHost);
    if (host === undefined) return NOT_FOUND;
    const e2e = endToEndId | 0;
    const buckets = this.#buckets;
    let slot = buckets.first(this.#bucketOf(host, e2e));
    while (slot !== NO_SLOT) {
      if (this.#endToEnd[slot] === e2e && this.#hostOf[slot] === host) return slot;
      slot = buckets.next(slot);
    }
    return NOT_FOUND;
  }

  #bucketOf(host: number, e2e: number): number {
    return this.#buckets.bucketOf(e2e ^ Math.imul(host, 0x85ebca6b));
  }

  /** A new pending entry at the head of the ring (evicting the tail when the ring is full). */
  #insert(originHost: string, endToEndId: number, now: number): number {
    if (this.#used === this.#maxEntries) this.#evictTail();
    const slot = (this.#tail + this.#used) % this.#maxEntries;
    this.#used += 1;
    const host = this.#hosts.acquire(originHost);
    const e2e = endToEndId | 0;
    this.#buckets.link(slot, this.#bucketOf(host, e2e));
    this.#hostOf[slot] = host;
    this.#endToEnd[slot] = e2e;
    this.#chunkOf[slot] = NO_CHUNK;
    const expiresAt = now + this.#ttlMs;
    this.#expiresAt[slot] = expiresAt;
    if (expiresAt < this.#earliestExpiry) this.#earliestExpiry = expiresAt;
    this.#live += 1;
    return slot;
  }

  /** Removes a live entry (its slot stays in the ring, dead, until it reaches the tail). */
  #kill(slot: number): void {
    const host = this.#hostOf[slot]!;
    if (host === DEAD) return;
    this.#buckets.unlink(slot, this.#bucketOf(host, this.#endToEnd[slot]!));
    this.#hosts.release(host);
    const chunk = this.#chunkOf[slot]!;
    if (chunk !== NO_CHUNK) {
      this.#bytes -= this.#answerLength[slot]!;
      this.#answers.release(chunk);
      this.#chunkOf[slot] = NO_CHUNK;
    }
    this.#hostOf[slot] = DEAD;
    this.#live -= 1;
  }

  /** Pops the tail slot; a live entry popped this way is an eviction. */
  #evictTail(): void {
    const slot = this.#tail;
    if (this.#hostOf[slot] !== DEAD) {
      this.#kill(slot);
      this.#evictions += 1;
    }
    this.#pop();
  }

  #pop(): void {
    this.#tail = (this.#tail + 1) % this.#maxEntries;
    this.#used -= 1;
  }

  /** Drops expired entries (and dead slots) from the tail; returns the current time. */
  #expire(): number {
    const now = this.#clock.now();
    if (now < this.#earliestExpiry) return now;
    this.#earliestExpiry = Number.POSITIVE_INFINITY;
    while (this.#used > 0) {
      const slot = this.#tail;
      if (this.#hostOf[slot] !== DEAD) {
        const expiresAt = this.#expiresAt[slot]!;
        if (expiresAt > now) {
          this.#earliestExpiry = expiresAt;
          break;
        }
        this.#kill(slot);
      }
      this.#pop();
    }
    return now;
  }
}
