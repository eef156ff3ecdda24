/**
 * Issue 4 acceptance, differential: the same eapol_test cases against Debian's hostapd 2.10 (the
 * reference EAP-PSK RADIUS server, RFC 4764) and against eapd's RADIUS front, with the same
 * identities and keys; the outcomes must agree case by case, on the NAS's verdict (SUCCESS /
 * FAILURE, exit status, MPPE keys, EAP-Key-Name) and on the wire (the final RADIUS answer and the
 * EAP packet in it), and both captures must be clean for tshark.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  RADIUS_SECRET,
  SENSOR_1,
  SENSOR_1_WRONG_KEY,
  SENSOR_2,
  UNKNOWN_SENSOR,
  type PskUser,
} from './lib/credentials.js';
import { startEapd } from './lib/eapd.js';
import { runEapolTest, type EapolTestResult } from './lib/eapol-peer.js';
import { startHostapd } from './lib/hostapd.js';
import { freePort, LOOPBACK } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { checkCapture, startCapture, type Capture, type WireRadiusPacket } from './lib/tshark.js';

/** RFC 2865 §3 packet codes. */
const RADIUS_CODE = { accessRequest: 1, accessAccept: 2, accessReject: 3, accessChallenge: 11 } as const;
/** RFC 3748 §4 EAP codes; RFC 4764 §3 EAP-PSK is type 47. */
const EAP_CODE = { request: 1, response: 2, success: 3, failure: 4 } as const;
const EAP_TYPE_PSK = 47;

const SERVERS = ['hostapd', 'eapd'] as const;
type Server = (typeof SERVERS)[number];

interface Case {
  readonly name: string;
  readonly user: PskUser;
  readonly succeeds: boolean;
}

const CASES: readonly Case[] = [
  { name: 'good key', user: SENSOR_1, succeeds: true },
  { name: 'second identity', user: SENSOR_2, succeeds: true },
  { name: 'wrong key', user: SENSOR_1_WRONG_KEY, succeeds: false },
  { name: 'unknown identity', user: UNKNOWN_SENSOR, succeeds: false },
];

/** What a NAS can observe of one authentication: the part both servers must agree on. */
interface Verdict {
  readonly exitCode: number | null;
  readonly lastLine: string;
  readonly success: boolean;
  readonly mppeKeysOk: number;
  readonly mppeKeysMismatch: number;
  readonly sessionIdMatchesKeyName: boolean;
}

function verdictOf(result: EapolTestResult): Verdict {
  return {
    exitCode: result.exit.code,
    lastLine: result.lastLine,
    success: result.success,
    mppeKeysOk: result.mppeKeysOk,
    mppeKeysMismatch: result.mppeKeysMismatch,
    sessionIdMatchesKeyName: result.sessionIdMatchesKeyName,
  };
}

/** The final answer of each authentication a server sent, in order: [RADIUS code, EAP code]. */
function finalAnswers(packets: readonly WireRadiusPacket[], server: string): [number, number | undefined][] {
  return packets
    .filter(
      (p) =>
        p.src === server && p.code !== RADIUS_CODE.accessChallenge && p.code !== RADIUS_CODE.accessRequest,
    )
    .map((p) => [p.code, p.eap?.code]);
}

describe('differential: hostapd (reference) and eapd answer eapol_test alike', () => {
  const rig = Rig.open('radius-differential', { after });
  const ports: Record<Server, number> = { hostapd: 0, eapd: 0 };
  const results = new Map<string, Record<Server, EapolTestResult>>();
  let capture: Capture;

  before(async () => {
    ports.hostapd = await freePort('udp');
    ports.eapd = await freePort('udp');
    const diameterPort = await freePort('tcp');
    const adminPort = await freePort('tcp');
    capture = await startCapture(rig, { udpPorts: [ports.hostapd, ports.eapd], name: 'radius' });
    await startHostapd(rig, { port: ports.hostapd, secret: RADIUS_SECRET, users: [SENSOR_1, SENSOR_2] });
    const eapd = await startEapd(rig, {
      originHost: 'aaa.home.example',
      originRealm: 'home.example',
      diameterPort,
      adminPort,
      radiusPort: ports.eapd,
      radiusSecret: RADIUS_SECRET,
    });
    for (const user of [SENSOR_1, SENSOR_2]) {
      const r = await eapd.cli(['device', 'add', user.identity, '--psk', user.pskHex]);
      assert.equal(r.code, 0, r.log);
    }
  });

  for (const c of CASES) {
    test(`${c.name}: both servers give the same verdict (${c.succeeds ? 'SUCCESS' : 'FAILURE'})`, async () => {
      const run = (server: Server): Promise<EapolTestResult> =>
        // -e: ask for EAP-Key-Name; hostapd sends it regardless, eapd only when asked (RFC 4072 §4.1.4).
        runEapolTest(rig, {
          user: c.user,
          host: LOOPBACK,
          port: ports[server],
          secret: RADIUS_SECRET,
          extraArgs: ['-e'],
        });
      const hostapd = await run('hostapd');
      const eapd = await run('eapd');
      results.set(c.name, { hostapd, eapd });
      const where = `hostapd log ${hostapd.logFile}, eapd log ${eapd.logFile}`;
      assert.deepEqual(verdictOf(eapd), verdictOf(hostapd), where);
      assert.equal(hostapd.success, c.succeeds, where);
      assert.equal(hostapd.lastLine, c.succeeds ? 'SUCCESS' : 'FAILURE', where);
      if (c.succeeds) {
        for (const r of [hostapd, eapd]) {
          assert.equal(r.mppeKeysOk, 1, where);
          assert.equal(r.mppeKeysMismatch, 0, where);
          assert.ok(r.sessionIdMatchesKeyName, where);
        }
      }
    });
  }

  test('both captures are clean and end each case with the same RADIUS answer and EAP packet', async () => {
    const report = await checkCapture(await capture.stop(), { radiusPorts: [ports.hostapd, ports.eapd] });
    assert.ok(report.ok, report.output);
    assert.equal(results.size, CASES.length, 'every case ran');
    const expected = CASES.map((c) =>
      c.succeeds
        ? [RADIUS_CODE.accessAccept, EAP_CODE.success]
        : [RADIUS_CODE.accessReject, EAP_CODE.failure],
    );
    for (const server of SERVERS) {
      const address = `${LOOPBACK}:${ports[server]}`;
      assert.deepEqual(finalAnswers(report.radius, address), expected, `${server}\n${report.output}`);
      const challenges = report.radius.filter(
        (p) => p.src === address && p.code === RADIUS_CODE.accessChallenge,
      );
      assert.ok(challenges.length > 0, `${server}\n${report.output}`);
      for (const challenge of challenges)
        assert.deepEqual(
          [challenge.eap?.code, challenge.eap?.type],
          [EAP_CODE.request, EAP_TYPE_PSK],
          report.output,
        );
      // Every request that reached a server was answered (eapol_test -r 0 sends no retransmission
      // here: each answer came at once).
      const requests = report.radius.filter((p) => p.dst === address && p.code === RADIUS_CODE.accessRequest);
      const answers = report.radius.filter((p) => p.src === address);
      assert.equal(answers.length, requests.length, `${server}\n${report.output}`);
    }
  });
});
