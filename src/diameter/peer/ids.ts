import { wallClock, type Clock } from '../../util/clock.js';
import { cryptoRandom, type RandomSource } from '../../util/random.js';

const UINT32_MODULUS = 0x1_0000_0000;
const MS_PER_SECOND = 1000;
/** RFC 6733 §3: high 12 bits from the time, low 20 bits random. */
const E2E_RANDOM_BITS = 20;
const E2E_TIME_MASK = 0xfff;
const E2E_RANDOM_MASK = 0xfffff;

/**
 * Hop-by-Hop Identifiers for one connection (RFC 6733 §3): "The sender MUST ensure that the
 * Hop-by-Hop Identifier in a request is unique on a given connection at any given time". Each
 * connection gets its own generator: a random start, then +1 per request (mod 2^32), so ids
 * repeat only after 2^32 requests on that connection. Answers carrying an id this connection
 * never issued are discarded by the caller (§6.2).
 */
export class HopByHopIds {
  #next: number;

  constructor(random: RandomSource = cryptoRandom) {
    this.#next = random.uint32() >>> 0;
  }

  next(): number {
    const id = this.#next;
    this.#next = (id + 1) % UINT32_MODULUS;
    return id;
  }
}

/**
 * End-to-End Identifiers for this node (RFC 6733 §3): unique for at least 4 minutes, even across
 * reboots. "Implementations MAY set the high order 12 bits to contain the low order 12 bits of
 * current time, and the low order 20 bits to a random value." The start is built that way, then
 * each request takes the next value (mod 2^32): 2^20 requests within one second would be needed
 * before a restart could reissue a recent id. One generator per node, shared by all connections.
 */
export class EndToEndIds {
  #next: number;

  constructor(clock: Clock = wallClock, random: RandomSource = cryptoRandom) {
    const seconds = Math.floor(clock.now() / MS_PER_SECOND);
    const high = (seconds & E2E_TIME_MASK) << E2E_RANDOM_BITS;
    this.#next = (high | (random.uint32() & E2E_RANDOM_MASK)) >>> 0;
  }

  next(): number {
    const id = this.#next;
    this.#next = (id + 1) % UINT32_MODULUS;
    return id;
  }
}
