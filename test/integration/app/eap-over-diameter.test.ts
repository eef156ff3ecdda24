/**
 * Issue 3 integration: the composed server (startEapd: store, node, RFC 4072 application, admin)
 * on loopback TCP with a temp SQLite store, driven by the project's NAS client over a real
 * Diameter connection.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildDer, runAuthentication, type NasClientOptions } from '../../../src/app/nas-client.js';
import { MessageView } from '../../../src/diameter/codec/index.js';
import { ApplicationId, AvpCode, CommandCode, ResultCode } from '../../../src/diameter/dict/constants.gen.js';
import { loadDefaultDictionaries } from '../../../src/diameter/dict/index.js';
import { DiameterClient } from '../../../src/diameter/node/client.js';
import { SessionIdGenerator } from '../../../src/diameter/node/session-id.js';
import { TcpTransport } from '../../../src/diameter/transport/tcp.js';
import { buildIdentity } from '../../../src/eap/packet.js';
import { EapPskPeer } from '../../../src/eap/index.js';
import { startEapd, type RunningEapd } from '../../../src/main.js';
import { buildAbortSessionAnswer } from '../../../src/app/nas-client.js';
import { loadConfig } from '../../../src/ops/config/load.js';
import { silentLogger } from '../../../src/ops/logging.js';
import { repoRoot } from '../../helpers/paths.js';
import { quietLogger } from '../../helpers/node-fixture.js';

const PSK = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const WRONG = Buffer.from('000102030405060708090a0b0c0d0e0e', 'hex');
const GOOD = 'sensor-0001@iot.example';
const TIMEOUT_MS = 5000;

const tokenFiles = new WeakMap<RunningEapd, string>();

async function eapd(env: Record<string, string> = {}): Promise<RunningEapd> {
  const dir = mkdtempSync(join(tmpdir(), 'eapd-int-'));
  const config = loadConfig({
    env: {
      EAPD_ORIGIN_HOST: 'aaa.home.example',
      EAPD_ORIGIN_REALM: 'home.example',
      EAPD_DIAMETER_HOST: '127.0.0.1',
      EAPD_DIAMETER_PORT: '0',
      EAPD_ADMIN_PORT: '0',
      EAPD_RADIUS_ENABLED: 'false',
      EAPD_STORE: join(dir, 'eapd.sqlite'),
      EAPD_MASTER_KEY_FILE: join(dir, 'master.key'),
      EAPD_ADMIN_TOKEN_FILE: join(dir, 'admin.token'),
      ...env,
    },
  });
  const running = await startEapd(config, silentLogger());
  tokenFiles.set(running, join(dir, 'admin.token'));
  await running.store.add({ identity: GOOD, psk: PSK });
  await running.store.add({ identity: 'sensor-off@iot.example', psk: PSK, enabled: false });
  await running.store.add({ identity: 'sensor-asr@iot.example', psk: PSK });
  await running.store.add({
    identity: 'sensor-mac@iot.example',
    psk: PSK,
    allowedMacs: ['00-11-22-33-44-55'],
  });
  await running.store.add({ identity: 'sensor-ap@iot.example', psk: PSK, allowedAps: ['AA-BB-CC-DD-EE-FF'] });
  return running;
}

async function client(server: RunningEapd): Promise<DiameterClient> {
  return DiameterClient.connect(new TcpTransport(), '127.0.0.1', server.diameterPort, {
    local: {
      originHost: 'nas.edge.example',
      originRealm: 'edge.example',
      originStateId: 1,
      vendorId: 0,
      productName: 'test-nas',
      firmwareRevision: 1,
      authApplicationIds: [ApplicationId.DiameterEAP],
      acctApplicationIds: [],
    },
    dictionary: loadDefaultDictionaries(join(repoRoot(), 'dictionaries')),
    logger: quietLogger,
  });
}

const sessions = new SessionIdGenerator('nas.edge.example');

function nas(
  c: DiameterClient,
  identity: string,
  psk: Buffer,
  extra: Partial<NasClientOptions> = {},
): NasClientOptions {
  return {
    originHost: 'nas.edge.example',
    originRealm: 'edge.example',
    destinationRealm: 'home.example',
    nextSessionId: () => sessions.next('int'),
    nextEndToEnd: () => c.nextEndToEnd(),
    peer: new EapPskPeer({ peerId: identity, psk }),
    ...extra,
  };
}

function send(c: DiameterClient) {
  return (frame: Buffer): Promise<MessageView> => c.request(frame, TIMEOUT_MS);
}

describe('EAP-PSK over Diameter EAP (RFC 4072) against the composed server', () => {
  let server: RunningEapd;
  let c: DiameterClient;
  before(async () => {
    server = await eapd();
    c = await client(server);
  });
  after(async () => {
    await c.close();
    await server.stop();
  });

  test('a device with the right PSK gets 2001 and the MSK the peer derived', async () => {
    const r = await runAuthentication(send(c), nas(c, GOOD, PSK));
    assert.equal(r.resultCode, ResultCode.DIAMETER_SUCCESS);
    assert.equal(r.success, true);
    assert.equal(r.rounds, 3);
    assert.ok(r.msk && r.peerMsk && r.msk.equals(r.peerMsk));
    assert.equal(r.msk.length, 64);
    assert.equal(r.keyName?.length, 33, 'EAP-Key-Name is the 33-byte EAP Session-Id');
  });

  test('a wrong PSK gets 4001 with EAP-Failure', async () => {
    const r = await runAuthentication(send(c), nas(c, GOOD, WRONG));
    assert.equal(r.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    const eap = r.lastAnswer?.find(AvpCode.EAPPayload)?.data;
    assert.equal(eap?.[0], 4, 'EAP-Failure');
    assert.equal(r.lastAnswer?.find(AvpCode.EAPMasterSessionKey), undefined);
  });

  test('an unknown device gets 4001', async () => {
    const r = await runAuthentication(send(c), nas(c, 'nobody@iot.example', PSK));
    assert.equal(r.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
  });

  test('a disabled device gets 4001', async () => {
    const r = await runAuthentication(send(c), nas(c, 'sensor-off@iot.example', PSK));
    assert.equal(r.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
  });

  test('a captured device from another MAC gets 4001, from its own MAC 2001', async () => {
    const bad = await runAuthentication(
      send(c),
      nas(c, 'sensor-mac@iot.example', PSK, { callingStationId: '00-11-22-33-44-66' }),
    );
    assert.equal(bad.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    const good = await runAuthentication(
      send(c),
      nas(c, 'sensor-mac@iot.example', PSK, { callingStationId: '00:11:22:33:44:55' }),
    );
    assert.equal(good.resultCode, ResultCode.DIAMETER_SUCCESS);
  });

  test('a captured device through another access point gets 4001, through its own 2001', async () => {
    const bad = await runAuthentication(
      send(c),
      nas(c, 'sensor-ap@iot.example', PSK, { calledStationId: 'AA-BB-CC-DD-EE-00:iot' }),
    );
    assert.equal(bad.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
    const good = await runAuthentication(
      send(c),
      nas(c, 'sensor-ap@iot.example', PSK, { calledStationId: 'AA-BB-CC-DD-EE-FF:iot' }),
    );
    assert.equal(good.resultCode, ResultCode.DIAMETER_SUCCESS);
  });

  test('EAP-Start (an empty EAP-Payload) is answered with EAP-Request/Identity and then succeeds', async () => {
    const r = await runAuthentication(send(c), nas(c, GOOD, PSK, { eapStart: true }));
    assert.equal(r.resultCode, ResultCode.DIAMETER_SUCCESS);
    assert.equal(r.rounds, 4);
  });

  test('a duplicate DER (same Origin-Host and End-to-End) gets the same answer and does not advance the conversation', async () => {
    const o = nas(c, GOOD, PSK);
    const sessionId = o.nextSessionId();
    const e2e = c.nextEndToEnd();
    const identity = buildIdentity(2, 0, GOOD);
    const der = buildDer(o, { sessionId, endToEnd: e2e, eapPayload: identity, userName: GOOD });
    const first = await c.request(Buffer.from(der), TIMEOUT_MS);
    const again = await c.request(Buffer.from(der), TIMEOUT_MS);
    assert.equal(first.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
    const strip = (m: MessageView) => Buffer.concat([m.frame.subarray(0, 12), m.frame.subarray(16)]);
    assert.deepEqual(strip(again), strip(first), 'byte-identical but for the Hop-by-Hop id');
    // The conversation is still at PSK-1: the peer's PSK-2 to that PSK-1 is accepted.
    const peer = o.peer;
    const step = peer.receive(Buffer.from(first.find(AvpCode.EAPPayload)!.data));
    assert.equal(step.kind, 'response');
    const der2 = buildDer(o, {
      sessionId,
      endToEnd: c.nextEndToEnd(),
      eapPayload: (step as { packet: Buffer }).packet,
      userName: GOOD,
      previous: first,
    });
    const second = await c.request(der2, TIMEOUT_MS);
    assert.equal(second.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
  });

  test('a tampered PCHANNEL in PSK-4 ends in 4001', async () => {
    const o = nas(c, GOOD, PSK);
    let round = 0;
    const tamper = async (frame: Buffer): Promise<MessageView> => {
      round++;
      if (round === 3) {
        const m = new MessageView(frame);
        const eap = m.find(AvpCode.EAPPayload)!;
        const off = eap.offset + (eap.length - eap.data.length);
        frame[off + eap.data.length - 1]! ^= 0x01; // flip the encrypted R byte
      }
      return c.request(frame, TIMEOUT_MS);
    };
    const r = await runAuthentication(tamper, o);
    assert.equal(r.resultCode, ResultCode.DIAMETER_AUTHENTICATION_REJECTED);
  });

  test('STR ends an authorized session with STA 2001; a second STR gets 5002', async () => {
    const r = await runAuthentication(send(c), nas(c, GOOD, PSK));
    assert.equal(r.resultCode, ResultCode.DIAMETER_SUCCESS);
    const { encodeMessage, u32, utf8, CommandFlag } = await import('../../../src/diameter/codec/index.js');
    const str = () =>
      encodeMessage({
        commandCode: CommandCode.SessionTermination,
        applicationId: ApplicationId.DiameterEAP,
        flags: CommandFlag.R | CommandFlag.P,
        hopByHop: 0,
        endToEnd: c.nextEndToEnd(),
        avps: [
          utf8(AvpCode.SessionId, r.sessionId),
          utf8(AvpCode.OriginHost, 'nas.edge.example'),
          utf8(AvpCode.OriginRealm, 'edge.example'),
          utf8(AvpCode.DestinationRealm, 'home.example'),
          u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
          u32(AvpCode.TerminationCause, 1),
        ],
      });
    const sta = await c.request(str(), TIMEOUT_MS);
    assert.equal(sta.commandCode, CommandCode.SessionTermination);
    assert.equal(sta.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_SUCCESS);
    const sta2 = await c.request(str(), TIMEOUT_MS);
    assert.equal(sta2.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_UNKNOWN_SESSION_ID);
  });

  test('eapd session abort sends an ASR that reaches the NAS, which answers ASA 2001', async () => {
    const asrs: string[] = [];
    c.onRequest((req) => {
      if (req.commandCode !== CommandCode.AbortSession) return undefined;
      asrs.push(req.find(AvpCode.SessionId)?.asUtf8() ?? '');
      return buildAbortSessionAnswer(req, { originHost: 'nas.edge.example', originRealm: 'edge.example' });
    });
    const r = await runAuthentication(send(c), nas(c, 'sensor-asr@iot.example', PSK));
    assert.equal(r.resultCode, ResultCode.DIAMETER_SUCCESS);
    const token = readFileSync(tokenFiles.get(server)!, 'utf8').trim();
    const res = await fetch(`http://127.0.0.1:${server.adminPort}/api/sessions/abort`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ identity: 'sensor-asr@iot.example' }),
    });
    const body = (await res.json()) as {
      outcomes: { sessionId: string; kind: string; resultCode?: number }[];
    };
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(asrs, [r.sessionId]);
    assert.deepEqual(body.outcomes, [
      { sessionId: r.sessionId, kind: 'answered', resultCode: ResultCode.DIAMETER_SUCCESS },
    ]);
  });

  test('1,000 authentications, 50 at a time on one connection: all succeed and every MSK matches', async () => {
    let next = 0;
    let ok = 0;
    const worker = async () => {
      while (next < 1000) {
        next++;
        const r = await runAuthentication(send(c), nas(c, GOOD, PSK));
        if (r.success && r.msk && r.peerMsk && r.msk.equals(r.peerMsk)) ok++;
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    assert.equal(ok, 1000);
  });
});

describe('EAP conversation limits', () => {
  test('beyond the session cap a new conversation gets 3004 with the E bit', async () => {
    const server = await eapd({ EAPD_MAX_SESSIONS: '2' });
    const c = await client(server);
    try {
      const firstDer = () => {
        const o = nas(c, GOOD, PSK);
        return buildDer(o, {
          sessionId: o.nextSessionId(),
          endToEnd: c.nextEndToEnd(),
          eapPayload: buildIdentity(2, 0, GOOD),
          userName: GOOD,
        });
      };
      const a = await c.request(firstDer(), TIMEOUT_MS);
      const b = await c.request(firstDer(), TIMEOUT_MS);
      assert.equal(a.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
      assert.equal(b.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
      const busy = await c.request(firstDer(), TIMEOUT_MS);
      assert.equal(busy.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_TOO_BUSY);
      assert.equal(busy.isError, true);
    } finally {
      await c.close();
      await server.stop();
    }
  });

  test('an abandoned conversation expires after the multi-round timeout', async () => {
    const server = await eapd({ EAPD_MULTI_ROUND_TIMEOUT_SECONDS: '1' });
    const c = await client(server);
    try {
      const o = nas(c, GOOD, PSK);
      const sessionId = o.nextSessionId();
      const first = await c.request(
        buildDer(o, {
          sessionId,
          endToEnd: c.nextEndToEnd(),
          eapPayload: buildIdentity(2, 0, GOOD),
          userName: GOOD,
        }),
        TIMEOUT_MS,
      );
      assert.equal(first.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_MULTI_ROUND_AUTH);
      await new Promise((r) => setTimeout(r, 2500));
      const metrics = await server.metrics.metricsText();
      assert.match(metrics, /eapd_eap_sessions_active 0/);
      const step = o.peer.receive(Buffer.from(first.find(AvpCode.EAPPayload)!.data));
      const late = await c.request(
        buildDer(o, {
          sessionId,
          endToEnd: c.nextEndToEnd(),
          eapPayload: (step as { packet: Buffer }).packet,
          userName: GOOD,
          previous: first,
        }),
        TIMEOUT_MS,
      );
      assert.equal(
        late.find(AvpCode.ResultCode)?.asUnsigned32(),
        ResultCode.DIAMETER_AUTHENTICATION_REJECTED,
      );
      assert.match(
        await server.metrics.metricsText(),
        /eapd_eap_authentications_total\{method="psk",result="failure",transport="diameter"\} [1-9]/,
      );
    } finally {
      await c.close();
      await server.stop();
    }
  });
});
