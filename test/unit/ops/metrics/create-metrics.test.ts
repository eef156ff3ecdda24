import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { channel } from 'node:diagnostics_channel';
import { AppFailureReason } from '../../../../src/app/auth-result.js';
import { appChannels, type AuthResultEvent } from '../../../../src/app/events.js';
import { EapFailureReason } from '../../../../src/eap/failure-reason.js';
import { diameterChannels } from '../../../../src/diameter/events.js';
import { RadiusChannel } from '../../../../src/radius/events.js';
import { storeChannels } from '../../../../src/store/events.js';
import {
  createMetrics,
  type Metrics,
  type MetricsOptions,
} from '../../../../src/ops/metrics/create-metrics.js';

const open: Metrics[] = [];
function metrics(options: Partial<MetricsOptions> = {}): Metrics {
  const m = createMetrics({
    buildInfo: { version: '0.1.0-test', commit: 'abc123' },
    processMetrics: false,
    ...options,
  });
  open.push(m);
  return m;
}
afterEach(() => {
  for (const m of open.splice(0)) m.close();
});

/** The value of one exposition line `name{labels} value`, labels given in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = new Map<string, string>();
    for (const pair of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      got.set(pair[1]!, pair[2]!);
    if (got.size !== Object.keys(labels).length) continue;
    if (Object.entries(labels).every(([k, v]) => got.get(k) === v)) return Number(m[4]);
  }
  return undefined;
}

function auth(overrides: Partial<AuthResultEvent> = {}): AuthResultEvent {
  return {
    method: 'psk',
    result: 'success',
    transport: 'diameter',
    reason: 'ok',
    rounds: 2,
    durationSeconds: 0.012,
    identity: 'meter-000417@devices.example',
    nas: 'dea.edge.example',
    calledStationId: '00-11-22-33-44-55:iot-net',
    callingStationId: '02-aa-bb-cc-dd-ee',
    ...overrides,
  };
}

describe('createMetrics: metric set', () => {
  test('exports every metric the monitoring issue requires, with process metrics when asked', async () => {
    const m = metrics({ processMetrics: true });
    const names = new Set(m.registry.getMetricsAsArray().map((x) => x.name));
    for (const required of [
      'eapd_eap_authentications_total',
      'eapd_eap_authentication_duration_seconds',
      'eapd_eap_rounds',
      'eapd_eap_psk_failures_total',
      'eapd_eap_sessions_active',
      'eapd_diameter_messages_total',
      'eapd_diameter_answers_total',
      'eapd_diameter_request_duration_seconds',
      'eapd_diameter_peer_up',
      'eapd_diameter_peer_state',
      'eapd_diameter_watchdog_transitions_total',
      'eapd_diameter_decode_errors_total',
      'eapd_diameter_duplicate_requests_total',
      'eapd_redirects_total',
      'eapd_radius_requests_total',
      'eapd_store_operation_duration_seconds',
      'eapd_build_info',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      assert.ok(names.has(required), `missing ${required}`);
    }
    for (const name of names)
      assert.match(
        name,
        /^(eapd_|process_|nodejs_)/,
        `${name} outside eapd_ and the default process metrics`,
      );
  });

  test('uses its own registry, so two instances do not collide', async () => {
    const a = metrics();
    const b = metrics();
    assert.notEqual(a.registry, b.registry);
    channel(appChannels.authResult.name).publish(auth());
    // Both subscribe to the same channel: each counts the event once in its own registry.
    const labels = { method: 'psk', result: 'success', transport: 'diameter' };
    assert.equal(sample(await a.metricsText(), 'eapd_eap_authentications_total', labels), 1);
    assert.equal(sample(await b.metricsText(), 'eapd_eap_authentications_total', labels), 1);
  });

  test('reports build info with version, commit and Node.js version', async () => {
    const text = await metrics().metricsText();
    assert.equal(
      sample(text, 'eapd_build_info', { version: '0.1.0-test', commit: 'abc123', nodejs: process.version }),
      1,
    );
  });

  test('duration histograms use AAA buckets from 1 ms to 10 s', async () => {
    const text = await metrics().metricsText();
    const les = [
      ...text.matchAll(/eapd_eap_authentication_duration_seconds_bucket\{le="([^"]+)",result="success"\}/g),
    ].map((x) => x[1]);
    assert.deepEqual(les, [
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
  });
});

describe('createMetrics: series at 0 before any traffic', () => {
  test('every result × transport of EAP-PSK starts at 0', async () => {
    const text = await metrics().metricsText();
    for (const result of ['success', 'failure']) {
      for (const transport of ['diameter', 'radius']) {
        assert.equal(
          sample(text, 'eapd_eap_authentications_total', { method: 'psk', result, transport }),
          0,
          `${result} ${transport}`,
        );
      }
    }
  });

  test('every known failure reason starts at 0', async () => {
    const text = await metrics().metricsText();
    for (const reason of [
      'unknown_peer',
      'policy_rejected',
      'bad_mac_p',
      'bad_pchannel',
      'bad_nonce',
      'peer_reported_failure',
      'nak_no_common_method',
      'too_many_invalid',
      'malformed',
      'timeout',
    ]) {
      assert.equal(sample(text, 'eapd_eap_psk_failures_total', { reason }), 0, reason);
    }
  });

  test('every reason the EAP engine and the fronts publish starts at 0, session_terminated and shutdown included', async () => {
    const text = await metrics().metricsText();
    const published: readonly string[] = [
      ...Object.values(EapFailureReason),
      ...Object.values(AppFailureReason),
    ];
    for (const reason of [
      'session_terminated',
      'evicted',
      'internal_error',
      'shutdown',
      'timeout',
      'policy_rejected',
    ])
      assert.ok(published.includes(reason), `${reason} is published`);
    for (const reason of published) {
      assert.equal(sample(text, 'eapd_eap_psk_failures_total', { reason }), 0, reason);
    }
  });

  test('the Result-Codes eapd sends in DEA start at 0', async () => {
    const text = await metrics().metricsText();
    for (const code of ['1001', '2001', '3004', '3006', '3010', '4001', '5001', '5005', '5012', '5014']) {
      assert.equal(
        sample(text, 'eapd_diameter_answers_total', { command: 'DEA', result_code: code }),
        0,
        code,
      );
    }
  });

  test('RFC 3539 watchdog transitions, decode error reasons, duplicates and store operations start at 0', async () => {
    const text = await metrics().metricsText();
    assert.equal(
      sample(text, 'eapd_diameter_watchdog_transitions_total', { from: 'OKAY', to: 'SUSPECT' }),
      0,
    );
    assert.equal(sample(text, 'eapd_diameter_watchdog_transitions_total', { from: 'REOPEN', to: 'OKAY' }), 0);
    assert.equal(sample(text, 'eapd_diameter_decode_errors_total', { reason: 'framing' }), 0);
    assert.equal(
      sample(text, 'eapd_diameter_decode_errors_total', { reason: 'DIAMETER_INVALID_AVP_LENGTH' }),
      0,
    );
    assert.equal(sample(text, 'eapd_diameter_duplicate_requests_total'), 0);
    assert.equal(
      sample(text, 'eapd_store_operation_duration_seconds_count', {
        operation: 'get_credentials',
        result: 'error',
      }),
      0,
    );
    assert.equal(sample(text, 'eapd_radius_dropped_total', { reason: 'unknown-client' }), 0);
    assert.equal(sample(text, 'eapd_eap_sessions_active'), 0);
  });

  test('a configured peer starts Closed and down, with its message series at 0', async () => {
    const text = await metrics({ known: { peers: ['dea.edge.example'] } }).metricsText();
    assert.equal(sample(text, 'eapd_diameter_peer_up', { peer: 'dea.edge.example' }), 0);
    assert.equal(sample(text, 'eapd_diameter_peer_state', { peer: 'dea.edge.example', state: 'Closed' }), 1);
    for (const state of [
      'Wait-Conn-Ack',
      'Wait-I-CEA',
      'Wait-Conn-Ack/Elect',
      'Wait-Returns',
      'R-Open',
      'I-Open',
      'Closing',
    ]) {
      assert.equal(sample(text, 'eapd_diameter_peer_state', { peer: 'dea.edge.example', state }), 0, state);
    }
    const der = { peer: 'dea.edge.example', direction: 'in', command: 'DER', type: 'request' };
    assert.equal(sample(text, 'eapd_diameter_messages_total', der), 0);
  });

  test('configured RADIUS clients and redirect rules start at 0; declare() adds more later', async () => {
    const m = metrics({
      known: { radiusClients: ['ap-floor-1'], redirectRules: [{ rule: 'meters-to-b', usage: 'ALL_USER' }] },
    });
    m.declare({ radiusClients: ['ap-floor-2'], redirectRules: [{ rule: 'lab', usage: '1' }] });
    const text = await m.metricsText();
    assert.equal(
      sample(text, 'eapd_radius_requests_total', { client: 'ap-floor-1', code: 'Access-Request' }),
      0,
    );
    assert.equal(
      sample(text, 'eapd_radius_requests_total', { client: 'ap-floor-2', code: 'Access-Request' }),
      0,
    );
    assert.equal(
      sample(text, 'eapd_radius_responses_total', { client: 'ap-floor-1', code: 'Access-Accept' }),
      0,
    );
    assert.equal(sample(text, 'eapd_redirects_total', { rule: 'meters-to-b', usage: 'ALL_USER' }), 0);
    assert.equal(sample(text, 'eapd_redirects_total', { rule: 'lab', usage: 'ALL_SESSION' }), 0);
  });
});

describe('createMetrics: counting published events', () => {
  test('counts a successful and a failed authentication with duration, rounds and reason', async () => {
    const m = metrics();
    appChannels.authResult.publish(auth());
    appChannels.authResult.publish(
      auth({ result: 'failure', reason: 'bad_mac_p', transport: 'radius', rounds: 2, durationSeconds: 0.02 }),
    );
    appChannels.authResult.publish(
      auth({ result: 'failure', reason: 'bad_mac_p', transport: 'radius', rounds: 2, durationSeconds: 0.03 }),
    );
    const text = await m.metricsText();
    assert.equal(
      sample(text, 'eapd_eap_authentications_total', {
        method: 'psk',
        result: 'success',
        transport: 'diameter',
      }),
      1,
    );
    assert.equal(
      sample(text, 'eapd_eap_authentications_total', {
        method: 'psk',
        result: 'failure',
        transport: 'radius',
      }),
      2,
    );
    assert.equal(sample(text, 'eapd_eap_psk_failures_total', { reason: 'bad_mac_p' }), 2);
    assert.equal(sample(text, 'eapd_eap_authentication_duration_seconds_count', { result: 'success' }), 1);
    assert.equal(sample(text, 'eapd_eap_authentication_duration_seconds_sum', { result: 'success' }), 0.012);
    assert.equal(
      sample(text, 'eapd_eap_authentication_duration_seconds_bucket', { result: 'success', le: '0.01' }),
      0,
    );
    assert.equal(
      sample(text, 'eapd_eap_authentication_duration_seconds_bucket', { result: 'success', le: '0.025' }),
      1,
    );
    assert.equal(sample(text, 'eapd_eap_rounds_count', { result: 'failure' }), 2);
    assert.equal(sample(text, 'eapd_eap_rounds_bucket', { result: 'failure', le: '2' }), 2);
  });

  test('an unforeseen failure reason or method gets its own bounded value; garbage becomes other', async () => {
    const m = metrics();
    appChannels.authResult.publish(auth({ result: 'failure', reason: 'policy_device_disabled' }));
    appChannels.authResult.publish(auth({ result: 'failure', reason: 'Not A Reason!', method: 'psk' }));
    const text = await m.metricsText();
    assert.equal(sample(text, 'eapd_eap_psk_failures_total', { reason: 'policy_device_disabled' }), 1);
    assert.equal(sample(text, 'eapd_eap_psk_failures_total', { reason: 'other' }), 1);
  });

  test('never puts an identity, MAC, access point, NAS address or Session-Id into a label', async () => {
    const m = metrics();
    const secrets = [
      'meter-000417@devices.example',
      '02-aa-bb-cc-dd-ee',
      '00-11-22-33-44-55',
      '192.0.2.55',
      'aaa.example;1;42',
      '2001:db8::7',
    ];
    appChannels.authResult.publish(auth({ detail: 'Session-Id aaa.example;1;42 from 192.0.2.55' }));
    appChannels.authResult.publish(
      auth({ result: 'failure', reason: 'meter-000417@devices.example', method: '02-aa-bb-cc-dd-ee' }),
    );
    diameterChannels.message.publish({
      peer: '192.0.2.55',
      direction: 'in',
      command: 'DER',
      type: 'request',
    });
    diameterChannels.peerState.publish({ peer: '2001:db8::7', state: 'R-Open', up: true });
    diameterChannels.message.publish({
      peer: 'meter-000417@devices.example',
      direction: 'in',
      command: 'DER',
      type: 'request',
    });
    channel(RadiusChannel.Request).publish({
      client: '192.0.2.55',
      code: 1,
      identifier: 1,
      address: '192.0.2.55',
      port: 1812,
    });
    channel(RadiusChannel.Request).publish({
      client: '02-aa-bb-cc-dd-ee',
      code: 1,
      identifier: 1,
      address: '192.0.2.55',
      port: 1812,
    });
    appChannels.redirect.publish({ rule: 'aaa.example;1;42', usage: 'ALL_USER' });
    const text = await m.metricsText();
    for (const s of secrets) assert.ok(!text.includes(s), `${s} appears in /metrics`);
    assert.equal(
      sample(text, 'eapd_diameter_messages_total', {
        peer: 'other',
        direction: 'in',
        command: 'DER',
        type: 'request',
      }),
      2,
    );
    assert.equal(sample(text, 'eapd_radius_requests_total', { client: 'other', code: 'Access-Request' }), 2);
  });

  test('caps the number of peers: past the limit new peers are counted as other', async () => {
    const m = metrics({ known: { peers: ['dea.edge.example'] }, limits: { maxPeers: 1 } });
    for (const peer of ['dea.edge.example', 'nas1.edge.example', 'nas2.edge.example', 'nas3.edge.example']) {
      diameterChannels.message.publish({ peer, direction: 'in', command: 'DWR', type: 'request' });
    }
    const text = await m.metricsText();
    const dwr = (peer: string) =>
      sample(text, 'eapd_diameter_messages_total', {
        peer,
        direction: 'in',
        command: 'DWR',
        type: 'request',
      });
    assert.equal(dwr('dea.edge.example'), 1);
    assert.equal(dwr('nas1.edge.example'), 1);
    assert.equal(dwr('nas2.edge.example'), undefined);
    assert.equal(dwr('other'), 2);
  });

  test('counts Diameter answers by answer command and Result-Code and times them by request command', async () => {
    const m = metrics();
    diameterChannels.answer.publish({ command: 'DER', resultCode: 1001, durationSeconds: 0.002 });
    diameterChannels.answer.publish({ command: 'DEA', resultCode: 2001, durationSeconds: 0.004 });
    diameterChannels.answer.publish({ command: 'CEA', resultCode: 5010, durationSeconds: 0.001 });
    diameterChannels.answer.publish({ command: 'DEA', resultCode: 70000, durationSeconds: -1 });
    const text = await m.metricsText();
    assert.equal(sample(text, 'eapd_diameter_answers_total', { command: 'DEA', result_code: '1001' }), 1);
    assert.equal(sample(text, 'eapd_diameter_answers_total', { command: 'DEA', result_code: '2001' }), 1);
    assert.equal(sample(text, 'eapd_diameter_answers_total', { command: 'CEA', result_code: '5010' }), 1);
    assert.equal(sample(text, 'eapd_diameter_answers_total', { command: 'DEA', result_code: 'other' }), 1);
    assert.equal(sample(text, 'eapd_diameter_request_duration_seconds_count', { command: 'DER' }), 2);
    assert.equal(sample(text, 'eapd_diameter_request_duration_seconds_count', { command: 'CER' }), 1);
  });

  test('tracks peer up and state: only the current state is 1', async () => {
    const m = metrics({ known: { peers: ['dea.edge.example'] } });
    diameterChannels.peerState.publish({ peer: 'dea.edge.example', state: 'Wait-I-CEA', up: false });
    diameterChannels.peerState.publish({ peer: 'dea.edge.example', state: 'I-Open', up: true });
    let text = await m.metricsText();
    assert.equal(sample(text, 'eapd_diameter_peer_up', { peer: 'dea.edge.example' }), 1);
    assert.equal(sample(text, 'eapd_diameter_peer_state', { peer: 'dea.edge.example', state: 'I-Open' }), 1);
    assert.equal(
      sample(text, 'eapd_diameter_peer_state', { peer: 'dea.edge.example', state: 'Wait-I-CEA' }),
      0,
    );
    assert.equal(sample(text, 'eapd_diameter_peer_state', { peer: 'dea.edge.example', state: 'Closed' }), 0);
    diameterChannels.peerState.publish({ peer: 'dea.edge.example', state: 'closed', up: false });
    text = await m.metricsText();
    assert.equal(sample(text, 'eapd_diameter_peer_up', { peer: 'dea.edge.example' }), 0);
    assert.equal(
      sample(text, 'eapd_diameter_peer_state', { peer: 'dea.edge.example', state: 'Closed' }),
      1,
      'state names are matched case-insensitively',
    );
  });

  test('counts watchdog transitions, decode errors, duplicates and refused peers', async () => {
    const m = metrics();
    diameterChannels.watchdog.publish({ peer: 'dea.edge.example', from: 'OKAY', to: 'SUSPECT' });
    diameterChannels.watchdog.publish({ peer: 'dea.edge.example', from: 'okay', to: 'suspect' });
    diameterChannels.decodeError.publish({ reason: 'DIAMETER_INVALID_AVP_LENGTH' });
    diameterChannels.decodeError.publish({ reason: 'framing' });
    diameterChannels.duplicate.publish({ peer: 'dea.edge.example' });
    diameterChannels.peerRefused.publish({ reason: 'unknown_peer', transport: 'tcp' });
    const text = await m.metricsText();
    assert.equal(
      sample(text, 'eapd_diameter_watchdog_transitions_total', { from: 'OKAY', to: 'SUSPECT' }),
      2,
    );
    assert.equal(
      sample(text, 'eapd_diameter_decode_errors_total', { reason: 'DIAMETER_INVALID_AVP_LENGTH' }),
      1,
    );
    assert.equal(sample(text, 'eapd_diameter_decode_errors_total', { reason: 'framing' }), 1);
    assert.equal(sample(text, 'eapd_diameter_duplicate_requests_total'), 1);
    assert.equal(
      sample(text, 'eapd_diameter_peers_refused_total', { reason: 'unknown_peer', transport: 'tcp' }),
      1,
    );
  });

  test('counts redirects by rule and usage, the usage given by name or RFC 6733 §6.13 number', async () => {
    const m = metrics();
    appChannels.redirect.publish({ rule: 'meters-to-b', usage: 'ALL_USER' });
    appChannels.redirect.publish({ rule: 'meters-to-b', usage: '6' });
    const text = await m.metricsText();
    assert.equal(sample(text, 'eapd_redirects_total', { rule: 'meters-to-b', usage: 'ALL_USER' }), 2);
  });

  test('counts RADIUS requests, responses and drops by client name, code name and reason', async () => {
    const m = metrics({ known: { radiusClients: ['ap-floor-1'] } });
    channel(RadiusChannel.Request).publish({
      client: 'ap-floor-1',
      code: 1,
      identifier: 7,
      address: '127.0.0.1',
      port: 40000,
    });
    channel(RadiusChannel.Response).publish({
      client: 'ap-floor-1',
      code: 11,
      identifier: 7,
      address: '127.0.0.1',
      port: 40000,
      replayed: false,
    });
    channel(RadiusChannel.Drop).publish({
      reason: 'bad-message-authenticator',
      address: '127.0.0.1',
      port: 40000,
    });
    const text = await m.metricsText();
    assert.equal(
      sample(text, 'eapd_radius_requests_total', { client: 'ap-floor-1', code: 'Access-Request' }),
      1,
    );
    assert.equal(
      sample(text, 'eapd_radius_responses_total', { client: 'ap-floor-1', code: 'Access-Challenge' }),
      1,
    );
    assert.equal(sample(text, 'eapd_radius_dropped_total', { reason: 'bad-message-authenticator' }), 1);
  });

  test('times store operations by operation and result', async () => {
    const m = metrics();
    storeChannels.operation.publish({ operation: 'get_credentials', durationSeconds: 0.0003, ok: true });
    storeChannels.operation.publish({ operation: 'get_credentials', durationSeconds: 0.5, ok: false });
    const text = await m.metricsText();
    assert.equal(
      sample(text, 'eapd_store_operation_duration_seconds_count', {
        operation: 'get_credentials',
        result: 'ok',
      }),
      1,
    );
    assert.equal(
      sample(text, 'eapd_store_operation_duration_seconds_count', {
        operation: 'get_credentials',
        result: 'error',
      }),
      1,
    );
  });

  test('a malformed event is ignored without throwing into the publisher', async () => {
    const m = metrics();
    for (const bad of [null, undefined, 42, 'text', { result: 7 }, { durationSeconds: Number.NaN }]) {
      assert.doesNotThrow(() => appChannels.authResult.publish(bad));
      assert.doesNotThrow(() => diameterChannels.answer.publish(bad));
      assert.doesNotThrow(() => storeChannels.operation.publish(bad));
    }
    await assert.doesNotReject(m.metricsText());
  });
});

describe('createMetrics: collect-time gauges and close', () => {
  test('eapd_eap_sessions_active reads the registered callback at scrape time', async () => {
    const m = metrics();
    let size = 3;
    const unregister = m.registerGauge('eapd_eap_sessions_active', () => size);
    assert.equal(sample(await m.metricsText(), 'eapd_eap_sessions_active'), 3);
    size = 5;
    assert.equal(sample(await m.metricsText(), 'eapd_eap_sessions_active'), 5);
    unregister();
    assert.equal(sample(await m.metricsText(), 'eapd_eap_sessions_active'), 0);
  });

  test('a throwing callback reads 0 instead of failing the scrape', async () => {
    const m = metrics();
    m.registerGauge('eapd_eap_sessions_active', () => {
      throw new Error('table gone');
    });
    assert.equal(sample(await m.metricsText(), 'eapd_eap_sessions_active'), 0);
  });

  test('registers a new eapd_ gauge and refuses other names and duplicates', async () => {
    const m = metrics();
    const remove = m.registerGauge(
      'eapd_radius_conversations_active',
      () => 2,
      'RADIUS conversations in progress.',
    );
    assert.equal(sample(await m.metricsText(), 'eapd_radius_conversations_active'), 2);
    assert.throws(() => m.registerGauge('sessions', () => 1), RangeError);
    assert.throws(() => m.registerGauge('eapd_radius_conversations_active', () => 1), RangeError);
    remove();
    assert.equal(sample(await m.metricsText(), 'eapd_radius_conversations_active'), undefined);
  });

  test('close() unsubscribes from every channel', () => {
    const m = createMetrics({ buildInfo: { version: 'x' }, processMetrics: false });
    assert.ok(appChannels.authResult.hasSubscribers);
    assert.ok(channel(RadiusChannel.Drop).hasSubscribers);
    m.close();
    m.close();
    assert.equal(appChannels.authResult.hasSubscribers, false);
    assert.equal(diameterChannels.message.hasSubscribers, false);
    assert.equal(channel(RadiusChannel.Drop).hasSubscribers, false);
    assert.equal(storeChannels.operation.hasSubscribers, false);
  });
});
