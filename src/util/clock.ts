/**
 * A source of time in milliseconds. Pure state machines and caches take one so that tests can
 * drive time by hand (see `ManualClock`) and never need real timers or timer mocks.
 */
export interface Clock {
  /** Milliseconds; only differences are meaningful unless the clock says otherwise. */
  now(): number;
}

/** Monotonic milliseconds (never jumps back with NTP or DST): for expiry and timeouts. */
export const monotonicClock: Clock = { now: () => performance.now() };

/** Wall-clock milliseconds since the Unix epoch: for identifiers that must differ across reboots. */
export const wallClock: Clock = { now: () => Date.now() };
