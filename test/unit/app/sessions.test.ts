import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuthorizedSessions, type AuthorizedSession } from '../../../src/app/authorized-sessions.js';
import { buildAbortSessionAnswer, buildDer, runAuthentication } from '../../../src/app/nas-client.js';
import type { RequestSender } from '../../../src/app/request-sender.js';
import { SessionControl } from '../../../src/app/session-control.js';
import {
  CommandFlag,
  encodeAnswer,
  answerSkeleton,
  encodeMessage,
  MessageView,
  u32,
  utf8,
  validateMessage,
} from '../../../src/diameter/codec/index.js';
import {
  AvpCode,
  CommandCode,
  ReAuthRequestType,
  ResultCode,
  TerminationCause,
} from '../../../src/diameter/dict/constants.gen.js';
import { EapCode, EapType } from '../../../src/eap/index.js';
import { testDictionary } from '../../helpers/diameter-frames.js';
import {
  authResults,
  DEVICE,
  devicePeer,
  NAS_HOST,
  NAS_REALM,
  nasOptions,
  RELAY_HOST,
  resultCode,
  rig,
  SERVER_HOST,
  SERVER_REALM,
} from './fixtures.js';

function str(sessionId: string, applicationId: number): Buffer {
  return encodeMessage({
    commandCode: CommandCode.SessionTermination,
    applicationId,
    flags: CommandFlag.R | CommandFlag.P,
    hopByHop: 7,
    endToEnd: 8,
    avps: [
      utf8(AvpCode.SessionId, sessionId),
      utf8(AvpCode.OriginHost, NAS_HOST),
      utf8(AvpCode.OriginRealm, NAS_REALM),
      utf8(AvpCode.DestinationRealm, SERVER_REALM),
      u32(AvpCode.AuthApplicationId, 5),
      u32(AvpCode.TerminationCause, TerminationCause.DIAMETER_LOGOUT),
    ],
  });
}

describe('STR/STA (RFC 6733 §8.4)', () => {
  for (const applicationId of [5, 0, 1]) {
    test(`cleans up an authorized session and answers STA 2001 (STR with Application-Id ${applicationId})`, async () => {
      const r = await rig();
      const auth = await runAuthentication((f) => r.exchange(f), nasOptions(devicePeer()));
      assert.equal(auth.success, true);
      assert.equal(r.app.sessions.size, 1);
      const sta = await r.exchange(str(auth.sessionId, applicationId));
      assert.equal(sta.commandCode, CommandCode.SessionTermination);
      assert.equal(sta.applicationId, applicationId);
      assert.equal(resultCode(sta), ResultCode.DIAMETER_SUCCESS);
      assert.equal(sta.find(AvpCode.SessionId)?.asUtf8(), auth.sessionId);
      assert.equal(sta.find(AvpCode.OriginHost)?.asUtf8(), SERVER_HOST);
      assert.equal(r.app.sessions.size, 0);
      const again = await r.exchange(str(auth.sessionId, applicationId));
      assert.equal(resultCode(again), ResultCode.DIAMETER_UNKNOWN_SESSION_ID);
      assert.equal(again.isError, false);
    });
  }

  test('answers an STR for an unknown session with 5002', async () => {
    const r = await rig();
    const sta = await r.exchange(str('nas1.example.net;9;9', 5));
    assert.equal(resultCode(sta), ResultCode.DIAMETER_UNKNOWN_SESSION_ID);
  });

  test('aborts an EAP conversation in progress and publishes session_terminated', async () => {
    const r = await rig();
    const peer = devicePeer();
    const o = nasOptions(peer);
    const id = peer.receive(Buffer.from([EapCode.Request, 0, 0, 5, EapType.Identity])) as { packet: Buffer };
    const sessionId = o.nextSessionId();
    await r.exchange(buildDer(o, { sessionId, endToEnd: 1, eapPayload: id.packet, userName: DEVICE }));
    assert.equal(r.app.conversationCount, 1);
    const { value: sta, events } = await authResults(() => r.exchange(str(sessionId, 5)));
    assert.equal(resultCode(sta), ResultCode.DIAMETER_SUCCESS);
    assert.equal(r.app.conversationCount, 0);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.reason, 'session_terminated');
  });
});

const SESSION: AuthorizedSession = {
  sessionId: 'nas1.example.net;1;42',
  identity: DEVICE,
  nasHost: NAS_HOST,
  nasRealm: NAS_REALM,
  viaPeer: RELAY_HOST,
  since: 0,
};

/** Stands in for eapd's own Diameter node: records requests, answers with `reply`. */
class FakeSender implements RequestSender {
  readonly originHost = SERVER_HOST;
  readonly originRealm = SERVER_REALM;
  readonly sent: { viaPeer: string; frame: Buffer; timeoutMs: number }[] = [];
  #e2e = 100;
  constructor(readonly reply: (req: MessageView) => Buffer | Error) {}
  nextEndToEnd(): number {
    return ++this.#e2e;
  }
  async request(viaPeer: string, frame: Buffer, timeoutMs: number): Promise<MessageView> {
    this.sent.push({ viaPeer, frame, timeoutMs });
    const req = new MessageView(frame);
    const bad = validateMessage(testDictionary(), req);
    assert.equal(bad, undefined, `request invalid: ${bad?.message}`);
    const out = this.reply(req);
    if (out instanceof Error) throw out;
    return new MessageView(out);
  }
}

const nas = { originHost: NAS_HOST, originRealm: NAS_REALM };

function answerWith(rc: number, applicationId?: number) {
  return (req: MessageView): Buffer => {
    const skel = answerSkeleton(req);
    return encodeAnswer({ ...skel, applicationId: applicationId ?? skel.applicationId }, [
      u32(AvpCode.ResultCode, rc),
      utf8(AvpCode.OriginHost, NAS_HOST),
      utf8(AvpCode.OriginRealm, NAS_REALM),
    ]);
  };
}

describe('ASR/ASA and RAR/RAA (RFC 6733 §8.3, §8.5)', () => {
  test('sends an ASR through the relaying peer to the NAS and reports the ASA Result-Code', async () => {
    const sessions = new AuthorizedSessions(10);
    sessions.add(SESSION);
    const sender = new FakeSender((req) => buildAbortSessionAnswer(req, nas));
    const control = new SessionControl({ sender, sessions, timeoutMs: 500 });
    const outcomes = await control.abortSession(DEVICE);
    assert.deepEqual(outcomes, [{ sessionId: SESSION.sessionId, kind: 'answered', resultCode: 2001 }]);
    assert.equal(sender.sent.length, 1);
    const { viaPeer, frame, timeoutMs } = sender.sent[0]!;
    assert.equal(viaPeer, RELAY_HOST);
    assert.equal(timeoutMs, 500);
    const asr = new MessageView(frame);
    assert.equal(asr.commandCode, CommandCode.AbortSession);
    assert.equal(asr.applicationId, 5);
    assert.equal(asr.isRequest, true);
    assert.equal(asr.isProxiable, true);
    assert.equal(asr.endToEnd, 101);
    assert.equal(asr.find(AvpCode.SessionId)?.asUtf8(), SESSION.sessionId);
    assert.equal(asr.find(AvpCode.DestinationHost)?.asUtf8(), NAS_HOST);
    assert.equal(asr.find(AvpCode.DestinationRealm)?.asUtf8(), NAS_REALM);
    assert.equal(asr.find(AvpCode.OriginHost)?.asUtf8(), SERVER_HOST);
    assert.equal(asr.find(AvpCode.AuthApplicationId)?.asUnsigned32(), 5);
    // The session stays until the NAS's STR.
    assert.equal(sessions.size, 1);
  });

  test('the NAS client answers an ASR with a valid ASA 2001', () => {
    const asr = new MessageView(
      encodeMessage({
        commandCode: CommandCode.AbortSession,
        applicationId: 5,
        flags: CommandFlag.R | CommandFlag.P,
        hopByHop: 1,
        endToEnd: 2,
        avps: [
          utf8(AvpCode.SessionId, SESSION.sessionId),
          utf8(AvpCode.OriginHost, SERVER_HOST),
          utf8(AvpCode.OriginRealm, SERVER_REALM),
          utf8(AvpCode.DestinationRealm, NAS_REALM),
          utf8(AvpCode.DestinationHost, NAS_HOST),
          u32(AvpCode.AuthApplicationId, 5),
        ],
      }),
    );
    const asa = new MessageView(buildAbortSessionAnswer(asr, nas));
    assert.equal(validateMessage(testDictionary(), asa), undefined);
    assert.equal(resultCode(asa), 2001);
    assert.equal(asa.find(AvpCode.SessionId)?.asUtf8(), SESSION.sessionId);
    assert.equal(asa.hopByHop, 1);
    assert.equal(asa.endToEnd, 2);
  });

  for (const applicationId of [0, 1, 5]) {
    test(`accepts an RAA with Application-Id ${applicationId} and sends RAR with Re-Auth-Request-Type`, async () => {
      const sessions = new AuthorizedSessions(10);
      sessions.add(SESSION);
      const sender = new FakeSender(answerWith(2001, applicationId));
      const control = new SessionControl({ sender, sessions });
      const outcomes = await control.reauthenticate(SESSION.sessionId, ReAuthRequestType.AUTHORIZE_ONLY);
      assert.deepEqual(outcomes, [{ sessionId: SESSION.sessionId, kind: 'answered', resultCode: 2001 }]);
      const rar = new MessageView(sender.sent[0]!.frame);
      assert.equal(rar.commandCode, CommandCode.ReAuth);
      assert.equal(rar.applicationId, 5);
      assert.equal(rar.find(AvpCode.ReAuthRequestType)?.asUnsigned32(), ReAuthRequestType.AUTHORIZE_ONLY);
    });
  }

  test('reports a timeout, a wrong answer and an unknown Application-Id as errors', async () => {
    const sessions = new AuthorizedSessions(10);
    sessions.add(SESSION);
    const timeout = await new SessionControl({
      sender: new FakeSender(() => new Error('timeout after 500 ms')),
      sessions,
    }).abortSession(DEVICE);
    assert.deepEqual(timeout, [
      { sessionId: SESSION.sessionId, kind: 'error', message: 'timeout after 500 ms' },
    ]);
    const wrongApp = await new SessionControl({
      sender: new FakeSender(answerWith(2001, 4)),
      sessions,
    }).abortSession(DEVICE);
    assert.equal(wrongApp[0]!.kind, 'error');
    const wrongCmd = await new SessionControl({
      sender: new FakeSender((req) => {
        const a = Buffer.from(answerWith(2001)(req));
        a.writeUIntBE(CommandCode.ReAuth, 5, 3);
        return a;
      }),
      sessions,
    }).abortSession(DEVICE);
    assert.equal(wrongCmd[0]!.kind, 'error');
    assert.equal(sessions.size, 1);
  });

  test('forgets a session the NAS answers with 5002 DIAMETER_UNKNOWN_SESSION_ID', async () => {
    const sessions = new AuthorizedSessions(10);
    sessions.add(SESSION);
    const control = new SessionControl({ sender: new FakeSender(answerWith(5002)), sessions });
    const outcomes = await control.abortSession(SESSION.sessionId);
    assert.deepEqual(outcomes, [{ sessionId: SESSION.sessionId, kind: 'answered', resultCode: 5002 }]);
    assert.equal(sessions.size, 0);
  });

  test('sends nothing for an identity without sessions', async () => {
    const sender = new FakeSender(answerWith(2001));
    const outcomes = await new SessionControl({ sender, sessions: new AuthorizedSessions(10) }).abortSession(
      'nobody',
    );
    assert.deepEqual(outcomes, []);
    assert.equal(sender.sent.length, 0);
  });
});

describe('AuthorizedSessions', () => {
  test('is bounded: the oldest session is forgotten, the identity index follows', () => {
    const t = new AuthorizedSessions(2);
    t.add({ ...SESSION, sessionId: 'a' });
    t.add({ ...SESSION, sessionId: 'b' });
    t.add({ ...SESSION, sessionId: 'c', identity: 'other' });
    assert.equal(t.size, 2);
    assert.equal(t.get('a'), undefined);
    assert.deepEqual(
      t.byIdentity(DEVICE).map((s) => s.sessionId),
      ['b'],
    );
    assert.deepEqual(
      t.resolve('c').map((s) => s.identity),
      ['other'],
    );
    assert.equal(t.remove('b'), true);
    assert.deepEqual(t.byIdentity(DEVICE), []);
  });
});
