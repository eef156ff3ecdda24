/**
 * Strings (a duplicate cache's Origin-Hosts or NAS addresses) mapped to small integer ids that a
 * typed-array table can store, each id counting the entries that hold it: the id is freed, and
 * reused, with its last holder. A few distinct strings in practice; nothing is kept per entry.
 */
export class CountedIds {
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];
  readonly #holders: number[] = [];
  readonly #free: number[] = [];

  /** The id of `name` while some entry holds it, else undefined. */
  idOf(name: string): number | undefined {
    return this.#ids.get(name);
  }

  /** The id of `name` (a new or freed one if nothing holds it), counting one more holder. */
  acquire(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#free.pop() ?? this.#names.length;
      this.#ids.set(name, id);
      this.#names[id] = name;
      this.#holders[id] = 0;
    }
    this.#holders[id]! += 1;
    return id;
  }

  /** One holder of `id` fewer; the id is freed with the last. */
  release(id: number): void {
    if ((this.#holders[id]! -= 1) > 0) return;
    this.#ids.delete(this.#names[id]!);
    this.#free.push(id);
  }
}
