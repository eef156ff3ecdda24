/**
 * The RFC 3539 Appendix A watchdog, as a pure machine: (state, event) → (state, actions). It is
 * separate from the peer state machine (psm.ts), as in RFC 6733 §5.5 and Erlang's diameter. A
 * driver arms the timer, sends DWRs and tells routing about failover/failback.
 *
 * The table is quoted row by row in `watchdogTransition`. Names map as follows:
 *   SetWatchdog()     → 'set-watchdog': (re)arm the timer for `nextTimeout(tw, random)` ms.
 *                       Any received message does this in OKAY/SUSPECT ("any received traffic
 *                       resets the timer"); a driver may implement it lazily (remember the time
 *                       of the last receipt and re-arm on expiry) to keep timers off the hot path.
 *   SendWatchdog()    → 'send-watchdog': send a DWR.
 *   Failover()        → 'failover': stop routing to this peer, move its pending requests.
 *   Failback()        → 'failback': route to this peer again.
 *   CloseConnection() → 'close-connection'.
 *   AttemptOpen()     → 'attempt-open': try to connect again (initiating side only).
 *   Throwaway()       → 'throwaway': the received message is not delivered (a DWR still gets
 *                       its DWA: that is the peer state machine's Process-DWR, not this).
 */

/** RFC 3539 §3.4.1: "Tw MUST NOT be set lower than 6 seconds"; the default is 30 seconds. */
export const MIN_TW_MS = 6000;
export const DEFAULT_TW_MS = 30_000;
/** RFC 3539 §3.4.1: the timer is set to Tw plus a jitter uniformly chosen in ±2 seconds. */
export const TW_JITTER_MS = 2000;
/** RFC 3539 §3.4.1 / Appendix A: REOPEN needs three DWAs in a row (NumDWA reaching 3). */
export const REOPEN_DWA_COUNT = 3;

export const WatchdogStatus = {
  INITIAL: 'INITIAL',
  OKAY: 'OKAY',
  SUSPECT: 'SUSPECT',
  DOWN: 'DOWN',
  REOPEN: 'REOPEN',
} as const;
export type WatchdogStatus = (typeof WatchdogStatus)[keyof typeof WatchdogStatus];

export const WatchdogEvent = {
  ConnectionUp: 'connection-up',
  ConnectionDown: 'connection-down',
  ReceiveDWA: 'receive-dwa',
  /** Any received message other than a DWA. */
  ReceiveNonDWA: 'receive-non-dwa',
  TimerExpires: 'timer-expires',
} as const;
export type WatchdogEvent = (typeof WatchdogEvent)[keyof typeof WatchdogEvent];

export const WatchdogAction = {
  SetWatchdog: 'set-watchdog',
  SendWatchdog: 'send-watchdog',
  Failover: 'failover',
  Failback: 'failback',
  CloseConnection: 'close-connection',
  AttemptOpen: 'attempt-open',
  Throwaway: 'throwaway',
} as const;
export type WatchdogAction = (typeof WatchdogAction)[keyof typeof WatchdogAction];

/** The Appendix A peer control block: status, Pending (a DWR is unanswered), NumDWA. */
export interface WatchdogState {
  readonly status: WatchdogStatus;
  readonly pending: boolean;
  readonly numDwa: number;
}

export interface WatchdogTransition {
  readonly state: WatchdogState;
  /** To perform in order. */
  readonly actions: readonly WatchdogAction[];
}

export const INITIAL_WATCHDOG_STATE: WatchdogState = Object.freeze({
  status: WatchdogStatus.INITIAL,
  pending: false,
  numDwa: 0,
});

/**
 * The next watchdog timeout in milliseconds: Tw ± 2 s, uniformly (RFC 3539 §3.4.1).
 * `random` returns a number in [0, 1), like Math.random. Throws on Tw below 6 s.
 */
export function nextTimeout(twMs: number, random: () => number = Math.random): number {
  if (!(twMs >= MIN_TW_MS))
    throw new RangeError(`watchdog Tw ${twMs} ms is below the RFC 3539 minimum of ${MIN_TW_MS} ms`);
  return twMs - TW_JITTER_MS + Math.floor(random() * (2 * TW_JITTER_MS + 1));
}

const { INITIAL, OKAY, SUSPECT, DOWN, REOPEN } = WatchdogStatus;
const {
  SetWatchdog: SET,
  SendWatchdog: SEND,
  Failover: FAILOVER,
  Failback: FAILBACK,
  CloseConnection: CLOSE,
  AttemptOpen: OPEN,
  Throwaway: THROWAWAY,
} = WatchdogAction;

const SET_ONLY: readonly WatchdogAction[] = Object.freeze([SET]);

function to(
  status: WatchdogStatus,
  pending: boolean,
  numDwa: number,
  ...actions: WatchdogAction[]
): WatchdogTransition {
  return { state: { status, pending, numDwa }, actions };
}

/**
 * One step of the watchdog. Events with no row in Appendix A leave the state as it is and do
 * nothing, except where a comment says "eapd".
 */
export function watchdogTransition(state: WatchdogState, event: WatchdogEvent): WatchdogTransition {
  const { status, pending, numDwa } = state;
  switch (event) {
    case WatchdogEvent.ConnectionUp:
      //   INITIAL       Connection up        SetWatchdog()        OKAY
      if (status === INITIAL) return to(OKAY, pending, numDwa, SET);
      //   DOWN          Connection up        NumDWA = 0
      //                                      SendWatchdog()
      //                                      SetWatchdog()
      //                                      Pending = TRUE       REOPEN
      if (status === DOWN) return to(REOPEN, true, 0, SEND, SET);
      break;

    case WatchdogEvent.ConnectionDown:
      // eapd: Pending is cleared whenever the connection goes (here and on the timer rows that
      // close it): a DWR sent on a lost connection is never answered; the next one starts afresh.
      //   OKAY          Connection down      CloseConnection()
      //                                      Failover()
      //                                      SetWatchdog()        DOWN
      if (status === OKAY) return to(DOWN, false, numDwa, CLOSE, FAILOVER, SET);
      //   SUSPECT       Connection down      CloseConnection()
      //                                      SetWatchdog()        DOWN
      //   REOPEN        Connection down      CloseConnection()
      //                                      SetWatchdog()        DOWN
      if (status === SUSPECT || status === REOPEN) return to(DOWN, false, numDwa, CLOSE, SET);
      // eapd: a first connection that fails before it was ever up waits for the timer and
      // tries again (INITIAL / Timer expires / AttemptOpen()); Appendix A has no such row.
      if (status === INITIAL) return to(INITIAL, false, numDwa, SET);
      break;

    case WatchdogEvent.ReceiveDWA:
      //   OKAY          Receive DWA          Pending = FALSE
      //                                      SetWatchdog()        OKAY
      if (status === OKAY) return to(OKAY, false, numDwa, SET);
      //   SUSPECT       Receive DWA          Pending = FALSE
      //                                      Failback()
      //                                      SetWatchdog()        OKAY
      if (status === SUSPECT) return to(OKAY, false, numDwa, FAILBACK, SET);
      //   REOPEN        Receive DWA &        Pending = FALSE
      //                 NumDWA == 2          NumDWA++
      //                                      Failback()           OKAY
      if (status === REOPEN && numDwa === REOPEN_DWA_COUNT - 1) return to(OKAY, false, numDwa + 1, FAILBACK);
      //   REOPEN        Receive DWA &        Pending = FALSE
      //                 NumDWA < 2           NumDWA++             REOPEN
      if (status === REOPEN) return to(REOPEN, false, numDwa + 1);
      //   INITIAL       Receive DWA          Pending = FALSE
      //                                      Throwaway()          INITIAL
      //   DOWN          Receive DWA          Pending = FALSE
      //                                      Throwaway()          DOWN
      return to(status, false, numDwa, THROWAWAY);

    case WatchdogEvent.ReceiveNonDWA:
      //   OKAY          Receive non-DWA      SetWatchdog()        OKAY
      // (the per-message path: nothing is allocated)
      if (status === OKAY) return { state, actions: SET_ONLY };
      //   SUSPECT       Receive non-DWA      Failback()
      //                                      SetWatchdog()        OKAY
      if (status === SUSPECT) return to(OKAY, pending, numDwa, FAILBACK, SET);
      //   REOPEN        Receive non-DWA      Throwaway()          REOPEN
      //   INITIAL       Receive non-DWA      Throwaway()          INITIAL
      //   DOWN          Receive non-DWA      Throwaway()          DOWN
      return to(status, pending, numDwa, THROWAWAY);

    case WatchdogEvent.TimerExpires:
      //   OKAY          Timer expires &      SendWatchdog()
      //                 !Pending             SetWatchdog()
      //                                      Pending = TRUE       OKAY
      //   REOPEN        Timer expires &      SendWatchdog()
      //                 !Pending             SetWatchdog()
      //                                      Pending = TRUE       REOPEN
      if ((status === OKAY || status === REOPEN) && !pending) return to(status, true, numDwa, SEND, SET);
      //   OKAY          Timer expires &      Failover()
      //                 Pending              SetWatchdog()        SUSPECT
      if (status === OKAY) return to(SUSPECT, pending, numDwa, FAILOVER, SET);
      //   SUSPECT       Timer expires        CloseConnection()
      //                                      SetWatchdog()        DOWN
      if (status === SUSPECT) return to(DOWN, false, numDwa, CLOSE, SET);
      //   REOPEN        Timer expires &      NumDWA = -1
      //                 Pending &            SetWatchdog()
      //                 NumDWA >= 0                               REOPEN
      if (status === REOPEN && numDwa >= 0) return to(REOPEN, pending, -1, SET);
      //   REOPEN        Timer expires &      CloseConnection()
      //                 Pending &            SetWatchdog()
      //                 NumDWA < 0                                DOWN
      if (status === REOPEN) return to(DOWN, false, numDwa, CLOSE, SET);
      //   DOWN          Timer expires        AttemptOpen()
      //                                      SetWatchdog()        DOWN
      //   INITIAL       Timer expires        AttemptOpen()
      //                                      SetWatchdog()        INITIAL
      return to(status, pending, numDwa, OPEN, SET);
  }
  return { state, actions: [] };
}
