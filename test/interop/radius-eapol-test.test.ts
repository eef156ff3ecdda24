/**
 * Issue 4 acceptance: Debian's eapol_test (wpa_supplicant's EAP-PSK peer acting as the NAS)
 * against the real eapd's RADIUS front (RFC 2865, RFC 3579, RFC 2548 MS-MPPE keys, RFC 3580
 * station attributes): the right key succeeds with matching MPPE keys and EAP-Key-Name, a wrong
 * key, an unknown identity, a disabled device and a station outside the device's allowed MACs or
 * APs fail; the capture is clean for tshark; /metrics and the audit log count exactly what the
 * NAS saw.
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
import { startEapd, type EapdUnderTest } from './lib/eapd.js';
import { runEapolTest, type EapolTestResult } from './lib/eapol-peer.js';
import { freePort, LOOPBACK } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { checkCapture, startCapture, type Capture, type CaptureReport } from './lib/tshark.js';

/** RFC 2865 §3 packet codes. */
const RADIUS_CODE = { accessRequest: 1, accessAccept: 2, accessReject: 3, accessChallenge: 11 } as const;
/** RFC 3748 §4 EAP codes; RFC 4764 §3 EAP-PSK is type 47. */
const EAP_CODE = { request: 1, response: 2, success: 3, failure: 4 } as const;
const EAP_TYPE_PSK = 47;
/** RFC 2865 §5.30 Called-Station-Id, sent by eapol_test only through `-N 30:s:VALUE`. */
const ATTR_CALLED_STATION_ID = 30;
/** RFC 2548 §2.4.2/§2.4.3: MS-MPPE-Recv-Key and MS-MPPE-Send-Key in every Access-Accept. */
const MPPE_KEYS_PER_ACCEPT = 2;

/** eapol_test's own MAC (its Calling-Station-Id) unless `-M` changes it, in the RFC 3580 §3.21 form. */
const EAPOL_TEST_DEFAULT_MAC = '02-00-00-00-00-01';
const ALLOWED_MAC = 'AA-BB-CC-DD-EE-FF';
/** RFC 3580 §3.20: BSSID ":" SSID. */
const ALLOWED_AP = '00-10-A4-23-19-C0:Office';
const OTHER_SSID_AP = '00-10-A4-23-19-C0:Guest';
/** The allowed AP as a NAS may write it (colons, lower case): the MAC part is compared normalised. */
const ALLOWED_AP_AS_SENT = '00:10:a4:23:19:c0:Office';

/** Test-only devices with a capture policy (allowed MACs / allowed APs). */
const MAC_BOUND: PskUser = {
  identity: 'sensor-0101@iot.example',
  pskHex: '8f7e6d5c4b3a29180f1e2d3c4b5a6978',
};
const AP_BOUND: PskUser = { identity: 'sensor-0102@iot.example', pskHex: '1032547698badcfe0123456789abcdef' };

const ORIGIN_HOST = 'aaa.home.example';
const ORIGIN_REALM = 'home.example';
/** The name eapd gives the client of EAPD_RADIUS_SECRET (127.0.0.1 and ::1). */
const LOOPBACK_CLIENT = 'loopback';

const AUDIT_EVENT = 'authentication';
const REASON = {
  ok: 'ok',
  badMacP: 'bad_mac_p',
  unknownPeer: 'unknown_peer',
  policyRejected: 'policy_rejected',
} as const;
const POLICY = { disabled: 'device_disabled', mac: 'mac_not_allowed', ap: 'ap_not_allowed' } as const;

/** One eapol_test run and what eapd must have recorded for it. */
interface Run {
  readonly user: PskUser;
  readonly result: EapolTestResult;
  readonly expected: 'success' | 'failure';
  readonly reason: string;
  readonly detail?: string;
  /** Calling-Station-Id as the audit line shows it. */
  readonly mac: string;
}

interface RunOptions {
  readonly expected: Run['expected'];
  readonly reason: string;
  readonly detail?: string;
  /** eapol_test -M (Calling-Station-Id). */
  readonly mac?: string;
  /** Called-Station-Id sent with -N 30:s:VALUE. */
  readonly ap?: string;
  /** eapol_test -e: put an empty EAP-Key-Name in the requests (RFC 4072 §4.1.4 semantics). */
  readonly requestKeyName?: boolean;
}

function explain(result: EapolTestResult): string {
  return `eapol_test exit ${result.exit.code}, last line ${result.lastLine}, log ${result.logFile}`;
}

/** The value of one sample of a Prometheus text exposition, 0 when the series is absent. */
function sample(metrics: string, name: string, labels: Readonly<Record<string, string>>): number {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.lastIndexOf('}');
    const found = new Map(
      [...line.slice(name.length + 1, close).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(
        (m) => [m[1], m[2]] as const,
      ),
    );
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v))
      return Number(line.slice(close + 1).trim());
  }
  return 0;
}

/** The JSON audit lines of finished authentications in eapd's log. */
function auditLines(log: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    if (record['audit'] === true && record['event'] === AUDIT_EVENT) records.push(record);
  }
  return records;
}

/** `MS-MPPE-Recv-Key (crypt) - hexdump(len=32): be d2 ...` in eapol_test's log → contiguous hex. */
function mppeKeysHex(log: string): string[] {
  return [
    ...log.matchAll(/MS-MPPE-(?:Recv|Send)-Key \([a-z]+\) - hexdump\(len=\d+\):((?: [0-9a-f]{2})+)/g),
  ].map((m) => (m[1] ?? '').replace(/ /g, ''));
}

describe('eapd RADIUS front against eapol_test (EAP-PSK)', () => {
  const rig = Rig.open('radius-eapol-test', { after });
  const runs: Run[] = [];
  let eapd: EapdUnderTest;
  let radiusPort: number;
  let adminPort: number;
  let capture: Capture;
  let report: CaptureReport | undefined;

  before(async () => {
    radiusPort = await freePort('udp');
    const diameterPort = await freePort('tcp');
    adminPort = await freePort('tcp');
    capture = await startCapture(rig, { udpPorts: [radiusPort], name: 'radius' });
    eapd = await startEapd(rig, {
      originHost: ORIGIN_HOST,
      originRealm: ORIGIN_REALM,
      diameterPort,
      adminPort,
      radiusPort,
      radiusSecret: RADIUS_SECRET,
    });
    const provision: string[][] = [
      ['device', 'add', SENSOR_1.identity, '--psk', SENSOR_1.pskHex],
      ['device', 'add', SENSOR_2.identity, '--psk', SENSOR_2.pskHex],
      ['device', 'add', MAC_BOUND.identity, '--psk', MAC_BOUND.pskHex, '--allow-mac', ALLOWED_MAC],
      ['device', 'add', AP_BOUND.identity, '--psk', AP_BOUND.pskHex, '--allow-ap', ALLOWED_AP],
    ];
    for (const args of provision) {
      const r = await eapd.cli(args);
      assert.equal(r.code, 0, `eapd ${args.slice(0, 3).join(' ')}: ${r.log}`);
    }
  });

  const authenticate = async (user: PskUser, options: RunOptions): Promise<EapolTestResult> => {
    const extraArgs = [
      ...(options.requestKeyName === false ? [] : ['-e']),
      ...(options.mac === undefined ? [] : ['-M', options.mac]),
      ...(options.ap === undefined ? [] : ['-N', `${ATTR_CALLED_STATION_ID}:s:${options.ap}`]),
    ];
    const result = await runEapolTest(rig, {
      user,
      host: LOOPBACK,
      port: radiusPort,
      secret: RADIUS_SECRET,
      extraArgs,
    });
    runs.push({
      user,
      result,
      expected: options.expected,
      reason: options.reason,
      ...(options.detail === undefined ? {} : { detail: options.detail }),
      mac: options.mac === undefined ? EAPOL_TEST_DEFAULT_MAC : options.mac.replace(/:/g, '-').toUpperCase(),
    });
    return result;
  };

  const assertSuccess = (result: EapolTestResult): void => {
    assert.equal(result.exit.code, 0, explain(result));
    assert.equal(result.lastLine, 'SUCCESS', explain(result));
    assert.equal(result.mppeKeysOk, 1, explain(result));
    assert.equal(result.mppeKeysMismatch, 0, explain(result));
  };

  const assertFailure = (result: EapolTestResult): void => {
    assert.notEqual(result.exit.code, 0, explain(result));
    assert.equal(result.lastLine, 'FAILURE', explain(result));
    assert.equal(result.mppeKeysOk, 0, explain(result));
    assert.ok(!result.sessionIdMatchesKeyName, explain(result));
  };

  test('accepts the right key: SUCCESS, MPPE keys OK 1 mismatch 0, EAP Session-Id matches EAP-Key-Name', async () => {
    const result = await authenticate(SENSOR_1, { expected: 'success', reason: REASON.ok });
    assertSuccess(result);
    assert.ok(result.sessionIdMatchesKeyName, explain(result));
  });

  test('sends EAP-Key-Name only to a NAS that asked for it (eapol_test without -e still succeeds)', async () => {
    const result = await authenticate(SENSOR_1, {
      expected: 'success',
      reason: REASON.ok,
      requestKeyName: false,
    });
    assertSuccess(result);
    assert.ok(!result.sessionIdMatchesKeyName, explain(result));
    assert.match(result.log, /No EAP-Key-Name received from server/, explain(result));
  });

  test('rejects a wrong key with FAILURE and no keys', async () => {
    assertFailure(await authenticate(SENSOR_1_WRONG_KEY, { expected: 'failure', reason: REASON.badMacP }));
  });

  test('rejects an unknown identity with FAILURE', async () => {
    assertFailure(await authenticate(UNKNOWN_SENSOR, { expected: 'failure', reason: REASON.unknownPeer }));
  });

  test('refuses a device disabled with `eapd device disable` at its next authentication, accepts it once enabled', async () => {
    assertSuccess(await authenticate(SENSOR_2, { expected: 'success', reason: REASON.ok }));
    const disable = await eapd.cli(['device', 'disable', SENSOR_2.identity]);
    assert.equal(disable.code, 0, disable.log);
    assertFailure(
      await authenticate(SENSOR_2, {
        expected: 'failure',
        reason: REASON.policyRejected,
        detail: POLICY.disabled,
      }),
    );
    const enable = await eapd.cli(['device', 'enable', SENSOR_2.identity]);
    assert.equal(enable.code, 0, enable.log);
    assertSuccess(await authenticate(SENSOR_2, { expected: 'success', reason: REASON.ok }));
  });

  test('refuses a Calling-Station-Id (eapol_test -M) outside the allowed MACs, accepts the allowed one', async () => {
    assertFailure(
      await authenticate(MAC_BOUND, {
        expected: 'failure',
        reason: REASON.policyRejected,
        detail: POLICY.mac,
      }),
    );
    assertFailure(
      await authenticate(MAC_BOUND, {
        expected: 'failure',
        reason: REASON.policyRejected,
        detail: POLICY.mac,
        mac: '02:00:00:00:00:02',
      }),
    );
    const allowed = await authenticate(MAC_BOUND, {
      expected: 'success',
      reason: REASON.ok,
      mac: 'aa:bb:cc:dd:ee:ff',
    });
    assertSuccess(allowed);
    assert.ok(allowed.sessionIdMatchesKeyName, explain(allowed));
  });

  test('refuses a missing or other-SSID Called-Station-Id for an AP-bound device, accepts the allowed AP and SSID', async () => {
    // Fails closed: eapol_test sends no Called-Station-Id unless told to.
    assertFailure(
      await authenticate(AP_BOUND, { expected: 'failure', reason: REASON.policyRejected, detail: POLICY.ap }),
    );
    assertFailure(
      await authenticate(AP_BOUND, {
        expected: 'failure',
        reason: REASON.policyRejected,
        detail: POLICY.ap,
        ap: OTHER_SSID_AP,
      }),
    );
    assertSuccess(
      await authenticate(AP_BOUND, { expected: 'success', reason: REASON.ok, ap: ALLOWED_AP_AS_SENT }),
    );
  });

  test('puts only well-formed RADIUS on the wire: EAP-PSK challenges, an Accept per SUCCESS, a Reject per FAILURE', async () => {
    report = await checkCapture(await capture.stop(), { radiusPorts: [radiusPort] });
    assert.ok(report.ok, report.output);
    assert.equal(report.diameter.length, 0, report.output);
    const eapdAddress = `${LOOPBACK}:${radiusPort}`;
    const answers = report.radius.filter((p) => p.code !== RADIUS_CODE.accessRequest);
    for (const answer of answers) assert.equal(answer.src, eapdAddress, report.output);
    for (const request of report.radius.filter((p) => p.code === RADIUS_CODE.accessRequest)) {
      assert.equal(request.dst, eapdAddress, report.output);
      assert.equal(request.eap?.code, EAP_CODE.response, report.output);
    }
    const accepts = answers.filter((p) => p.code === RADIUS_CODE.accessAccept);
    const rejects = answers.filter((p) => p.code === RADIUS_CODE.accessReject);
    const challenges = answers.filter((p) => p.code === RADIUS_CODE.accessChallenge);
    assert.equal(accepts.length, runs.filter((r) => r.expected === 'success').length, report.output);
    assert.equal(rejects.length, runs.filter((r) => r.expected === 'failure').length, report.output);
    assert.equal(accepts.length + rejects.length + challenges.length, answers.length, report.output);
    for (const accept of accepts) assert.equal(accept.eap?.code, EAP_CODE.success, report.output);
    for (const reject of rejects) assert.equal(reject.eap?.code, EAP_CODE.failure, report.output);
    for (const challenge of challenges)
      assert.deepEqual(
        [challenge.eap?.code, challenge.eap?.type],
        [EAP_CODE.request, EAP_TYPE_PSK],
        report.output,
      );
    // The final answers come in the order the runs were made.
    assert.deepEqual(
      answers.filter((p) => p.code !== RADIUS_CODE.accessChallenge).map((p) => p.code),
      runs.map((r) => (r.expected === 'success' ? RADIUS_CODE.accessAccept : RADIUS_CODE.accessReject)),
      report.output,
    );
  });

  test('/metrics counts every authentication and RADIUS packet the NAS saw (transport radius)', async () => {
    const metrics = await (await fetch(`http://${LOOPBACK}:${adminPort}/metrics`)).text();
    const successes = runs.filter((r) => r.expected === 'success').length;
    const failures = runs.length - successes;
    assert.ok(successes > 0 && failures > 0, 'the earlier tests ran');
    const auth = (result: string, transport: string): number =>
      sample(metrics, 'eapd_eap_authentications_total', { method: 'psk', result, transport });
    assert.equal(auth('success', 'radius'), successes, metrics);
    assert.equal(auth('failure', 'radius'), failures, metrics);
    assert.equal(auth('success', 'diameter'), 0, metrics);
    assert.equal(auth('failure', 'diameter'), 0, metrics);
    const failuresBy = (reason: string): number => runs.filter((r) => r.reason === reason).length;
    for (const reason of [REASON.badMacP, REASON.unknownPeer, REASON.policyRejected])
      assert.equal(
        sample(metrics, 'eapd_eap_psk_failures_total', { reason }),
        failuresBy(reason),
        `${reason}\n${metrics}`,
      );

    const requests = sample(metrics, 'eapd_radius_requests_total', {
      client: LOOPBACK_CLIENT,
      code: 'Access-Request',
    });
    assert.ok(requests > 0, metrics);
    const response = (code: string): number =>
      sample(metrics, 'eapd_radius_responses_total', { client: LOOPBACK_CLIENT, code });
    assert.equal(response('Access-Accept'), successes, metrics);
    assert.equal(response('Access-Reject'), failures, metrics);
    for (const reason of [
      'unknown-client',
      'malformed',
      'missing-message-authenticator',
      'bad-message-authenticator',
    ])
      assert.equal(sample(metrics, 'eapd_radius_dropped_total', { reason }), 0, `${reason}\n${metrics}`);
    // Parity with the wire: every datagram in the capture was counted once, nothing more.
    const wire = report;
    assert.ok(wire !== undefined, 'the capture test ran');
    const onWire = (code: number): number => wire.radius.filter((p) => p.code === code).length;
    assert.equal(requests, onWire(RADIUS_CODE.accessRequest), wire.output);
    assert.equal(response('Access-Challenge'), onWire(RADIUS_CODE.accessChallenge), wire.output);
  });

  test('logs one audit line per authentication, in order, with identity, outcome, reason and station; no key', () => {
    const log = eapd.process.log();
    const lines = auditLines(log);
    assert.equal(lines.length, runs.length, `audit lines in ${eapd.process.logFile}`);
    runs.forEach((run, i) => {
      const line = lines[i];
      const where = `audit line ${i} (${run.user.identity}, ${run.result.logFile}): ${JSON.stringify(line)}`;
      assert.equal(line?.['identity'], run.user.identity, where);
      assert.equal(line?.['result'], run.expected, where);
      assert.equal(line?.['reason'], run.reason, where);
      assert.equal(line?.['detail'], run.detail, where);
      assert.equal(line?.['method'], 'psk', where);
      assert.equal(line?.['transport'], 'radius', where);
      assert.equal(line?.['nas'], LOOPBACK_CLIENT, where);
      assert.equal(line?.['mac'], run.mac, where);
    });
    // Neither a PSK nor an MSK half (MS-MPPE key as eapol_test decrypted it) reaches eapd's log.
    const mppeKeys = runs.flatMap((r) => mppeKeysHex(r.result.log));
    const successes = runs.filter((r) => r.expected === 'success').length;
    assert.equal(
      mppeKeys.length,
      MPPE_KEYS_PER_ACCEPT * successes,
      'Recv and Send key of every SUCCESS found in the eapol_test logs',
    );
    const secrets = [
      ...new Set([SENSOR_1, SENSOR_2, MAC_BOUND, AP_BOUND].map((u) => u.pskHex.toLowerCase())),
      ...mppeKeys,
    ];
    const lower = log.toLowerCase();
    for (const secret of secrets) {
      assert.ok(!lower.includes(secret), `eapd's log holds a key (${eapd.process.logFile})`);
      assert.ok(
        !log.includes(Buffer.from(secret, 'hex').toString('base64')),
        `eapd's log holds a key in base64`,
      );
    }
  });
});
