import type { Clock } from './clock.js';

/** A clock that moves only when told to: for tests of anything that takes a `Clock`. */
export class ManualClock implements Clock {
  #now: number;

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` (never backwards: monotonic clocks do not). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ${ms} is not a non-negative number`);
    this.#now += ms;
  }
}
