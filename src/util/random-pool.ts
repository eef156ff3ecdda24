import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG per refill: one call serves ~100 draws of 16-40 octets. */
export const RANDOM_POOL_BYTES = 4096;

/**
 * A cryptographically secure random source that amortises the CSPRNG call: one `randomFillSync`
 * fills a pool, and each draw copies the next unused octets out of it. Octets are never handed
 * out twice (the pool is refilled, never reused, and handed-out octets are erased from it), and
 * every draw lands in memory the caller owns. Draws larger than the pool go to the CSPRNG
 * directly. Same contract as `crypto.randomBytes` / `randomFillSync`, for hot paths that draw a
 * few octets per message (Diameter State, EAP-PSK RAND_S, RADIUS Request Authenticators, State and
 * MS-MPPE salts).
 */
export class RandomPool {
  readonly #pool: Buffer;
  #next: number;

  constructor(poolBytes: number = RANDOM_POOL_BYTES) {
    if (!Number.isInteger(poolBytes) || poolBytes <= 0)
      throw new RangeError(`random pool size must be a positive integer, got ${poolBytes}`);
    this.#pool = Buffer.allocUnsafeSlow(poolBytes);
    this.#next = poolBytes;
  }

  /** Writes `length` fresh random octets into `target` at `offset`. */
  fill(target: Buffer, offset: number, length: number): void {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`cannot draw ${length} random octets`);
    const pool = this.#pool;
    if (length > pool.length) {
      randomFillSync(target, offset, length);
      return;
    }
    if (this.#next + length > pool.length) {
      randomFillSync(pool);
      this.#next = 0;
    }
    pool.copy(target, offset, this.#next, this.#next + length);
    pool.fill(0, this.#next, this.#next + length);
    this.#next += length;
  }

  /** `length` fresh random octets in a Buffer of their own. */
  draw(length: number): Buffer {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`cannot draw ${length} random octets`);
    const out = Buffer.allocUnsafe(length);
    this.fill(out, 0, length);
    return out;
  }
}

/** A `randomBytes`-shaped function over a pool of its own. */
export function createRandomPool(poolBytes: number = RANDOM_POOL_BYTES): (n: number) => Buffer {
  const pool = new RandomPool(poolBytes);
  return (n: number): Buffer => pool.draw(n);
}

const shared = new RandomPool();

/** Writes `length` fresh random octets into `target` at `offset` (the process-wide pool). */
export function fillRandom(target: Buffer, offset: number, length: number): void {
  shared.fill(target, offset, length);
}

/** `length` fresh random octets in a Buffer of their own (the process-wide pool). */
export function randomOctets(length: number): Buffer {
  return shared.draw(length);
}
