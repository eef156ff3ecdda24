/**
 * Diameter sessions after a successful authentication (RFC 6733 §8: the server's view of an
 * authorization session with Auth-Session-State STATE_MAINTAINED). What ASR/RAR need to reach
 * the NAS: its Origin-Host/Realm (Destination-Host/Realm of our request) and the connected peer
 * that relayed the DER (the hop to send through).
 */
export interface AuthorizedSession {
  readonly sessionId: string;
  /** The authenticated identity (EAP-PSK ID_P). */
  readonly identity: string;
  /** The DER's Origin-Host: the NAS (or RADIUS gateway) that holds the session. */
  readonly nasHost: string;
  /** The DER's Origin-Realm. */
  readonly nasRealm: string;
  /** The connected peer the DER arrived from (ctx.peer.originHost): where ASR/RAR are sent. */
  readonly viaPeer: string;
  /** Wall-clock ms when the session was authorized. */
  readonly since: number;
}

/** Queue slots consumed at the front before the queue array is compacted. */
const COMPACT_AFTER = 1024;
/** The queue may hold this many times the bound (live and forgotten entries) before it is filtered. */
const QUEUE_SLACK = 2;

/**
 * A bounded table Session-Id → AuthorizedSession, in insertion order. At the bound the
 * oldest session is forgotten (no ASR is sent for it: the NAS still ends it with an STR, which
 * then gets 5002). A re-authentication under the same Session-Id replaces the entry.
 *
 * The oldest session is found in a queue of the entries in insertion order, not at the front of
 * the Map: V8 leaves a hole in a Map's order for every deletion until it rebuilds the table, and
 * the first key is found by walking them. At the bound every authentication deletes one entry,
 * and that walk was the table's main cost under load.
 */
export class AuthorizedSessions {
  readonly #max: number;
  readonly #bySession = new Map<string, AuthorizedSession>();
  /** Entries in insertion order from #head; one no longer in #bySession is skipped. */
  #order: AuthorizedSession[] = [];
  #head = 0;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries <= 0)
      throw new RangeError(`AuthorizedSessions needs a positive bound, got ${maxEntries}`);
    this.#max = maxEntries;
  }

  get size(): number {
    return this.#bySession.size;
  }

  add(session: AuthorizedSession): void {
    this.remove(session.sessionId);
    if (this.#bySession.size >= this.#max) this.#removeOldest();
    this.#bySession.set(session.sessionId, session);
    this.#order.push(session);
    if (this.#order.length - this.#head > QUEUE_SLACK * this.#max) {
      // Entries removed by STR, ASR or replacement linger in the queue: keep it bounded.
      this.#order = this.#order.slice(this.#head).filter((s) => this.#bySession.get(s.sessionId) === s);
      this.#head = 0;
    }
  }

  get(sessionId: string): AuthorizedSession | undefined {
    return this.#bySession.get(sessionId);
  }

  /**
   * Every session of one identity, oldest first: a walk over the queue (an operator's ASR or RAR
   * by identity; a few milliseconds at 100k sessions), so that authentications keep no index.
   */
  byIdentity(identity: string): AuthorizedSession[] {
    const out: AuthorizedSession[] = [];
    for (let i = this.#head; i < this.#order.length; i++) {
      const s = this.#order[i]!;
      if (s.identity === identity && this.#bySession.get(s.sessionId) === s) out.push(s);
    }
    return out;
  }

  /** Removes one session; false when unknown. */
  remove(sessionId: string): boolean {
    return this.#bySession.delete(sessionId);
  }

  /** Forgets the oldest session still in the table. */
  #removeOldest(): void {
    while (this.#head < this.#order.length) {
      const oldest = this.#order[this.#head]!;
      this.#head += 1;
      if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#order.length) {
        this.#order = this.#order.slice(this.#head);
        this.#head = 0;
      }
      if (this.#bySession.get(oldest.sessionId) === oldest) {
        this.remove(oldest.sessionId);
        return;
      }
    }
  }

  /** A Session-Id in the table, else every session of that identity. */
  resolve(sessionIdOrIdentity: string): AuthorizedSession[] {
    const s = this.#bySession.get(sessionIdOrIdentity);
    return s !== undefined ? [s] : this.byIdentity(sessionIdOrIdentity);
  }
}
