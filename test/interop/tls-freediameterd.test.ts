/**
 * Issue 7 acceptance (TLS): Debian's freeDiameterd, with TLS_Cred/TLS_CA from a CA made by the test,
 * connects to the real eapd's TLS port (RFC 6733 §13: TLS at connect time, mutual authentication),
 * reaches STATE_OPEN on both sides, exchanges DWR/DWA and leaves with DPR/DPA. The capture is
 * decrypted with the TLS session keys eapd writes (node --tls-keylog, test only), so tshark checks
 * the handshake and decodes the Diameter messages inside the TLS records.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';

import { startEapd } from './lib/eapd.js';
import { FD_PEER_STATE, startFreeDiameterd } from './lib/free-diameterd.js';
import { TestPki } from './lib/pki.js';
import { freePorts } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { startCapture } from './lib/tshark.js';
import { requireTool } from './lib/tools.js';

const CER = 257;
const DWR = 280;
const DPR = 282;
const SUCCESS = 2001;
const TW_SECONDS = 6;
/** RFC 8446 §4 / RFC 5246 §7.4 HandshakeType values. */
const TLS_HANDSHAKE = {
  clientHello: 1,
  serverHello: 2,
  certificate: 11,
  certificateRequest: 13,
  finished: 20,
} as const;
const TSHARK_TIMEOUT_MS = 60_000;
const TSHARK_MAX_BUFFER = 16 * 1024 * 1024;

interface TlsFrame {
  readonly frame: number;
  readonly srcPort: number;
  readonly handshakeTypes: readonly number[];
  readonly diameter: readonly { code: number; request: boolean; resultCode: number | undefined }[];
}

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

/** Every TLS frame of the capture, decrypted with the key log, with the Diameter messages inside. */
async function decodeTls(
  file: string,
  tlsPort: number,
  keyLog: string,
): Promise<{ frames: TlsFrame[]; problems: string[] }> {
  const decode = [
    '-d',
    `tcp.port==${tlsPort},tls`,
    '-d',
    `tls.port==${tlsPort},diameter`,
    '-o',
    `tls.keylog_file:${keyLog}`,
  ];
  const fields = await tshark([
    '-r',
    file,
    ...decode,
    '-2',
    '-Y',
    'tls',
    '-T',
    'fields',
    '-E',
    'separator=|',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
    '-e',
    'frame.number',
    '-e',
    'tcp.srcport',
    '-e',
    'tls.handshake.type',
    '-e',
    'diameter.cmd.code',
    '-e',
    'diameter.flags.request',
    '-e',
    'diameter.Result-Code',
  ]);
  const frames = fields
    .split('\n')
    .filter((l) => l !== '')
    .map((line): TlsFrame => {
      const [frame, src, hs, codes, requests, results] = line.split('|');
      const list = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(','));
      const resultList = list(results);
      let answerIndex = 0;
      const diameter = list(codes).map((code, i) => {
        const request = ['1', 'True', 'true'].includes(list(requests)[i] ?? '');
        const resultCode = request ? undefined : Number(resultList[answerIndex++]);
        return { code: Number(code), request, resultCode };
      });
      return { frame: Number(frame), srcPort: Number(src), handshakeTypes: list(hs).map(Number), diameter };
    });
  const problems = await tshark([
    '-r',
    file,
    ...decode,
    '-2',
    '-Y',
    '_ws.malformed || _ws.expert.severity >= warning',
    '-T',
    'fields',
    '-e',
    'frame.number',
    '-e',
    'tcp.flags.reset',
    '-e',
    '_ws.expert.message',
  ]);
  return { frames, problems: problems.split('\n').filter((l) => l !== '') };
}

function dwrCount(metrics: string, direction: 'in' | 'out'): number {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('eapd_diameter_messages_total{') &&
        l.includes('command="DWR"') &&
        l.includes('type="request"') &&
        l.includes(`direction="${direction}"`) &&
        l.includes('peer="dea.edge.example"'),
    );
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('freeDiameterd with TLS_Cred/TLS_CA reaches STATE_OPEN with eapd over TLS; handshake and Diameter inside are clean', async (t) => {
  const rig = Rig.open('tls-fd', t);
  const pki = TestPki.create(rig);
  const ca = pki.ca('ca');
  const server = pki.leaf('aaa', 'ca', { cn: 'aaa.home.example', dnsNames: ['aaa.home.example'] });
  const client = pki.leaf('dea', 'ca', { cn: 'dea.edge.example', dnsNames: ['dea.edge.example'] });
  const [edgePort, tcpPort, tlsPort, adminPort] = await freePorts(4);
  const keyLog = rig.path('tls-keys.log');

  const capture = await startCapture(rig, { tcpPorts: [tlsPort!], name: 'tls' });
  const eapd = await startEapd(rig, {
    originHost: 'aaa.home.example',
    originRealm: 'home.example',
    diameterPort: tcpPort!,
    adminPort: adminPort!,
    env: {
      EAPD_WATCHDOG_SECONDS: String(TW_SECONDS),
      EAPD_TLS_ENABLED: 'true',
      EAPD_TLS_PORT: String(tlsPort),
      EAPD_TLS_CERT: server.certFile,
      EAPD_TLS_KEY: server.keyFile,
      EAPD_TLS_CA: ca.certFile,
      // Test only: TLS session secrets, so that tshark can decrypt this capture.
      NODE_OPTIONS: `--tls-keylog=${keyLog}`,
    },
  });
  await eapd.process.waitForLog(
    new RegExp(
      `"message":"diameter listening".*"port":${tlsPort}.*"transport":"tls"|"message":"diameter listening".*"transport":"tls".*"port":${tlsPort}`,
    ),
    1_000,
  );

  const fd = await startFreeDiameterd(rig, {
    identity: 'dea.edge.example',
    realm: 'edge.example',
    port: edgePort!,
    twSeconds: TW_SECONDS,
    tls: { certFile: client.certFile, keyFile: client.keyFile, caFile: ca.certFile },
    peers: [{ identity: 'aaa.home.example', port: tlsPort!, realm: 'home.example', tls: true }],
  });
  await fd.waitForPeerState('aaa.home.example', FD_PEER_STATE.open, 20_000);
  await eapd.process.waitForLog(/"message":"peer state".*"peer":"dea.edge.example".*"to":"R-Open"/, 5_000);

  // One watchdog exchange over the TLS connection (whichever side's Tw fires first).
  await waitFor(
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
      return dwrCount(text, 'in') + dwrCount(text, 'out') >= 1;
    },
    4 * TW_SECONDS * 1000,
    'a DWR over TLS',
  );

  await fd.stop();
  await eapd.process.waitForLog(/"message":"peer sent DPR"/, 5_000);
  await eapd.stop();
  const file = await capture.stop();

  const { frames, problems } = await decodeTls(file, tlsPort!, keyLog);
  const dump = frames.map((f) => JSON.stringify(f)).join('\n');
  const fromEapd = frames.filter((f) => f.srcPort === tlsPort);
  const fromFd = frames.filter((f) => f.srcPort !== tlsPort);
  // RFC 6733 §5.6 (R-Rcv-DPR: R-Snd-DPA, R-Disc): eapd closes right after its DPA; freeDiameterd's
  // close_notify may then hit a closed socket and draw a TCP RST. That RST after the DPA is the one
  // tolerated warning; anything else (or anything before the DPA) is a finding.
  const dpaFrame = fromEapd.find((f) => f.diameter.some((m) => m.code === DPR && !m.request))?.frame ?? 0;
  const unexpected = problems.filter((line) => {
    const [frame, reset] = line.split('\t');
    return !(Number(frame) > dpaFrame && dpaFrame > 0 && ['1', 'True', 'true'].includes(reset ?? ''));
  });
  assert.deepEqual(
    unexpected,
    [],
    `malformed or warned frames (frame, RST, expert message); DPA in frame ${dpaFrame}`,
  );
  const hs = (fs: TlsFrame[], type: number): boolean => fs.some((f) => f.handshakeTypes.includes(type));
  // Mutual authentication: eapd asks for the client certificate and both sides send one.
  assert.ok(hs(fromFd, TLS_HANDSHAKE.clientHello), `ClientHello\n${dump}`);
  assert.ok(hs(fromEapd, TLS_HANDSHAKE.serverHello), `ServerHello\n${dump}`);
  assert.ok(hs(fromEapd, TLS_HANDSHAKE.certificateRequest), `CertificateRequest\n${dump}`);
  assert.ok(hs(fromEapd, TLS_HANDSHAKE.certificate), `server Certificate\n${dump}`);
  assert.ok(hs(fromFd, TLS_HANDSHAKE.certificate), `client Certificate\n${dump}`);
  assert.ok(
    hs(fromFd, TLS_HANDSHAKE.finished) && hs(fromEapd, TLS_HANDSHAKE.finished),
    `Finished both ways\n${dump}`,
  );

  const msgs = (fs: TlsFrame[]) => fs.flatMap((f) => f.diameter);
  const fdMsgs = msgs(fromFd);
  const eapdMsgs = msgs(fromEapd);
  assert.equal(fdMsgs.filter((m) => m.code === CER && m.request).length, 1, dump);
  assert.equal(eapdMsgs.find((m) => m.code === CER && !m.request)?.resultCode, SUCCESS, dump);
  const dwrFrom = (a: typeof fdMsgs, b: typeof fdMsgs) =>
    a.some((m) => m.code === DWR && m.request) &&
    b.some((m) => m.code === DWR && !m.request && m.resultCode === SUCCESS);
  assert.ok(dwrFrom(fdMsgs, eapdMsgs) || dwrFrom(eapdMsgs, fdMsgs), `DWR/DWA 2001 inside TLS\n${dump}`);
  assert.equal(fdMsgs.filter((m) => m.code === DPR && m.request).length, 1, dump);
  assert.equal(eapdMsgs.find((m) => m.code === DPR && !m.request)?.resultCode, SUCCESS, dump);
});
