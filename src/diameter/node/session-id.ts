import { wallClock, type Clock } from '../../util/clock.js';

const UINT32_MODULUS = 0x1_0000_0000;
const MS_PER_SECOND = 1000;
/** Seconds from the NTP era 0 origin (1900-01-01) to the Unix epoch (RFC 5905 §6). */
const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;
const SEPARATOR = ';';

/**
 * Session-Id generation (RFC 6733 §8.8):
 *
 *   <DiameterIdentity>;<high 32 bits>;<low 32 bits>[;<optional value>]
 *
 * "The high and low 32 bits MAY be decimal representations of the high and low 32 bits of a
 * monotonically increasing 64-bit value. [...] At startup, the high 32 bits of the 64-bit value
 * MAY be initialized to the time in NTP format, and the low 32 bits MAY be initialized to zero.
 * This will for practical purposes eliminate the possibility of overlapping Session-Ids after a
 * reboot, assuming the reboot process takes longer than a second."
 *
 * That is what this does: high = NTP seconds at construction, low = 0, +1 per id with carry.
 */
export class SessionIdGenerator {
  readonly #identity: string;
  #high: number;
  #low = 0;

  /** `identity` is our Origin-Host (the Session-Id MUST begin with the sender's identity). */
  constructor(identity: string, clock: Clock = wallClock) {
    if (identity.length === 0 || identity.includes(SEPARATOR)) {
      throw new RangeError(`SessionIdGenerator: "${identity}" is not a DiameterIdentity`);
    }
    this.#identity = identity;
    this.#high = (Math.floor(clock.now() / MS_PER_SECOND) + NTP_UNIX_OFFSET_SECONDS) % UINT32_MODULUS;
  }

  /** The next Session-Id; `optional` (implementation-specific, may contain ';') is appended. */
  next(optional?: string): string {
    const id = `${this.#identity}${SEPARATOR}${this.#high}${SEPARATOR}${this.#low}`;
    this.#low += 1;
    if (this.#low === UINT32_MODULUS) {
      this.#low = 0;
      this.#high = (this.#high + 1) % UINT32_MODULUS;
    }
    return optional === undefined ? id : `${id}${SEPARATOR}${optional}`;
  }
}

/**
 * The DiameterIdentity a Session-Id begins with (RFC 6733 §8.8), i.e. everything before the
 * first ';'. Session-Ids from other implementations are opaque beyond that (a RADIUS gateway may
 * put a whole User-Name there), so nothing else is parsed.
 */
export function sessionIdOrigin(sessionId: string): string {
  const end = sessionId.indexOf(SEPARATOR);
  return end === -1 ? sessionId : sessionId.substring(0, end);
}
