// Duplicate detection (RFC 5080 §2.2.2): a retransmitted Access-Request (same source address
// and port, Identifier and Request Authenticator) gets the response already sent, and the EAP
// state does not move. Bounded in entries and in time.
import type { Clock } from '../util/clock.js';

/** What the cache knows about a request key. */
export type CacheLookup =
  | { readonly kind: 'miss' }
  /** The original is still being processed: drop the duplicate, the answer will follow. */
  | { readonly kind: 'pending' }
  | { readonly kind: 'hit'; readonly response: Buffer; readonly code: number };

interface Entry {
  readonly key: string;
  response: Buffer | undefined;
  code: number;
  readonly expiresAt: number;
  /** Taken out of the map: its queue slot is skipped. */
  removed: boolean;
}

export interface ResponseCacheOptions {
  /** How long a response is replayed (RFC 5080 §2.2.2 suggests the NAS's retransmission window). */
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly clock: Clock;
}

/** The cache key of a request: source, Identifier and Request Authenticator. */
export function requestKey(address: string, port: number, identifier: number, authenticator: Buffer): string {
  return `${address}|${port}|${identifier}|${authenticator.toString('base64')}`;
}

/** Queue slots consumed at the front before the queue array is compacted. */
const COMPACT_AFTER = 1024;
/** The queue may hold this many times maxEntries (live and forgotten) before it is filtered. */
const QUEUE_SLACK = 2;

/**
 * Entries in a Map for lookup and, in insertion order (all share one TTL), in a queue for expiry
 * and eviction, which both take from the front. (Iterating a Map from its front after many
 * deletions walks every deleted slot until V8 rehashes: under load that was ~4 % of eapd's CPU.)
 */
export class ResponseCache {
  readonly #entries = new Map<string, Entry>();
  /** Every entry in insertion order from #head; an entry no longer in the map is skipped. */
  #queue: Entry[] = [];
  #head = 0;
  readonly #options: ResponseCacheOptions;

  constructor(options: ResponseCacheOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  lookup(key: string): CacheLookup {
    const entry = this.#entries.get(key);
    if (entry === undefined) return { kind: 'miss' };
    if (entry.expiresAt <= this.#options.clock.now() && entry.response !== undefined) {
      this.#remove(entry);
      return { kind: 'miss' };
    }
    return entry.response === undefined
      ? { kind: 'pending' }
      : { kind: 'hit', response: entry.response, code: entry.code };
  }

  /** Marks a request as in progress (after a miss). */
  begin(key: string): void {
    this.sweep();
    while (this.#entries.size >= this.#options.maxEntries) {
      const oldest = this.#shift();
      if (oldest === undefined) break;
      this.#remove(oldest);
    }
    const previous = this.#entries.get(key);
    if (previous !== undefined) previous.removed = true;
    const entry: Entry = {
      key,
      response: undefined,
      code: 0,
      expiresAt: this.#options.clock.now() + this.#options.ttlMs,
      removed: false,
    };
    this.#entries.set(key, entry);
    this.#queue.push(entry);
    // Abandoned entries linger in the queue until their slot comes up: keep it bounded.
    if (this.#queue.length - this.#head > QUEUE_SLACK * this.#options.maxEntries) {
      this.#queue = this.#queue.slice(this.#head).filter((e) => !e.removed);
      this.#head = 0;
    }
  }

  /** Stores the response sent for the request. */
  complete(key: string, response: Buffer, code: number): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    entry.response = response;
    entry.code = code;
  }

  /** Forgets a request that got no response (dropped): a retransmission is processed afresh. */
  abandon(key: string): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.response === undefined) this.#remove(entry);
  }

  /** Removes expired responses from the front. Pending entries stay until completed or abandoned. */
  sweep(): void {
    const now = this.#options.clock.now();
    // Expired pending entries go back to the end of the queue; each entry is looked at once.
    for (let n = this.#queue.length - this.#head; n > 0; n--) {
      const entry = this.#queue[this.#head]!;
      if (!entry.removed && entry.expiresAt > now) break;
      this.#dropFront();
      if (entry.removed) continue;
      if (entry.response !== undefined) this.#remove(entry);
      else this.#queue.push(entry);
    }
  }

  #remove(entry: Entry): void {
    this.#entries.delete(entry.key);
    entry.removed = true;
  }

  /** Takes the oldest live entry off the queue (or undefined). */
  #shift(): Entry | undefined {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head]!;
      this.#dropFront();
      if (!entry.removed) return entry;
    }
    return undefined;
  }

  /** Advances past the front slot, compacting the array once half of it is consumed. */
  #dropFront(): void {
    this.#head++;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
