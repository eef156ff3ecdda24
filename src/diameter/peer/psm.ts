/**
 * The Diameter peer state machine of RFC 6733 §5.6, as a pure function: (state, event) →
 * (next state, actions). A driver owns the sockets and timers, feeds events in and performs the
 * actions in order. State, event and action names are the RFC's.
 *
 * "I-" names concern the connection we initiated, "R-" names the one the peer initiated
 * (the responder connection). §5.6.1: incoming connections are handled outside this machine
 * until their CER has arrived; only then is R-Conn-CER given to the machine of the peer named by
 * the CER's Origin-Host. eapd's incoming-connection logic also runs the capabilities exchange and
 * admission checks (capabilities.ts) first and answers a refused CER itself (3010 / 5010, then
 * close), so R-Conn-CER here always means "a CER that Process-CER accepts".
 */

/** RFC 6733 §5.6 states. */
export const PsmState = {
  Closed: 'Closed',
  WaitConnAck: 'Wait-Conn-Ack',
  WaitICEA: 'Wait-I-CEA',
  WaitConnAckElect: 'Wait-Conn-Ack/Elect',
  WaitReturns: 'Wait-Returns',
  ROpen: 'R-Open',
  IOpen: 'I-Open',
  Closing: 'Closing',
} as const;
export type PsmState = (typeof PsmState)[keyof typeof PsmState];

/** RFC 6733 §5.6.2 events, with the I-/R- prefix of the connection they happen on. */
export const PsmEventType = {
  /** "The Diameter application has signaled that a connection should be initiated with the peer." */
  Start: 'Start',
  /** "An acknowledgement is received stating that the transport connection has been established, and the associated CER has arrived." */
  RConnCER: 'R-Conn-CER',
  /** "A positive acknowledgement is received confirming that the transport connection is established." */
  IRcvConnAck: 'I-Rcv-Conn-Ack',
  /** "A negative acknowledgement was received stating that the transport connection was not established." */
  IRcvConnNack: 'I-Rcv-Conn-Nack',
  /** "An application-defined timer has expired while waiting for some event." */
  Timeout: 'Timeout',
  /** "A CEA message from the peer was received." (carries eapd's Process-CEA verdict) */
  IRcvCEA: 'I-Rcv-CEA',
  /** "A message, other than a CEA, from the peer was received." */
  IRcvNonCEA: 'I-Rcv-Non-CEA',
  /** "A disconnection indication from the peer was received." */
  IPeerDisc: 'I-Peer-Disc',
  RPeerDisc: 'R-Peer-Disc',
  /** "A DPR message from the peer was received." */
  IRcvDPR: 'I-Rcv-DPR',
  RRcvDPR: 'R-Rcv-DPR',
  /** "A DPA message from the peer was received." */
  IRcvDPA: 'I-Rcv-DPA',
  RRcvDPA: 'R-Rcv-DPA',
  /** "An election was held, and the local node was the winner." */
  WinElection: 'Win-Election',
  /** "A message is to be sent." */
  SendMessage: 'Send-Message',
  /** "A message other than CER, CEA, DPR, DPA, DWR, or DWA was received." */
  IRcvMessage: 'I-Rcv-Message',
  RRcvMessage: 'R-Rcv-Message',
  /** A DWR / DWA was received (the table's Rcv-DWR / Rcv-DWA rows). */
  IRcvDWR: 'I-Rcv-DWR',
  RRcvDWR: 'R-Rcv-DWR',
  IRcvDWA: 'I-Rcv-DWA',
  RRcvDWA: 'R-Rcv-DWA',
  /** "The Diameter application has signaled that a connection should be terminated (e.g., on system shutdown)." */
  Stop: 'Stop',
} as const;
export type PsmEventType = (typeof PsmEventType)[keyof typeof PsmEventType];

/** RFC 6733 §5.6.3 actions. */
export const PsmAction = {
  /** "A transport connection is initiated with the peer." */
  ISndConnReq: 'I-Snd-Conn-Req',
  /** "The incoming connection associated with the R-Conn-CER is accepted as the responder connection." */
  RAccept: 'R-Accept',
  /** "The incoming connection associated with the R-Conn-CER is disconnected." */
  RReject: 'R-Reject',
  /** "The CER associated with the R-Conn-CER is processed." */
  ProcessCER: 'Process-CER',
  /** "A CER message is sent to the peer." */
  ISndCER: 'I-Snd-CER',
  /** "A CEA message is sent to the peer." */
  RSndCEA: 'R-Snd-CEA',
  /** "If necessary, the connection is shut down, and any local resources are freed." */
  Cleanup: 'Cleanup',
  /** "The transport layer connection is disconnected, either politely or abortively, in response to an error condition. Local resources are freed." */
  Error: 'Error',
  /** "A received CEA is processed." */
  ProcessCEA: 'Process-CEA',
  /** "A DPR message is sent to the peer." */
  ISndDPR: 'I-Snd-DPR',
  RSndDPR: 'R-Snd-DPR',
  /** "A DPA message is sent to the peer." */
  ISndDPA: 'I-Snd-DPA',
  RSndDPA: 'R-Snd-DPA',
  /** "The transport layer connection is disconnected, and local resources are freed." */
  IDisc: 'I-Disc',
  RDisc: 'R-Disc',
  /** "An election occurs (see Section 5.6.4 for more information)." Held by `transition` itself. */
  Elect: 'Elect',
  /** "A message is sent." */
  ISndMessage: 'I-Snd-Message',
  RSndMessage: 'R-Snd-Message',
  /** "The DWR message is serviced." */
  ProcessDWR: 'Process-DWR',
  /** "The DWA message is serviced." */
  ProcessDWA: 'Process-DWA',
  /** "A DWA message is sent." */
  ISndDWA: 'I-Snd-DWA',
  RSndDWA: 'R-Snd-DWA',
  /** "A message is serviced." */
  Process: 'Process',
} as const;
export type PsmAction = (typeof PsmAction)[keyof typeof PsmAction];

/** An event; only I-Rcv-CEA carries data: whether Process-CEA accepted the CEA (2001 and a common application). */
export type PsmEvent =
  | { readonly type: Exclude<PsmEventType, typeof PsmEventType.IRcvCEA> }
  | { readonly type: typeof PsmEventType.IRcvCEA; readonly accepted: boolean };

/** What the election needs (RFC 6733 §5.6.4): our Origin-Host and the peer's. */
export interface PsmContext {
  readonly localHost: string;
  readonly peerHost: string;
}

export interface PsmTransition {
  readonly state: PsmState;
  /** To perform in order. Shared and frozen: never mutate. */
  readonly actions: readonly PsmAction[];
  /**
   * Set when the table has no row for this (state, event): the state is unchanged and nothing
   * is done. The driver logs it; for an R-Conn-CER it closes the new connection.
   */
  readonly unexpected?: true;
}

interface Row {
  readonly next: PsmState;
  readonly actions: readonly PsmAction[];
}

type Table = { readonly [S in PsmState]: Partial<Record<PsmEventType, Row>> };

const S = PsmState;
const E = PsmEventType;
const A = PsmAction;

function row(next: PsmState, ...actions: PsmAction[]): Row {
  return Object.freeze({ next, actions: Object.freeze(actions) });
}

/**
 * RFC 6733 §5.6, row by row ("state / event / action / next state"). Rows marked "eapd" are not
 * in the RFC table; each says why.
 */
const TABLE: Table = {
  [S.Closed]: {
    //   Closed        Start            I-Snd-Conn-Req   Wait-Conn-Ack
    [E.Start]: row(S.WaitConnAck, A.ISndConnReq),
    //                 R-Conn-CER       R-Accept,        R-Open
    //                                  Process-CER,
    //                                  R-Snd-CEA
    [E.RConnCER]: row(S.ROpen, A.RAccept, A.ProcessCER, A.RSndCEA),
  },
  [S.WaitConnAck]: {
    //   Wait-Conn-Ack I-Rcv-Conn-Ack   I-Snd-CER        Wait-I-CEA
    [E.IRcvConnAck]: row(S.WaitICEA, A.ISndCER),
    //                 I-Rcv-Conn-Nack  Cleanup          Closed
    [E.IRcvConnNack]: row(S.Closed, A.Cleanup),
    //                 R-Conn-CER       R-Accept,        Wait-Conn-Ack/
    //                                  Process-CER      Elect
    [E.RConnCER]: row(S.WaitConnAckElect, A.RAccept, A.ProcessCER),
    //                 Timeout          Error            Closed
    [E.Timeout]: row(S.Closed, A.Error),
    // eapd: Stop while connecting gives up the attempt (the RFC has no Stop row here).
    [E.Stop]: row(S.Closed, A.Cleanup),
  },
  [S.WaitICEA]: {
    //   Wait-I-CEA    I-Rcv-CEA        Process-CEA      I-Open
    [E.IRcvCEA]: row(S.IOpen, A.ProcessCEA),
    //                 R-Conn-CER       R-Accept,        Wait-Returns
    //                                  Process-CER,
    //                                  Elect
    [E.RConnCER]: row(S.WaitReturns, A.RAccept, A.ProcessCER, A.Elect),
    //                 I-Peer-Disc      I-Disc           Closed
    [E.IPeerDisc]: row(S.Closed, A.IDisc),
    //                 I-Rcv-Non-CEA    Error            Closed
    [E.IRcvNonCEA]: row(S.Closed, A.Error),
    //                 Timeout          Error            Closed
    [E.Timeout]: row(S.Closed, A.Error),
    // eapd: Stop during the capabilities exchange closes the connection (no RFC row).
    [E.Stop]: row(S.Closed, A.Cleanup),
  },
  [S.WaitConnAckElect]: {
    //   Wait-Conn-Ack/ I-Rcv-Conn-Ack  I-Snd-CER,Elect  Wait-Returns
    //   Elect
    [E.IRcvConnAck]: row(S.WaitReturns, A.ISndCER, A.Elect),
    //                 I-Rcv-Conn-Nack  R-Snd-CEA        R-Open
    [E.IRcvConnNack]: row(S.ROpen, A.RSndCEA),
    //                 R-Peer-Disc      R-Disc           Wait-Conn-Ack
    [E.RPeerDisc]: row(S.WaitConnAck, A.RDisc),
    //                 R-Conn-CER       R-Reject         Wait-Conn-Ack/
    //                                                   Elect
    [E.RConnCER]: row(S.WaitConnAckElect, A.RReject),
    //                 Timeout          Error            Closed
    [E.Timeout]: row(S.Closed, A.Error),
    // eapd: Stop gives up both connections (no RFC row).
    [E.Stop]: row(S.Closed, A.Cleanup),
  },
  [S.WaitReturns]: {
    //   Wait-Returns  Win-Election     I-Disc,R-Snd-CEA R-Open
    [E.WinElection]: row(S.ROpen, A.IDisc, A.RSndCEA),
    //                 I-Peer-Disc      I-Disc,          R-Open
    //                                  R-Snd-CEA
    [E.IPeerDisc]: row(S.ROpen, A.IDisc, A.RSndCEA),
    //                 I-Rcv-CEA        R-Disc           I-Open
    [E.IRcvCEA]: row(S.IOpen, A.RDisc),
    //                 R-Peer-Disc      R-Disc           Wait-I-CEA
    [E.RPeerDisc]: row(S.WaitICEA, A.RDisc),
    //                 R-Conn-CER       R-Reject         Wait-Returns
    [E.RConnCER]: row(S.WaitReturns, A.RReject),
    //                 Timeout          Error            Closed
    [E.Timeout]: row(S.Closed, A.Error),
    // eapd: Stop gives up both connections (no RFC row).
    [E.Stop]: row(S.Closed, A.Cleanup),
  },
  [S.ROpen]: {
    //   R-Open        Send-Message     R-Snd-Message    R-Open
    [E.SendMessage]: row(S.ROpen, A.RSndMessage),
    //                 R-Rcv-Message    Process          R-Open
    [E.RRcvMessage]: row(S.ROpen, A.Process),
    //                 R-Rcv-DWR        Process-DWR,     R-Open
    //                                  R-Snd-DWA
    [E.RRcvDWR]: row(S.ROpen, A.ProcessDWR, A.RSndDWA),
    //                 R-Rcv-DWA        Process-DWA      R-Open
    [E.RRcvDWA]: row(S.ROpen, A.ProcessDWA),
    //                 R-Conn-CER       R-Reject         R-Open
    [E.RConnCER]: row(S.ROpen, A.RReject),
    //                 Stop             R-Snd-DPR        Closing
    [E.Stop]: row(S.Closing, A.RSndDPR),
    //                 R-Rcv-DPR        R-Snd-DPA        Closing
    [E.RRcvDPR]: row(S.Closing, A.RSndDPA),
    //                 R-Peer-Disc      R-Disc           Closed
    [E.RPeerDisc]: row(S.Closed, A.RDisc),
  },
  [S.IOpen]: {
    //   I-Open        Send-Message     I-Snd-Message    I-Open
    [E.SendMessage]: row(S.IOpen, A.ISndMessage),
    //                 I-Rcv-Message    Process          I-Open
    [E.IRcvMessage]: row(S.IOpen, A.Process),
    //                 I-Rcv-DWR        Process-DWR,     I-Open
    //                                  I-Snd-DWA
    [E.IRcvDWR]: row(S.IOpen, A.ProcessDWR, A.ISndDWA),
    //                 I-Rcv-DWA        Process-DWA      I-Open
    [E.IRcvDWA]: row(S.IOpen, A.ProcessDWA),
    //                 R-Conn-CER       R-Reject         I-Open
    [E.RConnCER]: row(S.IOpen, A.RReject),
    //                 Stop             I-Snd-DPR        Closing
    [E.Stop]: row(S.Closing, A.ISndDPR),
    //                 I-Rcv-DPR        I-Snd-DPA        Closing
    [E.IRcvDPR]: row(S.Closing, A.ISndDPA),
    //                 I-Peer-Disc      I-Disc           Closed
    [E.IPeerDisc]: row(S.Closed, A.IDisc),
  },
  [S.Closing]: {
    //   Closing       I-Rcv-DPA        I-Disc           Closed
    [E.IRcvDPA]: row(S.Closed, A.IDisc),
    //                 R-Rcv-DPA        R-Disc           Closed
    [E.RRcvDPA]: row(S.Closed, A.RDisc),
    //                 Timeout          Error            Closed
    [E.Timeout]: row(S.Closed, A.Error),
    //                 I-Peer-Disc      I-Disc           Closed
    [E.IPeerDisc]: row(S.Closed, A.IDisc),
    //                 R-Peer-Disc      R-Disc           Closed
    [E.RPeerDisc]: row(S.Closed, A.RDisc),
  },
};

/**
 * eapd: a CEA that Process-CEA refuses (Result-Code other than 2001, or no common application)
 * is treated like the loss of the I connection: in Wait-I-CEA as the I-Rcv-Non-CEA error, in
 * Wait-Returns like I-Peer-Disc (the R connection carries on). The RFC table assumes success.
 */
const REFUSED_CEA: Partial<Record<PsmState, Row>> = {
  [S.WaitICEA]: row(S.Closed, A.ProcessCEA, A.Error),
  [S.WaitReturns]: row(S.ROpen, A.ProcessCEA, A.IDisc, A.RSndCEA),
};

const NO_ACTIONS: readonly PsmAction[] = Object.freeze([]);

/**
 * One step of the peer state machine. When a row's actions include Elect, the election is held
 * here (RFC 6733 §5.6.4) and, when we win, the Win-Election row of the next state follows in the
 * same step; when we lose, the peer (the winner) closes the connection it initiated, which
 * arrives later as R-Peer-Disc or an I-Rcv-CEA.
 */
export function transition(state: PsmState, event: PsmEvent, ctx: PsmContext): PsmTransition {
  const found = event.type === E.IRcvCEA && !event.accepted ? REFUSED_CEA[state] : TABLE[state][event.type];
  if (found === undefined) return { state, actions: NO_ACTIONS, unexpected: true };
  if (found.actions.includes(A.Elect) && electionWon(ctx.localHost, ctx.peerHost)) {
    const win = TABLE[found.next][E.WinElection]!;
    return { state: win.next, actions: [...found.actions, ...win.actions] };
  }
  return { state: found.next, actions: found.actions };
}

const ASCII_UPPER_A = 0x41;
const ASCII_UPPER_Z = 0x5a;
const ASCII_CASE_OFFSET = 0x20;

/**
 * RFC 6733 §5.6.4: "The election is performed on the responder. The responder compares the
 * Origin-Host received in the CER with its own Origin-Host as two streams of octets. If the
 * local Origin-Host lexicographically succeeds the received Origin-Host, a Win-Election event is
 * issued locally. Diameter identities are in ASCII form; therefore, the lexical comparison is
 * consistent with DNS case insensitivity where octets that fall in the ASCII range 'a' through
 * 'z' MUST compare as equal to their uppercase counterparts between 'A' and 'Z'. [...] The
 * winner of the election MUST close the connection it initiated."
 *
 * True when `localHost` is the higher of the two (a longer name beats its own prefix).
 */
export function electionWon(localHost: string, peerHost: string): boolean {
  const local = Buffer.from(localHost, 'utf8');
  const peer = Buffer.from(peerHost, 'utf8');
  const common = Math.min(local.length, peer.length);
  for (let i = 0; i < common; i++) {
    const l = foldCase(local[i]!);
    const p = foldCase(peer[i]!);
    if (l !== p) return l > p;
  }
  return local.length > peer.length;
}

function foldCase(octet: number): number {
  return octet >= ASCII_UPPER_A && octet <= ASCII_UPPER_Z ? octet + ASCII_CASE_OFFSET : octet;
}
