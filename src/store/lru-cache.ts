const NONE = -1;

/**
 * A bounded least-recently-used map.
 *
 * Recency lives in a doubly linked list of slot numbers held in two Int32Arrays, not in a Map's
 * insertion order: a hit only relinks two integers, and eviction takes the list's oldest slot.
 * (A Map in recency order, a hit moved to the end by delete and set, leaves a deleted entry behind
 * for every hit and eviction until V8 rebuilds the table, and its first key is found by walking
 * them: once the cache is full, every miss paid that walk. When more devices authenticate than
 * the cache holds, as after a power cut, that was 3.3 µs per miss at 10k entries and 25 µs at
 * 100k, against 0.13 and 0.39 µs here.) The Map from key to slot changes only on a miss.
 * The arrays grow by doubling up to the bound, so a small cache costs little.
 */
export class LruCache<K, V> {
  readonly #max: number;
  readonly #slots = new Map<K, number>();
  #keys: (K | undefined)[] = [];
  #values: (V | undefined)[] = [];
  /** Towards the older neighbour, and towards the newer one. */
  #older = new Int32Array(0);
  #newer = new Int32Array(0);
  /** Most and least recently used slots. */
  #newest = NONE;
  #oldest = NONE;
  /** Slots freed by `delete`, reused before new ones. */
  readonly #free: number[] = [];

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new RangeError(`bad LRU size ${maxEntries}`);
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#slots.size;
  }

  get(key: K): V | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (slot !== this.#newest) {
      this.#unlink(slot);
      this.#linkNewest(slot);
    }
    return this.#values[slot];
  }

  set(key: K, value: V): void {
    if (this.#max === 0) return;
    const existing = this.#slots.get(key);
    if (existing !== undefined) {
      this.#values[existing] = value;
      if (existing !== this.#newest) {
        this.#unlink(existing);
        this.#linkNewest(existing);
      }
      return;
    }
    let slot: number;
    if (this.#slots.size >= this.#max) {
      // Full: the oldest entry's slot is reused in place.
      slot = this.#oldest;
      this.#slots.delete(this.#keys[slot]!);
      this.#unlink(slot);
    } else {
      slot = this.#free.pop() ?? this.#grow();
    }
    this.#keys[slot] = key;
    this.#values[slot] = value;
    this.#slots.set(key, slot);
    this.#linkNewest(slot);
  }

  delete(key: K): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    this.#slots.delete(key);
    this.#unlink(slot);
    this.#keys[slot] = undefined;
    this.#values[slot] = undefined;
    this.#free.push(slot);
  }

  clear(): void {
    this.#slots.clear();
    this.#keys = [];
    this.#values = [];
    this.#older = new Int32Array(0);
    this.#newer = new Int32Array(0);
    this.#newest = NONE;
    this.#oldest = NONE;
    this.#free.length = 0;
  }

  /** A slot never used before; the link arrays double when they are full (never beyond the bound). */
  #grow(): number {
    const slot = this.#keys.length;
    if (slot === this.#older.length) {
      const capacity = Math.min(this.#max, Math.max(16, slot * 2));
      const older = new Int32Array(capacity);
      const newer = new Int32Array(capacity);
      older.set(this.#older);
      newer.set(this.#newer);
      this.#older = older;
      this.#newer = newer;
    }
    this.#keys.push(undefined);
    this.#values.push(undefined);
    return slot;
  }

  #unlink(slot: number): void {
    const older = this.#older[slot]!;
    const newer = this.#newer[slot]!;
    if (older === NONE) this.#oldest = newer;
    else this.#newer[older] = newer;
    if (newer === NONE) this.#newest = older;
    else this.#older[newer] = older;
  }

  #linkNewest(slot: number): void {
    this.#older[slot] = this.#newest;
    this.#newer[slot] = NONE;
    if (this.#newest === NONE) this.#oldest = slot;
    else this.#newer[this.#newest] = slot;
    this.#newest = slot;
  }
}
