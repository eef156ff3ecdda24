/**
 * hostapd 2.10 as the reference EAP-PSK (RFC 4764) RADIUS server, driven by eapol_test: the hostapd
 * half of the hostapd-vs-eapd differential test, and the proof that the rig's launchers work.
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
import { runEapolTest, type EapolTestResult } from './lib/eapol-peer.js';
import { startHostapd, type Hostapd } from './lib/hostapd.js';
import { freePort } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { checkCapture, startCapture } from './lib/tshark.js';

/** RFC 2865 §3 packet codes. */
const RADIUS_CODE = { accessRequest: 1, accessAccept: 2, accessReject: 3, accessChallenge: 11 } as const;
/** RFC 3748 §4 EAP codes and §5 types; RFC 4764 §3 EAP-PSK type 47. */
const EAP_CODE = { request: 1, response: 2, success: 3, failure: 4 } as const;
const EAP_TYPE_IDENTITY = 1;
const EAP_TYPE_PSK = 47;

function explain(result: EapolTestResult): string {
  return `eapol_test exit ${result.exit.code}, last line ${result.lastLine}, log ${result.logFile}`;
}

describe('hostapd as the reference EAP-PSK RADIUS server', () => {
  const rig = Rig.open('hostapd-reference', { after });
  let hostapd: Hostapd;
  let port: number;

  before(async () => {
    port = await freePort('udp');
    hostapd = await startHostapd(rig, { port, secret: RADIUS_SECRET, users: [SENSOR_1, SENSOR_2] });
  });

  const authenticate = (user: PskUser): Promise<EapolTestResult> =>
    runEapolTest(rig, { user, host: hostapd.host, port: hostapd.port, secret: hostapd.secret });

  test('accepts the right key: SUCCESS, MPPE keys match the MSK, Session-Id matches EAP-Key-Name', async () => {
    const result = await authenticate(SENSOR_1);
    assert.equal(result.exit.code, 0, explain(result));
    assert.equal(result.lastLine, 'SUCCESS', explain(result));
    assert.equal(result.mppeKeysOk, 1, explain(result));
    assert.equal(result.mppeKeysMismatch, 0, explain(result));
    assert.ok(result.sessionIdMatchesKeyName, explain(result));
  });

  test('looks the key up per identity: a second sensor with its own key succeeds', async () => {
    const result = await authenticate(SENSOR_2);
    assert.ok(result.success, explain(result));
    assert.equal(result.mppeKeysOk, 1, explain(result));
  });

  test('rejects a wrong key with FAILURE and no keys', async () => {
    const result = await authenticate(SENSOR_1_WRONG_KEY);
    assert.notEqual(result.exit.code, 0, explain(result));
    assert.equal(result.lastLine, 'FAILURE', explain(result));
    assert.equal(result.mppeKeysOk, 0, explain(result));
    assert.ok(!result.sessionIdMatchesKeyName, explain(result));
  });

  test('rejects an unknown identity with FAILURE', async () => {
    const result = await authenticate(UNKNOWN_SENSOR);
    assert.notEqual(result.exit.code, 0, explain(result));
    assert.equal(result.lastLine, 'FAILURE', explain(result));
    assert.equal(result.mppeKeysOk, 0, explain(result));
  });

  test('puts only well-formed RADIUS on the wire: EAP-PSK in challenges, Accept then Reject', async () => {
    const capture = await startCapture(rig, { udpPorts: [port], name: 'radius' });
    const good = await authenticate(SENSOR_1);
    const bad = await authenticate(SENSOR_1_WRONG_KEY);
    assert.ok(good.success, explain(good));
    assert.ok(!bad.success, explain(bad));
    const report = await checkCapture(await capture.stop(), { radiusPorts: [port] });

    assert.ok(report.ok, report.output);
    assert.equal(report.diameter.length, 0, report.output);
    const codes = report.radius.map((p) => p.code);
    assert.equal(codes.filter((c) => c === RADIUS_CODE.accessAccept).length, 1, report.output);
    assert.equal(codes.filter((c) => c === RADIUS_CODE.accessReject).length, 1, report.output);
    assert.ok(
      codes.indexOf(RADIUS_CODE.accessAccept) < codes.indexOf(RADIUS_CODE.accessReject),
      report.output,
    );

    // The NAS (eapol_test) does the Identity round itself: the first request carries
    // EAP-Response/Identity and hostapd's first challenge is already EAP-PSK (first message).
    const first = report.radius[0];
    assert.equal(first?.code, RADIUS_CODE.accessRequest, report.output);
    assert.deepEqual(
      [first?.eap?.code, first?.eap?.type],
      [EAP_CODE.response, EAP_TYPE_IDENTITY],
      report.output,
    );
    for (const challenge of report.radius.filter((p) => p.code === RADIUS_CODE.accessChallenge)) {
      assert.deepEqual(
        [challenge.eap?.code, challenge.eap?.type],
        [EAP_CODE.request, EAP_TYPE_PSK],
        report.output,
      );
    }
    const accept = report.radius.find((p) => p.code === RADIUS_CODE.accessAccept);
    const reject = report.radius.find((p) => p.code === RADIUS_CODE.accessReject);
    assert.equal(accept?.eap?.code, EAP_CODE.success, report.output);
    assert.equal(reject?.eap?.code, EAP_CODE.failure, report.output);
    // Every answer goes back to the address and port the request came from.
    for (const answer of report.radius.filter((p) => p.code !== RADIUS_CODE.accessRequest)) {
      assert.equal(answer.src, `${hostapd.host}:${port}`, report.output);
    }
  });
});
