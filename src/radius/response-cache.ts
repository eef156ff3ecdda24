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
  response: Buffer | undefined;
  code: number;
  readonly expiresAt: number;
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

/** Entries in insertion order (all share one TTL), so expiry and eviction take from the front. */
export class ResponseCache {
  readonly #entries = new Map<string, Entry>();
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
      this.#entries.delete(key);
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
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, {
      response: undefined,
      code: 0,
      expiresAt: this.#options.clock.now() + this.#options.ttlMs,
    });
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
    if (entry?.response === undefined) this.#entries.delete(key);
  }

  /** Removes expired responses from the front. Pending entries stay until completed or abandoned. */
  sweep(): void {
    const now = this.#options.clock.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) break;
      if (entry.response !== undefined) this.#entries.delete(key);
    }
  }
}
