/** Distinct strings kept; beyond it a new string is returned as is (never an error). */
export const MAX_INTERNED = 1024;

/**
 * Shares one copy of strings that repeat across many long-lived records (a NAS's Origin-Host and
 * Origin-Realm in every conversation it opens): each DER decodes a fresh copy, so without this
 * 100k conversations from one NAS hold 100k equal strings. Bounded: a peer sending ever-new names
 * fills it once, then gets no sharing.
 */
export class Interned {
  readonly #strings = new Map<string, string>();
  readonly #max: number;

  constructor(maxEntries: number = MAX_INTERNED) {
    this.#max = maxEntries;
  }

  /** Distinct strings held. */
  get size(): number {
    return this.#strings.size;
  }

  /** The shared copy of `s` (s itself the first time). */
  get(s: string): string {
    const shared = this.#strings.get(s);
    if (shared !== undefined) return shared;
    if (this.#strings.size < this.#max) this.#strings.set(s, s);
    return s;
  }
}
