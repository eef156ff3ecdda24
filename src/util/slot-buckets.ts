/** `first`/`next` of an empty bucket or the end of a chain. */
export const NO_SLOT = -1;

/**
 * Hash buckets over the numbered slots of a fixed-size table (the Diameter and RADIUS duplicate
 * caches): a bucket holds its newest slot, each slot the next (older) one of its bucket, both in
 * Int32Arrays. The caller compares its whole key along a bucket's chain. At least two buckets per
 * slot, so chains stay short; a bucket is the top bits of a multiplicative mix of the caller's
 * 32-bit hash (sequential ids spread evenly). A Map from hash to slot cost ~1 µs per request at
 * 10^4-10^5 entries in both caches (operations that missed the CPU caches), this a few array reads.
 */
export class SlotBuckets {
  readonly #first: Int32Array;
  readonly #next: Int32Array;
  /** 32 − log2(bucket count). */
  readonly #shift: number;

  constructor(slots: number) {
    const bits = Math.max(1, Math.ceil(Math.log2(2 * slots)));
    this.#first = new Int32Array(2 ** bits).fill(NO_SLOT);
    this.#next = new Int32Array(slots).fill(NO_SLOT);
    this.#shift = 32 - bits;
  }

  bucketOf(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.#shift;
  }

  /** The newest slot of the bucket, or NO_SLOT. */
  first(bucket: number): number {
    return this.#first[bucket]!;
  }

  /** The next (older) slot of the same bucket, or NO_SLOT. */
  next(slot: number): number {
    return this.#next[slot]!;
  }

  /** Makes `slot` (in no bucket) the bucket's newest. */
  link(slot: number, bucket: number): void {
    this.#next[slot] = this.#first[bucket]!;
    this.#first[bucket] = slot;
  }

  /** Removes `slot` from its bucket (the caller knows it is there). */
  unlink(slot: number, bucket: number): void {
    const next = this.#next[slot]!;
    let previous = this.#first[bucket]!;
    if (previous === slot) {
      this.#first[bucket] = next;
      return;
    }
    while (this.#next[previous] !== slot) previous = this.#next[previous]!;
    this.#next[previous] = next;
  }
}
