/**
 * Issue 7 acceptance (the last point): the full EAP-PSK authentication (RFC 4764 over Diameter EAP,
 * RFC 4072) between `eapd simulate` and the real `eapd serve` over every Diameter transport of
 * RFC 6733 §2.1, each run checked for `summary: N authentications, N succeeded` and `msk=match`:
 *   - TCP (the control);
 *   - TLS at connect time with mutual authentication (RFC 6733 §13): certificates made by the test,
 *     the simulator's naming its --origin-host, the server's checked against --server-name;
 *   - SCTP with the userspace backend on both sides: the simulator runs in a network namespace made
 *     by the test and joined to eapd's by a veth pair, so each raw-IP stack sees only its peer's
 *     packets (a raw socket sees every SCTP packet of its namespace); tshark on the veth decodes the
 *     capture as Diameter over SCTP, PPID 46 on every DATA chunk, nothing malformed.
 * One eapd serves all three listeners. Needs root, iproute2, openssl, tshark.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { ExitCode } from '../../src/ops/cli/exit-codes.js';
import { repoRoot } from '../helpers/paths.js';
import { VethNamespace } from '../integration/transport/netns-fixture.js';
import { startEapd, type EapdUnderTest } from './lib/eapd.js';
import { TestPki, type PkiFiles } from './lib/pki.js';
import { LOOPBACK, freePorts } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { Capture, checkCapture } from './lib/tshark.js';
import { requireTool } from './lib/tools.js';

const SERVER_HOST = 'aaa.home.example';
const SERVER_REALM = 'home.example';
const NAS_HOST = 'nas.edge.example';
const DEVICE = 'sensor-0001@iot.example';
const PSK = '000102030405060708090a0b0c0d0e0f';
/** Authentications per transport, two at a time on the one connection. */
const COUNT = 5;
const CONCURRENCY = 2;
/** RFC 4764 over RFC 4072: DER/DEA(1001) for PSK-1/2, then PSK-3/4 with DEA(2001): 3 rounds. */
const ROUNDS_PER_SUCCESS = 3;
const DER = 268;
const CER = 257;
const DPR = 282;
const SUCCESS = 2001;
const MULTI_ROUND = 1001;
/** RFC 6733 §2.1.1 / IANA: the SCTP Payload Protocol Identifier of Diameter. */
const DIAMETER_PPID = 46;
const SIMULATE_TIMEOUT_MS = 30_000;
const CAPTURE_START_TIMEOUT_MS = 15_000;
const TSHARK_TIMEOUT_MS = 60_000;
const TSHARK_MAX_BUFFER = 16 * 1024 * 1024;

const SUMMARY_OK = new RegExp(
  `^summary: ${COUNT} authentications, ${COUNT} succeeded, 0 failed, 0 unexpected`,
  'm',
);

function tshark(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      requireTool('tshark'),
      ['-n', ...args],
      { timeout: TSHARK_TIMEOUT_MS, maxBuffer: TSHARK_MAX_BUFFER },
      (err, out, errOut) => {
        if (err !== null) reject(new Error(`tshark ${args.join(' ')}: ${err.message}\n${errOut}`));
        else resolve(out);
      },
    );
  });
}

/** Checks the lines of one simulator run: every authentication a success with matching MSKs. */
function assertAllSucceeded(log: string, over: RegExp): void {
  assert.match(log, new RegExp(`^connected to ${SERVER_HOST.replaceAll('.', '\\.')} `, 'm'), log);
  assert.match(log, over, log);
  assert.match(log, SUMMARY_OK, log);
  const lines = log.split('\n').filter((l) => /^#\d+ /.test(l));
  assert.equal(lines.length, COUNT, log);
  for (const line of lines) {
    assert.match(line, /^#\d+ success result=2001 rounds=\d+ msk=match /, log);
  }
}

describe('eapd simulate authenticates a device with EAP-PSK over TCP, TLS and SCTP against eapd serve', () => {
  // One eapd for the suite: the rig's cleanup is the suite's after hook.
  const rig = Rig.open('sim-transports', { after });
  let eapd: EapdUnderTest;
  let ns: VethNamespace | undefined;
  after(() => ns?.remove());
  let ca: PkiFiles;
  let nasCert: PkiFiles;
  let tcpPort: number;
  let tlsPort: number;
  let sctpPort: number;
  const main = join(repoRoot(), 'dist', 'src', 'main.js');
  let runs = 0;

  /** `eapd simulate` for the provisioned device, run in our namespace or (argv prefix) another. */
  const simulate = async (
    args: readonly string[],
    prefix: readonly string[] = [],
  ): Promise<{ code: number | null; log: string }> => {
    const [command, ...rest] = [...prefix, process.execPath];
    const r = await rig.run(
      {
        name: `simulate-${++runs}`,
        command: command!,
        args: [
          ...rest,
          main,
          'simulate',
          '--origin-host',
          NAS_HOST,
          '--identity',
          DEVICE,
          '--psk',
          PSK,
          '--count',
          String(COUNT),
          '--concurrency',
          String(CONCURRENCY),
          ...args,
        ],
      },
      SIMULATE_TIMEOUT_MS,
    );
    return { code: r.exit.code, log: r.log };
  };

  before(async () => {
    ns = new VethNamespace();
    const pki = TestPki.create(rig);
    ca = pki.ca('ca');
    const server = pki.leaf('aaa', 'ca', { cn: SERVER_HOST, dnsNames: [SERVER_HOST] });
    // RFC 6733 §13.1: the simulator's certificate names the Origin-Host of its CER.
    nasCert = pki.leaf('nas', 'ca', { cn: NAS_HOST, dnsNames: [NAS_HOST] });
    const ports = await freePorts(4);
    [tcpPort, tlsPort, sctpPort] = [ports[0]!, ports[1]!, ports[2]!];
    eapd = await startEapd(rig, {
      originHost: SERVER_HOST,
      originRealm: SERVER_REALM,
      diameterPort: tcpPort,
      adminPort: ports[3]!,
      env: {
        EAPD_TLS_ENABLED: 'true',
        EAPD_TLS_PORT: String(tlsPort),
        EAPD_TLS_CERT: server.certFile,
        EAPD_TLS_KEY: server.keyFile,
        EAPD_TLS_CA: ca.certFile,
        EAPD_SCTP_BACKEND: 'userspace',
        EAPD_SCTP_PORT: String(sctpPort),
        // The SCTP simulator comes from the veth peer, not loopback.
        EAPD_UNKNOWN_PEERS: 'accept',
      },
    });
    await eapd.process.waitForLog(/"message":"sctp backend: userspace"/, 1_000);
    for (const [port, transport] of [
      [tlsPort, 'tls'],
      [sctpPort, 'sctp'],
    ] as const) {
      await eapd.process.waitForLog(
        new RegExp(
          `^(?=.*"message":"diameter listening")(?=.*"port":${port}[,}])(?=.*"transport":"${transport}").*$`,
          'm',
        ),
        1_000,
      );
    }
    const added = await eapd.cli(['device', 'add', DEVICE, '--psk', PSK]);
    assert.equal(added.code, 0, added.log);
  });

  test('over TCP: every authentication succeeds with matching MSKs', async () => {
    const r = await simulate(['--server', `${LOOPBACK}:${tcpPort}`, '--transport', 'tcp']);
    assert.equal(r.code, 0, r.log);
    assertAllSucceeded(r.log, / over tcp$/m);
  });

  test('over TLS with mutual authentication (--transport tls and its alias --tls): every authentication succeeds', async () => {
    const server = ['--server', `${LOOPBACK}:${tlsPort}`];
    const credentials = ['--cert', nasCert.certFile, '--key', nasCert.keyFile, '--ca', ca.certFile];
    const tls = [...server, '--server-name', SERVER_HOST, ...credentials];
    const mark = eapd.process.mark();
    const r = await simulate([...tls, '--transport', 'tls']);
    assert.equal(r.code, 0, r.log);
    assertAllSucceeded(r.log, / over tls$/m);
    // eapd saw a TLS peer whose certificate named the CER's Origin-Host.
    await eapd.process.waitForLog(
      new RegExp(`"message":"peer state","peer":"${NAS_HOST}"[^\\n]*"to":"R-Open"`),
      1_000,
      mark,
    );
    const alias = await simulate([...tls, '--tls']);
    assert.equal(alias.code, 0, alias.log);
    assertAllSucceeded(alias.log, / over tls$/m);
    // Without --server-name the server is checked against the address, which its certificate lacks.
    const unnamed = await simulate([...server, ...credentials, '--transport', 'tls']);
    assert.equal(unnamed.code, ExitCode.UNAVAILABLE, unnamed.log);
    assert.match(unnamed.log, /cannot reach .*IP: 127\.0\.0\.1 is not in the cert's list/, unnamed.log);
  });

  test('over SCTP (userspace on both sides, simulator in its own namespace): every authentication succeeds; tshark sees PPID 46 Diameter, nothing malformed', async () => {
    const veth = ns;
    assert.ok(veth !== undefined, 'the namespace was made in before()');
    const captureFile = rig.path('sctp.pcapng');
    const tsharkProc = await rig.start({
      name: 'tshark-sctp',
      command: requireTool('tshark'),
      args: ['-n', '-i', veth.hostIf, '-f', `sctp port ${sctpPort}`, '-F', 'pcapng', '-w', captureFile],
    });
    await tsharkProc.waitForLog(/Capture started/, CAPTURE_START_TIMEOUT_MS);
    const capture = new Capture(captureFile, tsharkProc);

    const r = await simulate(
      ['--server', `${veth.hostAddress}:${sctpPort}`, '--transport', 'sctp', '--sctp-backend', 'userspace'],
      [requireTool('ip'), 'netns', 'exec', veth.name],
    );
    assert.equal(r.code, 0, r.log);
    assertAllSucceeded(r.log, / over sctp \(userspace\)$/m);

    await capture.stop();
    const report = await checkCapture(captureFile);
    assert.ok(report.ok, report.output);
    const fromNas = report.diameter.filter((m) => m.src.startsWith(`${veth.peerAddress}:`));
    const fromEapd = report.diameter.filter((m) => m.src.startsWith(`${veth.hostAddress}:`));
    assert.equal(fromNas.filter((m) => m.commandCode === CER && m.request).length, 1, report.output);
    assert.equal(
      fromEapd.filter((m) => m.commandCode === CER && !m.request && m.resultCode === SUCCESS).length,
      1,
      report.output,
    );
    const ders = fromNas.filter((m) => m.commandCode === DER && m.request);
    const deas = fromEapd.filter((m) => m.commandCode === DER && !m.request);
    assert.equal(ders.length, COUNT * ROUNDS_PER_SUCCESS, report.output);
    assert.equal(deas.filter((m) => m.resultCode === SUCCESS).length, COUNT, report.output);
    assert.equal(
      deas.filter((m) => m.resultCode === MULTI_ROUND).length,
      COUNT * (ROUNDS_PER_SUCCESS - 1),
      report.output,
    );
    assert.ok(
      fromNas.some((m) => m.commandCode === DPR && m.request) &&
        fromEapd.some((m) => m.commandCode === DPR && !m.request && m.resultCode === SUCCESS),
      `DPR/DPA at the end\n${report.output}`,
    );
    // RFC 6733 §2.1.1: every DATA chunk, each way, carries PPID 46.
    const ppids = (
      await tshark([
        '-r',
        captureFile,
        '-Y',
        'sctp.data_payload_proto_id',
        '-T',
        'fields',
        '-E',
        'occurrence=a',
        '-E',
        'aggregator=,',
        '-e',
        'ip.src',
        '-e',
        'sctp.data_payload_proto_id',
      ])
    )
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t'));
    const all = ppids.flatMap(([, list]) => (list ?? '').split(',').map(Number));
    assert.ok(all.length >= 2 * (1 + COUNT * ROUNDS_PER_SUCCESS), `DATA chunks: ${all.length}`);
    assert.ok(
      all.every((p) => p === DIAMETER_PPID),
      `PPIDs: ${all.join(',')}`,
    );
    assert.ok(
      ppids.some(([src]) => src === veth.peerAddress) && ppids.some(([src]) => src === veth.hostAddress),
    );
  });
});
