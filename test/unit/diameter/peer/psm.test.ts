import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  electionWon,
  PsmAction as A,
  PsmEventType as E,
  PsmState as S,
  transition,
  type PsmAction,
  type PsmContext,
  type PsmEvent,
  type PsmState,
} from '../../../../src/diameter/peer/psm.js';

/** We lose every election with this context ('aaa' < 'zzz'). */
const LOSE: PsmContext = { localHost: 'aaa.example.net', peerHost: 'zzz.example.net' };
/** We win every election with this one. */
const WIN: PsmContext = { localHost: 'zzz.example.net', peerHost: 'aaa.example.net' };

type Row = readonly [
  name: string,
  from: PsmState,
  event: PsmEvent,
  actions: readonly PsmAction[],
  to: PsmState,
];

const ev = (type: Exclude<PsmEvent['type'], 'I-Rcv-CEA'>): PsmEvent => ({ type });
const cea = (accepted: boolean): PsmEvent => ({ type: E.IRcvCEA, accepted });

/** Every row of the RFC 6733 §5.6 table (elections lost, see the election tests for wins). */
const RFC_ROWS: readonly Row[] = [
  ['Closed: Start connects to the peer', S.Closed, ev(E.Start), [A.ISndConnReq], S.WaitConnAck],
  [
    'Closed: R-Conn-CER accepts, processes the CER, answers CEA and opens',
    S.Closed,
    ev(E.RConnCER),
    [A.RAccept, A.ProcessCER, A.RSndCEA],
    S.ROpen,
  ],
  ['Wait-Conn-Ack: connection up sends CER', S.WaitConnAck, ev(E.IRcvConnAck), [A.ISndCER], S.WaitICEA],
  [
    'Wait-Conn-Ack: connection refused cleans up and closes',
    S.WaitConnAck,
    ev(E.IRcvConnNack),
    [A.Cleanup],
    S.Closed,
  ],
  [
    'Wait-Conn-Ack: R-Conn-CER accepts and processes the CER, then waits to elect',
    S.WaitConnAck,
    ev(E.RConnCER),
    [A.RAccept, A.ProcessCER],
    S.WaitConnAckElect,
  ],
  ['Wait-Conn-Ack: timeout is an error and closes', S.WaitConnAck, ev(E.Timeout), [A.Error], S.Closed],
  ['Wait-I-CEA: an accepted CEA opens the initiator side', S.WaitICEA, cea(true), [A.ProcessCEA], S.IOpen],
  [
    'Wait-I-CEA: R-Conn-CER accepts, processes and holds an election',
    S.WaitICEA,
    ev(E.RConnCER),
    [A.RAccept, A.ProcessCER, A.Elect],
    S.WaitReturns,
  ],
  ['Wait-I-CEA: peer disconnect closes the initiator side', S.WaitICEA, ev(E.IPeerDisc), [A.IDisc], S.Closed],
  ['Wait-I-CEA: a message other than CEA is an error', S.WaitICEA, ev(E.IRcvNonCEA), [A.Error], S.Closed],
  ['Wait-I-CEA: timeout is an error', S.WaitICEA, ev(E.Timeout), [A.Error], S.Closed],
  [
    'Wait-Conn-Ack/Elect: connection up sends CER and holds an election',
    S.WaitConnAckElect,
    ev(E.IRcvConnAck),
    [A.ISndCER, A.Elect],
    S.WaitReturns,
  ],
  [
    'Wait-Conn-Ack/Elect: connection refused answers the responder CEA and opens',
    S.WaitConnAckElect,
    ev(E.IRcvConnNack),
    [A.RSndCEA],
    S.ROpen,
  ],
  [
    'Wait-Conn-Ack/Elect: responder disconnect goes back to Wait-Conn-Ack',
    S.WaitConnAckElect,
    ev(E.RPeerDisc),
    [A.RDisc],
    S.WaitConnAck,
  ],
  [
    'Wait-Conn-Ack/Elect: another R-Conn-CER is rejected',
    S.WaitConnAckElect,
    ev(E.RConnCER),
    [A.RReject],
    S.WaitConnAckElect,
  ],
  ['Wait-Conn-Ack/Elect: timeout is an error', S.WaitConnAckElect, ev(E.Timeout), [A.Error], S.Closed],
  [
    'Wait-Returns: Win-Election drops the initiator side and answers CEA',
    S.WaitReturns,
    ev(E.WinElection),
    [A.IDisc, A.RSndCEA],
    S.ROpen,
  ],
  [
    'Wait-Returns: initiator disconnect answers CEA on the responder side',
    S.WaitReturns,
    ev(E.IPeerDisc),
    [A.IDisc, A.RSndCEA],
    S.ROpen,
  ],
  [
    'Wait-Returns: I-Rcv-CEA drops the responder side and opens as initiator',
    S.WaitReturns,
    cea(true),
    [A.RDisc],
    S.IOpen,
  ],
  [
    'Wait-Returns: responder disconnect waits for the CEA',
    S.WaitReturns,
    ev(E.RPeerDisc),
    [A.RDisc],
    S.WaitICEA,
  ],
  ['Wait-Returns: another R-Conn-CER is rejected', S.WaitReturns, ev(E.RConnCER), [A.RReject], S.WaitReturns],
  ['Wait-Returns: timeout is an error', S.WaitReturns, ev(E.Timeout), [A.Error], S.Closed],
  [
    'R-Open: Send-Message sends on the responder connection',
    S.ROpen,
    ev(E.SendMessage),
    [A.RSndMessage],
    S.ROpen,
  ],
  ['R-Open: a received message is processed', S.ROpen, ev(E.RRcvMessage), [A.Process], S.ROpen],
  [
    'R-Open: Rcv-DWR is processed and answered with DWA',
    S.ROpen,
    ev(E.RRcvDWR),
    [A.ProcessDWR, A.RSndDWA],
    S.ROpen,
  ],
  ['R-Open: Rcv-DWA is processed', S.ROpen, ev(E.RRcvDWA), [A.ProcessDWA], S.ROpen],
  ['R-Open: a new R-Conn-CER is rejected', S.ROpen, ev(E.RConnCER), [A.RReject], S.ROpen],
  ['R-Open: Stop sends DPR and starts closing', S.ROpen, ev(E.Stop), [A.RSndDPR], S.Closing],
  ['R-Open: Rcv-DPR sends DPA and closes', S.ROpen, ev(E.RRcvDPR), [A.RSndDPA], S.Closing],
  ['R-Open: peer disconnect closes', S.ROpen, ev(E.RPeerDisc), [A.RDisc], S.Closed],
  [
    'I-Open: Send-Message sends on the initiator connection',
    S.IOpen,
    ev(E.SendMessage),
    [A.ISndMessage],
    S.IOpen,
  ],
  ['I-Open: a received message is processed', S.IOpen, ev(E.IRcvMessage), [A.Process], S.IOpen],
  [
    'I-Open: Rcv-DWR is processed and answered with DWA',
    S.IOpen,
    ev(E.IRcvDWR),
    [A.ProcessDWR, A.ISndDWA],
    S.IOpen,
  ],
  ['I-Open: Rcv-DWA is processed', S.IOpen, ev(E.IRcvDWA), [A.ProcessDWA], S.IOpen],
  ['I-Open: a new R-Conn-CER is rejected', S.IOpen, ev(E.RConnCER), [A.RReject], S.IOpen],
  ['I-Open: Stop sends DPR and starts closing', S.IOpen, ev(E.Stop), [A.ISndDPR], S.Closing],
  ['I-Open: Rcv-DPR sends DPA and closes', S.IOpen, ev(E.IRcvDPR), [A.ISndDPA], S.Closing],
  ['I-Open: peer disconnect closes', S.IOpen, ev(E.IPeerDisc), [A.IDisc], S.Closed],
  ['Closing: I-Rcv-DPA disconnects', S.Closing, ev(E.IRcvDPA), [A.IDisc], S.Closed],
  ['Closing: R-Rcv-DPA disconnects', S.Closing, ev(E.RRcvDPA), [A.RDisc], S.Closed],
  ['Closing: timeout is an error and closes', S.Closing, ev(E.Timeout), [A.Error], S.Closed],
  ['Closing: initiator disconnect closes', S.Closing, ev(E.IPeerDisc), [A.IDisc], S.Closed],
  ['Closing: responder disconnect closes', S.Closing, ev(E.RPeerDisc), [A.RDisc], S.Closed],
];

/** eapd's additions, documented in psm.ts. */
const EAPD_ROWS: readonly Row[] = [
  ['Wait-Conn-Ack: Stop gives up the connection attempt', S.WaitConnAck, ev(E.Stop), [A.Cleanup], S.Closed],
  ['Wait-I-CEA: Stop closes during the capabilities exchange', S.WaitICEA, ev(E.Stop), [A.Cleanup], S.Closed],
  [
    'Wait-Conn-Ack/Elect: Stop gives up both connections',
    S.WaitConnAckElect,
    ev(E.Stop),
    [A.Cleanup],
    S.Closed,
  ],
  ['Wait-Returns: Stop gives up both connections', S.WaitReturns, ev(E.Stop), [A.Cleanup], S.Closed],
  [
    'Wait-I-CEA: a refused CEA is processed, then an error closes',
    S.WaitICEA,
    cea(false),
    [A.ProcessCEA, A.Error],
    S.Closed,
  ],
  [
    'Wait-Returns: a refused CEA drops the initiator side and keeps the responder',
    S.WaitReturns,
    cea(false),
    [A.ProcessCEA, A.IDisc, A.RSndCEA],
    S.ROpen,
  ],
];

describe('peer state machine (RFC 6733 §5.6)', () => {
  for (const [name, from, event, actions, to] of [...RFC_ROWS, ...EAPD_ROWS]) {
    test(name, () => {
      const r = transition(from, event, LOSE);
      assert.equal(r.state, to);
      assert.deepEqual(r.actions, actions);
      assert.equal(r.unexpected, undefined);
    });
  }

  test('the RFC rows cover every state of the table', () => {
    assert.deepEqual(new Set(RFC_ROWS.map((r) => r[1])), new Set(Object.values(S)));
  });

  test('an event with no row leaves the state alone, does nothing and says so', () => {
    for (const [state, event] of [
      [S.Closed, ev(E.Timeout)],
      [S.Closed, ev(E.Stop)],
      [S.ROpen, ev(E.IRcvMessage)],
      [S.IOpen, ev(E.Timeout)],
      [S.Closing, ev(E.RConnCER)],
      [S.IOpen, cea(false)],
    ] as const) {
      const r = transition(state, event, LOSE);
      assert.equal(r.state, state);
      assert.deepEqual(r.actions, []);
      assert.equal(r.unexpected, true);
    }
  });

  test('Wait-I-CEA: R-Conn-CER with a won election drops our connection and answers CEA (R-Open)', () => {
    const r = transition(S.WaitICEA, ev(E.RConnCER), WIN);
    assert.equal(r.state, S.ROpen);
    assert.deepEqual(r.actions, [A.RAccept, A.ProcessCER, A.Elect, A.IDisc, A.RSndCEA]);
  });

  test('Wait-Conn-Ack/Elect: connection up with a won election sends CER, then drops it for R-Open', () => {
    const r = transition(S.WaitConnAckElect, ev(E.IRcvConnAck), WIN);
    assert.equal(r.state, S.ROpen);
    assert.deepEqual(r.actions, [A.ISndCER, A.Elect, A.IDisc, A.RSndCEA]);
  });

  test('a lost election waits in Wait-Returns for the winner to close the connection it initiated', () => {
    let r = transition(S.WaitICEA, ev(E.RConnCER), LOSE);
    assert.equal(r.state, S.WaitReturns);
    r = transition(r.state, ev(E.RPeerDisc), LOSE);
    assert.equal(r.state, S.WaitICEA);
    r = transition(r.state, cea(true), LOSE);
    assert.equal(r.state, S.IOpen);
  });

  test('the returned action lists cannot be mutated by a driver', () => {
    const r = transition(S.Closed, ev(E.Start), LOSE);
    assert.throws(() => (r.actions as PsmAction[]).push(A.Error));
  });
});

describe('election (RFC 6733 §5.6.4)', () => {
  test('higher Origin-Host wins', () => {
    assert.equal(electionWon('b.example.net', 'a.example.net'), true);
    assert.equal(electionWon('a.example.net', 'b.example.net'), false);
  });

  test('compares octets, so digits lose to letters', () => {
    assert.equal(electionWon('a.example.net', '9.example.net'), true);
  });

  test('ASCII case does not matter', () => {
    assert.equal(electionWon('B.example.net', 'a.example.net'), true);
    assert.equal(electionWon('A.EXAMPLE.NET', 'b.example.net'), false);
    assert.equal(electionWon('aaa.example.net', 'AAA.example.net'), false);
  });

  test('a longer name beats its own prefix', () => {
    assert.equal(electionWon('peer.example.net', 'peer.example'), true);
    assert.equal(electionWon('peer.example', 'peer.example.net'), false);
  });

  test('exactly one side wins between two different names', () => {
    const names = ['a', 'B', 'aa', 'ab', 'z.example', 'Z.example.net', '0', 'aaa.example.net'];
    for (const x of names) {
      for (const y of names) {
        if (x.toLowerCase() === y.toLowerCase()) continue;
        assert.notEqual(electionWon(x, y), electionWon(y, x), `${x} vs ${y}`);
      }
    }
  });
});
