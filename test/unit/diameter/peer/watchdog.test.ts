import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_TW_MS,
  INITIAL_WATCHDOG_STATE,
  MIN_TW_MS,
  nextTimeout,
  REOPEN_DWA_COUNT,
  TW_JITTER_MS,
  WatchdogAction as A,
  WatchdogEvent as E,
  WatchdogStatus as W,
  watchdogTransition,
  type WatchdogAction,
  type WatchdogEvent,
  type WatchdogState,
} from '../../../../src/diameter/peer/watchdog.js';

const st = (status: WatchdogState['status'], pending = false, numDwa = 0): WatchdogState => ({
  status,
  pending,
  numDwa,
});

type Row = readonly [
  name: string,
  from: WatchdogState,
  event: WatchdogEvent,
  actions: readonly WatchdogAction[],
  to: WatchdogState,
];

/** Every row of RFC 3539 Appendix A, plus eapd's (marked). */
const ROWS: readonly Row[] = [
  [
    'INITIAL: connection up arms the timer and goes OKAY',
    st(W.INITIAL),
    E.ConnectionUp,
    [A.SetWatchdog],
    st(W.OKAY),
  ],
  [
    'OKAY: a DWA clears Pending and re-arms the timer',
    st(W.OKAY, true),
    E.ReceiveDWA,
    [A.SetWatchdog],
    st(W.OKAY, false),
  ],
  [
    'OKAY: any other received message re-arms the timer',
    st(W.OKAY, true),
    E.ReceiveNonDWA,
    [A.SetWatchdog],
    st(W.OKAY, true),
  ],
  [
    'OKAY: timer expiry with no DWR pending sends one',
    st(W.OKAY),
    E.TimerExpires,
    [A.SendWatchdog, A.SetWatchdog],
    st(W.OKAY, true),
  ],
  [
    'OKAY: timer expiry with a DWR unanswered fails over to SUSPECT',
    st(W.OKAY, true),
    E.TimerExpires,
    [A.Failover, A.SetWatchdog],
    st(W.SUSPECT, true),
  ],
  [
    'SUSPECT: a DWA fails back to OKAY',
    st(W.SUSPECT, true),
    E.ReceiveDWA,
    [A.Failback, A.SetWatchdog],
    st(W.OKAY, false),
  ],
  [
    'SUSPECT: any other message fails back to OKAY',
    st(W.SUSPECT, true),
    E.ReceiveNonDWA,
    [A.Failback, A.SetWatchdog],
    st(W.OKAY, true),
  ],
  [
    'SUSPECT: timer expiry closes the connection (DOWN)',
    st(W.SUSPECT, true),
    E.TimerExpires,
    [A.CloseConnection, A.SetWatchdog],
    st(W.DOWN),
  ],
  [
    'DOWN: timer expiry attempts to reopen',
    st(W.DOWN),
    E.TimerExpires,
    [A.AttemptOpen, A.SetWatchdog],
    st(W.DOWN),
  ],
  [
    'DOWN: connection up sends a DWR and enters REOPEN',
    st(W.DOWN, false, 3),
    E.ConnectionUp,
    [A.SendWatchdog, A.SetWatchdog],
    st(W.REOPEN, true, 0),
  ],
  [
    'REOPEN: the third DWA fails back to OKAY',
    st(W.REOPEN, true, 2),
    E.ReceiveDWA,
    [A.Failback],
    st(W.OKAY, false, 3),
  ],
  ['REOPEN: a first DWA counts one', st(W.REOPEN, true, 0), E.ReceiveDWA, [], st(W.REOPEN, false, 1)],
  [
    'REOPEN: a DWA after a missed one counts from zero again',
    st(W.REOPEN, true, -1),
    E.ReceiveDWA,
    [],
    st(W.REOPEN, false, 0),
  ],
  [
    'REOPEN: other messages are thrown away',
    st(W.REOPEN, true, 1),
    E.ReceiveNonDWA,
    [A.Throwaway],
    st(W.REOPEN, true, 1),
  ],
  [
    'REOPEN: timer expiry with no DWR pending sends one',
    st(W.REOPEN, false, 1),
    E.TimerExpires,
    [A.SendWatchdog, A.SetWatchdog],
    st(W.REOPEN, true, 1),
  ],
  [
    'REOPEN: a first unanswered DWR sets NumDWA to -1',
    st(W.REOPEN, true, 1),
    E.TimerExpires,
    [A.SetWatchdog],
    st(W.REOPEN, true, -1),
  ],
  [
    'REOPEN: a second unanswered DWR closes the connection (DOWN)',
    st(W.REOPEN, true, -1),
    E.TimerExpires,
    [A.CloseConnection, A.SetWatchdog],
    st(W.DOWN, false, -1),
  ],
  [
    'REOPEN: connection down closes (DOWN)',
    st(W.REOPEN, true, 1),
    E.ConnectionDown,
    [A.CloseConnection, A.SetWatchdog],
    st(W.DOWN, false, 1),
  ],
  [
    'OKAY: connection down closes and fails over (DOWN)',
    st(W.OKAY, true),
    E.ConnectionDown,
    [A.CloseConnection, A.Failover, A.SetWatchdog],
    st(W.DOWN),
  ],
  [
    'SUSPECT: connection down closes without a second failover (DOWN)',
    st(W.SUSPECT, true),
    E.ConnectionDown,
    [A.CloseConnection, A.SetWatchdog],
    st(W.DOWN),
  ],
  [
    'INITIAL: a DWA is thrown away and clears Pending',
    st(W.INITIAL, true),
    E.ReceiveDWA,
    [A.Throwaway],
    st(W.INITIAL),
  ],
  ['INITIAL: other messages are thrown away', st(W.INITIAL), E.ReceiveNonDWA, [A.Throwaway], st(W.INITIAL)],
  [
    'INITIAL: timer expiry attempts to open',
    st(W.INITIAL),
    E.TimerExpires,
    [A.AttemptOpen, A.SetWatchdog],
    st(W.INITIAL),
  ],
  [
    'DOWN: a DWA is thrown away and clears Pending',
    st(W.DOWN, true),
    E.ReceiveDWA,
    [A.Throwaway],
    st(W.DOWN),
  ],
  ['DOWN: other messages are thrown away', st(W.DOWN), E.ReceiveNonDWA, [A.Throwaway], st(W.DOWN)],
  [
    'eapd: INITIAL: a failed first connection waits for the timer to try again',
    st(W.INITIAL),
    E.ConnectionDown,
    [A.SetWatchdog],
    st(W.INITIAL),
  ],
];

describe('watchdog (RFC 3539 Appendix A)', () => {
  for (const [name, from, event, actions, to] of ROWS) {
    test(name, () => {
      const r = watchdogTransition(from, event);
      assert.deepEqual(r.state, to);
      assert.deepEqual(r.actions, actions);
    });
  }

  test('events with no row change nothing', () => {
    for (const [from, event] of [
      [st(W.OKAY), E.ConnectionUp],
      [st(W.SUSPECT, true), E.ConnectionUp],
      [st(W.REOPEN, true), E.ConnectionUp],
      [st(W.DOWN), E.ConnectionDown],
    ] as const) {
      const r = watchdogTransition(from, event);
      assert.deepEqual(r.state, from);
      assert.deepEqual(r.actions, []);
    }
  });

  test('starts in INITIAL with nothing pending', () => {
    assert.deepEqual(INITIAL_WATCHDOG_STATE, st(W.INITIAL));
  });

  test(`REOPEN needs ${REOPEN_DWA_COUNT} DWAs in a row before failback`, () => {
    let s = watchdogTransition(st(W.DOWN), E.ConnectionUp).state;
    const failbacks: number[] = [];
    for (let i = 1; i <= REOPEN_DWA_COUNT; i++) {
      if (i > 1) s = watchdogTransition(s, E.TimerExpires).state; // sends the next DWR
      const r = watchdogTransition(s, E.ReceiveDWA);
      if (r.actions.includes(A.Failback)) failbacks.push(i);
      s = r.state;
    }
    assert.deepEqual(failbacks, [REOPEN_DWA_COUNT]);
    assert.equal(s.status, W.OKAY);
  });

  test('a silent peer goes OKAY → SUSPECT → DOWN on three timer expiries', () => {
    let s = watchdogTransition(INITIAL_WATCHDOG_STATE, E.ConnectionUp).state;
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      s = watchdogTransition(s, E.TimerExpires).state;
      seen.push(s.status);
    }
    assert.deepEqual(seen, [W.OKAY, W.SUSPECT, W.DOWN]);
  });

  test('in OKAY only a DWA answers the pending DWR: other traffic does not prevent SUSPECT', () => {
    let s = watchdogTransition(st(W.OKAY), E.TimerExpires).state; // DWR sent
    s = watchdogTransition(s, E.ReceiveNonDWA).state; // traffic, but the DWR is still unanswered
    assert.equal(watchdogTransition(s, E.TimerExpires).state.status, W.SUSPECT);
    s = watchdogTransition(s, E.ReceiveDWA).state;
    assert.equal(watchdogTransition(s, E.TimerExpires).state.status, W.OKAY);
  });
});

describe('nextTimeout (RFC 3539 §3.4.1)', () => {
  test('is Tw minus 2 s at the bottom of the random range', () => {
    assert.equal(
      nextTimeout(DEFAULT_TW_MS, () => 0),
      DEFAULT_TW_MS - TW_JITTER_MS,
    );
  });

  test('is Tw plus 2 s at the top of the random range', () => {
    assert.equal(
      nextTimeout(DEFAULT_TW_MS, () => 0.999999999),
      DEFAULT_TW_MS + TW_JITTER_MS,
    );
  });

  test('refuses Tw below 6 seconds', () => {
    assert.throws(() => nextTimeout(MIN_TW_MS - 1, () => 0), RangeError);
    assert.equal(
      nextTimeout(MIN_TW_MS, () => 0),
      MIN_TW_MS - TW_JITTER_MS,
    );
  });

  test('always stays within Tw ± 2 s, in whole milliseconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_TW_MS, max: 3_600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (tw, r) => {
          const t = nextTimeout(tw, () => r);
          return Number.isInteger(t) && t >= tw - TW_JITTER_MS && t <= tw + TW_JITTER_MS;
        },
      ),
    );
  });
});
