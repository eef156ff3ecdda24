import { randomBytes } from 'node:crypto';

/** A source of uniformly distributed unsigned 32-bit integers; injected so tests are deterministic. */
export interface RandomSource {
  uint32(): number;
}

const UINT32_BYTES = 4;

/** Cryptographically strong: identifiers that a peer must not be able to predict come from here. */
export const cryptoRandom: RandomSource = { uint32: () => randomBytes(UINT32_BYTES).readUInt32BE(0) };

/** A deterministic source returning `values` in turn (then repeating): for tests. */
export function sequenceRandom(values: readonly number[]): RandomSource {
  if (values.length === 0) throw new RangeError('sequenceRandom: needs at least one value');
  let i = 0;
  return {
    uint32: () => {
      const v = values[i % values.length]!;
      i += 1;
      return v >>> 0;
    },
  };
}
