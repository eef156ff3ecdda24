import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG per refill: one call serves ~100 draws of 16-40 octets. */
export const RANDOM_POOL_BYTES = 4096;

/**
 * A cryptographically secure random source that amortises the CSPRNG call: one `randomFillSync`
 * fills a pool, and each draw copies the next unused `n` octets out of it. Octets are never handed
 * out twice, and every returned Buffer is a fresh copy the caller owns (wiping or altering it
 * cannot touch the pool or another draw). Draws larger than the pool go to the CSPRNG directly.
 *
 * Same contract as `crypto.randomBytes(n)`, for hot paths that draw a few octets per message
 * (Diameter State, EAP-PSK RAND_S, EAP Identifiers, RADIUS salts).
 */
export function createRandomPool(poolBytes: number = RANDOM_POOL_BYTES): (n: number) => Buffer {
  if (!Number.isInteger(poolBytes) || poolBytes <= 0)
    throw new RangeError(`random pool size must be a positive integer, got ${poolBytes}`);
  const pool = Buffer.allocUnsafeSlow(poolBytes);
  let next = poolBytes;
  return (n: number): Buffer => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`cannot draw ${n} random octets`);
    if (n > poolBytes) return randomFillSync(Buffer.allocUnsafe(n));
    if (next + n > poolBytes) {
      randomFillSync(pool);
      next = 0;
    }
    const out = Buffer.allocUnsafe(n);
    pool.copy(out, 0, next, next + n);
    // The handed-out octets are not left behind in the pool.
    pool.fill(0, next, next + n);
    next += n;
    return out;
  };
}
