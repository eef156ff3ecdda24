/**
 * Issue 6 acceptance: Debian's Prometheus scrapes the real eapd (`node dist/src/main.js serve`)
 * while devices provisioned with `eapd device add` authenticate over Diameter (`eapd simulate`)
 * and RADIUS (eapol_test), fail with a wrong key or an unknown identity, and one is redirected by a
 * rule; then every PromQL expression of grafana/dashboards/eapd.json and of
 * grafana/alerts/eapd-rules.yml must return data, except those listed in EXPECTED_EMPTY with why.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildDer } from '../../src/app/nas-client.js';
import { ApplicationId, AvpCode } from '../../src/diameter/dict/constants.gen.js';
import { loadDefaultDictionaries } from '../../src/diameter/dict/index.js';
import { DiameterClient } from '../../src/diameter/node/client.js';
import { TcpTransport } from '../../src/diameter/transport/tcp.js';
import { derivePskKeys, EapPskPeer } from '../../src/eap/index.js';
import { packageRoot } from '../../src/ops/version.js';
import { RadiusAttr, RadiusCode } from '../../src/radius/constants.js';
import { eapMessageAttributes } from '../../src/radius/eap-message.js';
import { buildAccessRequest } from '../../src/radius/packet-builder.js';
import {
  RADIUS_SECRET,
  SENSOR_1,
  SENSOR_1_WRONG_KEY,
  SENSOR_2,
  UNKNOWN_SENSOR,
  type PskUser,
} from './lib/credentials.js';
import { startEapd, type EapdUnderTest } from './lib/eapd.js';
import { runEapolTest } from './lib/eapol-peer.js';
import { freePort, freePorts, LOOPBACK } from './lib/ports.js';
import { startPrometheus, type Prometheus } from './lib/prometheus.js';
import { collectQueries, report, runQueries } from './lib/prom-queries.js';
import { Rig } from './lib/rig.js';
import { identityResponse } from '../unit/radius/fixtures.js';

const ORIGIN_HOST = 'aaa.home.example';
const ORIGIN_REALM = 'home.example';
/** The NAS: the simulator's Origin-Host, a configured peer (diameter.peers). */
const PEER = 'dea.edge.example';
const METERS_GROUP = 'meters';
const REDIRECT_RULE = 'meters-to-b';
const REDIRECT_USAGE = 'ALL_USER';
const REDIRECT_TARGET = 'aaa://aaa.b.example:3868;transport=tcp';
/** A device of group `meters`: its first DER is answered 3006 by REDIRECT_RULE. */
const METER: PskUser = { identity: 'meter-0001@iot.example', pskHex: '1f1e1d1c1b1a19181716151413121110' };
/** Longer than the test: the two conversations left open on purpose are never timed out. */
const MULTI_ROUND_TIMEOUT_SECONDS = 600;

const DIAMETER_SUCCESSES = 3;
const RADIUS_SUCCESSES = 3;
const DIAMETER_WRONG_KEY = 2;
/** Failures: 2 wrong keys + 1 unknown identity over Diameter, 1 wrong key over RADIUS. */
const FAILURES = DIAMETER_WRONG_KEY + 1 + 1;
const AUTHENTICATIONS = DIAMETER_SUCCESSES + RADIUS_SUCCESSES + FAILURES;
/** One conversation left after its first round on each front. */
const OPEN_CONVERSATIONS = 2;

const SCRAPES_BEFORE_TRAFFIC = 2;
const SCRAPES_AFTER_TRAFFIC = 3;
const SCRAPE_TIMEOUT_MS = 30_000;
const SCRAPE_INTERVAL_MS = 1000;
const REQUEST_TIMEOUT_MS = 5000;
const EAP_IDENTIFIER = 0;
const DIAMETER_MULTI_ROUND_AUTH = 1001;

/** Queries that must return nothing on a healthy run, and why. */
const EXPECTED_EMPTY: ReadonlyMap<string, string> = new Map([
  ['panel "Peers up" target 1', 'counts peers that are down: the one configured peer is connected'],
  ['alert EapdTargetDown', 'eapd is being scraped'],
  [
    'alert EapdAuthFailureRatioHigh',
    `${FAILURES} of ${AUTHENTICATIONS} authentications fail (> 20 %), but ${AUTHENTICATIONS} in 5m is under the 0.05/s traffic guard`,
  ],
  ['alert EapdDiameterPeerDown', 'the peer is up'],
  ['alert EapdAuthLatencyP99High', 'authentications take milliseconds'],
  ['alert EapdStoreErrors', 'no store operation fails'],
]);

/**
 * The NAS PEER over Diameter, kept connected after the traffic (so the peer is up when Prometheus
 * looks) with one conversation stopped after its first DER/DEA (an active EAP session).
 */
async function holdDiameterConversation(port: number, user: PskUser): Promise<DiameterClient> {
  const dictionary = loadDefaultDictionaries(fileURLToPath(new URL('dictionaries', packageRoot())));
  const quiet = { warn() {}, info() {}, debug() {} };
  const originRealm = PEER.slice(PEER.indexOf('.') + 1);
  const client = await DiameterClient.connect(new TcpTransport(), LOOPBACK, port, {
    local: {
      originHost: PEER,
      originRealm,
      originStateId: Math.floor(Date.now() / 1000),
      vendorId: 0,
      productName: 'prometheus-dashboard-test',
      firmwareRevision: 1,
      authApplicationIds: [ApplicationId.DiameterEAP],
      acctApplicationIds: [],
    },
    dictionary,
    logger: quiet,
  });
  const der = buildDer(
    {
      originHost: PEER,
      originRealm,
      destinationRealm: ORIGIN_REALM,
      nextSessionId: () => `${PEER};held;1`,
      peer: new EapPskPeer({ peerId: user.identity, keys: derivePskKeys(Buffer.from(user.pskHex, 'hex')) }),
    },
    {
      sessionId: `${PEER};held;1`,
      endToEnd: client.nextEndToEnd(),
      eapPayload: identityResponse(EAP_IDENTIFIER, user.identity),
      userName: user.identity,
    },
  );
  const dea = await client.request(der, REQUEST_TIMEOUT_MS);
  assert.equal(dea.find(AvpCode.ResultCode)?.asUnsigned32(), DIAMETER_MULTI_ROUND_AUTH, 'first DEA is 1001');
  return client;
}

/** One Access-Request with EAP-Response/Identity; resolves with the response code (11: challenge). */
async function openRadiusConversation(port: number, user: PskUser): Promise<number> {
  const socket = createSocket('udp4');
  try {
    const answer = new Promise<Buffer>((resolve, reject) => {
      socket.once('message', resolve);
      socket.once('error', reject);
      setTimeout(() => reject(new Error('no RADIUS answer')), REQUEST_TIMEOUT_MS).unref();
    });
    const request = buildAccessRequest({
      identifier: 1,
      secret: Buffer.from(RADIUS_SECRET),
      attributes: [
        { type: RadiusAttr.UserName, value: Buffer.from(user.identity) },
        ...eapMessageAttributes(identityResponse(EAP_IDENTIFIER, user.identity)),
      ],
    });
    socket.send(request, port, LOOPBACK);
    const response = await answer;
    return response[0] ?? 0;
  } finally {
    socket.close();
  }
}

describe('dashboard and alert PromQL against a real Prometheus scraping the real eapd', () => {
  let held: DiameterClient | undefined;
  // Before the rig stops eapd: DPR from the held connection.
  after(() => held?.close());
  const rig = Rig.open('prometheus-dashboard', { after });
  let prometheus: Prometheus;
  let eapd: EapdUnderTest;

  const simulate = async (user: PskUser, count: number, expect: 'success' | 'failure'): Promise<void> => {
    const r = await eapd.cli([
      'simulate',
      '--server',
      `${LOOPBACK}:${eapd.diameterPort}`,
      '--identity',
      user.identity,
      '--psk',
      user.pskHex,
      '--origin-host',
      PEER,
      '--count',
      String(count),
      '--expect',
      expect,
    ]);
    assert.equal(r.code, 0, `eapd simulate ${user.identity} --expect ${expect}:\n${r.log}`);
  };
  const eapol = async (user: PskUser, radiusPort: number): Promise<boolean> => {
    const r = await runEapolTest(rig, { user, host: LOOPBACK, port: radiusPort, secret: RADIUS_SECRET });
    return r.success;
  };

  before(async () => {
    const [diameterPort, adminPort, promPort] = await freePorts(3);
    const radiusPort = await freePort('udp');
    eapd = await startEapd(rig, {
      originHost: ORIGIN_HOST,
      originRealm: ORIGIN_REALM,
      diameterPort: diameterPort!,
      adminPort: adminPort!,
      radiusPort,
      radiusSecret: RADIUS_SECRET,
      env: {
        EAPD_PEERS: JSON.stringify([{ originHost: PEER }]),
        EAPD_REDIRECT_RULES: JSON.stringify([
          {
            name: REDIRECT_RULE,
            match: { group: METERS_GROUP },
            targets: [REDIRECT_TARGET],
            usage: REDIRECT_USAGE,
          },
        ]),
        EAPD_MULTI_ROUND_TIMEOUT_SECONDS: String(MULTI_ROUND_TIMEOUT_SECONDS),
        EAPD_LOG_LEVEL: 'info',
      },
    });
    for (const [user, group] of [
      [SENSOR_1, undefined],
      [SENSOR_2, undefined],
      [METER, METERS_GROUP],
    ] as const) {
      const r = await eapd.cli([
        'device',
        'add',
        user.identity,
        '--psk',
        user.pskHex,
        ...(group ? ['--group', group] : []),
      ]);
      assert.equal(r.code, 0, `eapd device add ${user.identity}:\n${r.log}`);
    }

    prometheus = await startPrometheus(rig, { port: promPort!, target: `${LOOPBACK}:${adminPort}` });
    await prometheus.waitForScrapes(SCRAPES_BEFORE_TRAFFIC, SCRAPE_TIMEOUT_MS);

    // Diameter: successes, wrong keys (bad_mac_p), an unknown identity, and a `meters` device whose
    // first DER the rule answers 3006 (the simulator counts that as a failure).
    await simulate(SENSOR_1, DIAMETER_SUCCESSES, 'success');
    await simulate(SENSOR_1_WRONG_KEY, DIAMETER_WRONG_KEY, 'failure');
    await simulate(UNKNOWN_SENSOR, 1, 'failure');
    await simulate(METER, 1, 'failure');
    // RADIUS (the built-in loopback client): successes and a wrong key.
    for (let i = 0; i < RADIUS_SUCCESSES; i++)
      assert.ok(await eapol(SENSOR_2, radiusPort), 'eapol_test SUCCESS');
    assert.ok(!(await eapol(SENSOR_1_WRONG_KEY, radiusPort)), 'eapol_test with a wrong key fails');
    // Left in progress: one conversation per front, on a Diameter connection that stays up.
    held = await holdDiameterConversation(diameterPort!, SENSOR_2);
    assert.equal(await openRadiusConversation(radiusPort, SENSOR_1), RadiusCode.AccessChallenge);

    await prometheus.waitForScrapes(SCRAPES_BEFORE_TRAFFIC + SCRAPES_AFTER_TRAFFIC, SCRAPE_TIMEOUT_MS);
    await sleep(SCRAPE_INTERVAL_MS);
  });

  test('every dashboard and alert expression returns data, except the listed ones, which are empty', async () => {
    const queries = collectQueries();
    const listed = new Set(queries.map((q) => q.where));
    for (const where of EXPECTED_EMPTY.keys())
      assert.ok(listed.has(where), `EXPECTED_EMPTY names ${where}, which no longer exists`);
    const outcomes = await runQueries(prometheus, queries, EXPECTED_EMPTY);
    const bad = outcomes.filter((o) => !o.ok);
    assert.equal(bad.length, 0, `\n${report(outcomes)}`);
  });

  test('the counters Prometheus scraped match the traffic driven on both fronts', async () => {
    const byTransport = await prometheus.query('sum by (transport, result) (eapd_eap_authentications_total)');
    const count = (transport: string, result: string): number | undefined =>
      byTransport.find((s) => s.metric['transport'] === transport && s.metric['result'] === result)?.value;
    assert.equal(count('diameter', 'success'), DIAMETER_SUCCESSES);
    assert.equal(count('diameter', 'failure'), DIAMETER_WRONG_KEY + 1);
    assert.equal(count('radius', 'success'), RADIUS_SUCCESSES);
    assert.equal(count('radius', 'failure'), 1);
    const reasons = await prometheus.query('eapd_eap_psk_failures_total > 0');
    assert.deepEqual(Object.fromEntries(reasons.map((s) => [s.metric['reason'], s.value])), {
      bad_mac_p: DIAMETER_WRONG_KEY + 1,
      unknown_peer: 1,
    });
    const redirects = await prometheus.query(`eapd_redirects_total{rule="${REDIRECT_RULE}"}`);
    assert.deepEqual(
      redirects.map((s) => [s.metric['usage'], s.value]),
      [[REDIRECT_USAGE, 1]],
    );
    const answers3006 = await prometheus.query(
      'eapd_diameter_answers_total{command="DEA",result_code="3006"}',
    );
    assert.equal(answers3006[0]?.value, 1);
    const peerUp = await prometheus.query(`eapd_diameter_peer_up{peer="${PEER}"}`);
    assert.equal(peerUp[0]?.value, 1);
    const radius = await prometheus.query('sum by (client, code) (eapd_radius_responses_total) > 0');
    assert.ok(
      radius.some((s) => s.metric['client'] === 'loopback' && s.metric['code'] === 'Access-Accept'),
      JSON.stringify(radius),
    );
    const identity = await prometheus.query('count({__name__=~"eapd_.+", identity!=""})');
    assert.equal(identity.length, 0, 'no series carries an identity label');
    // Every authentication looked its device up in the store (unknown ones too), and none failed.
    const lookups = await prometheus.query(
      'sum by (result) (eapd_store_operation_duration_seconds_count{operation="get_credentials"})',
    );
    const lookupCount = (result: string): number =>
      lookups.find((s) => s.metric['result'] === result)?.value ?? 0;
    assert.ok(lookupCount('ok') >= AUTHENTICATIONS, JSON.stringify(lookups));
    assert.equal(lookupCount('error'), 0, JSON.stringify(lookups));
  });

  test('eapd_eap_sessions_active counts the conversations in progress on both fronts', async () => {
    const active = await prometheus.query('eapd_eap_sessions_active');
    assert.equal(active.length, 1);
    assert.equal(active[0]?.value, OPEN_CONVERSATIONS);
  });
});
