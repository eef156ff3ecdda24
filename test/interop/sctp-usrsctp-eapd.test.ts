/**
 * Issue 7 acceptance (SCTP) against the real `eapd serve` with EAPD_SCTP_BACKEND=userspace: the
 * usrsctp Diameter client (test/interop/sctp/diameter_client.c, an independent SCTP stack) runs in a
 * network namespace of its own joined by a veth pair (each raw-IP stack then sees only its peer's
 * packets), and talks to eapd's DiameterNode over SCTP (RFC 6733 §2.1.1, PPID 46):
 *   - association, CER → CEA 2001, DWR → DWA 2001, then a graceful close;
 *   - a DER larger than 4 KB (a 6000-byte EAP-Payload, fragmented into several DATA chunks) reaches
 *     the node whole and is answered;
 *   - a client SIGKILLed mid-association (no SHUTDOWN, no ABORT: its namespace has no kernel SCTP)
 *     is detected by the RFC 3539 watchdog, eapd leaves R-Open and ABORTs the association;
 *   - tshark decodes the capture as Diameter over SCTP, PPID 46 on every DATA chunk, nothing malformed.
 * Needs root, iproute2, gcc, libusrsctp-dev, tshark (scripts/install-deps.sh).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from '../helpers/paths.js';
import { VethNamespace } from '../integration/transport/netns-fixture.js';
import { startEapd } from './lib/eapd.js';
import type { ManagedProcess } from './lib/managed-process.js';
import { freePorts } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { Capture } from './lib/tshark.js';
import { requireTool } from './lib/tools.js';

const CLIENT_HOST = 'client.edge.example';
const CER = 257;
const DWR = 280;
const DER = 268;
const SUCCESS = 2001;
const DIAMETER_PPID = 46;
/** RFC 9260 §3.2 chunk type ABORT. */
const SCTP_ABORT = 6;
const TW_SECONDS = 6;
/** Bigger than 4 KB and than one DATA chunk (werift fragments at 1200 bytes, usrsctp at the MTU). */
const BIG_EAP_PAYLOAD = 6000;
const FOUR_KB = 4096;
const CLIENT_TIMEOUT_MS = 20_000;
/**
 * RFC 3539 §3.4.1 as eapd runs it: a DWR after Tw (± 2 s jitter) of silence, SUSPECT after another
 * Tw without answer, DOWN (connection closed) after a third: at most 3 × (Tw + 2 s), plus slack.
 */
const DEAD_PEER_DETECTION_MS = 3 * (TW_SECONDS + 2) * 1000 + 5_000;
const TSHARK_TIMEOUT_MS = 60_000;
const TSHARK_MAX_BUFFER = 16 * 1024 * 1024;

interface WireChunk {
  readonly src: string;
  readonly dstPort: number;
  readonly ppids: readonly number[];
  readonly chunkTypes: readonly number[];
  readonly diameter: readonly {
    code: number;
    request: boolean;
    length: number;
    resultCode: number | undefined;
  }[];
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

/** Every SCTP packet of the capture with its chunk types, PPIDs and the Diameter messages tshark decoded. */
async function decodeSctp(file: string): Promise<WireChunk[]> {
  const out = await tshark([
    '-r',
    file,
    '-2',
    '-Y',
    'sctp',
    '-T',
    'fields',
    '-E',
    'separator=|',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
    '-e',
    'ip.src',
    '-e',
    'sctp.dstport',
    '-e',
    'sctp.chunk_type',
    '-e',
    'sctp.data_payload_proto_id',
    '-e',
    'diameter.cmd.code',
    '-e',
    'diameter.flags.request',
    '-e',
    'diameter.length',
    '-e',
    'diameter.Result-Code',
  ]);
  const list = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(','));
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((line): WireChunk => {
      const [src, dstPort, types, ppids, codes, requests, lengths, results] = line.split('|');
      const resultList = list(results);
      let answers = 0;
      const diameter = list(codes).map((code, i) => {
        const request = ['1', 'True', 'true'].includes(list(requests)[i] ?? '');
        return {
          code: Number(code),
          request,
          length: Number(list(lengths)[i]),
          resultCode: request ? undefined : Number(resultList[answers++]),
        };
      });
      return {
        src: src ?? '',
        dstPort: Number(dstPort),
        chunkTypes: list(types).map(Number),
        ppids: list(ppids).map(Number),
        diameter,
      };
    });
}

/** Malformed frames, and frames with an expert item of severity >= warning, as "frame|dstport|messages". */
async function problemFrames(
  file: string,
): Promise<{ malformed: string[]; warned: { frame: number; dstPort: number; message: string }[] }> {
  const malformed = (await tshark(['-r', file, '-2', '-Y', '_ws.malformed']))
    .split('\n')
    .filter((l) => l.trim() !== '');
  const warned = (
    await tshark([
      '-r',
      file,
      '-2',
      '-Y',
      '_ws.expert.severity >= warning',
      '-T',
      'fields',
      '-E',
      'separator=|',
      '-e',
      'frame.number',
      '-e',
      'sctp.dstport',
      '-e',
      '_ws.expert.message',
    ])
  )
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [frame, dstPort, message] = l.split('|');
      return { frame: Number(frame), dstPort: Number(dstPort), message: message ?? '' };
    });
  return { malformed, warned };
}

test('eapd over userspace SCTP with usrsctp: CER/CEA, DWR/DWA, a > 4 KB DER, a killed peer detected, clean capture', async (t) => {
  const rig = Rig.open('sctp-eapd', t);
  const ns = new VethNamespace();
  t.after(() => ns.remove());
  const client = rig.path('diameter_client');
  execFileSync(join(repoRoot(), 'test/interop/sctp/build.sh'), [client], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The SCTP port is reserved like a TCP one: no other interop file uses it at the same time.
  const [tcpPort, adminPort, sctpPort] = await freePorts(3);

  const captureFile = rig.path('sctp.pcapng');
  const tsharkProc = await rig.start({
    name: 'tshark-sctp',
    command: requireTool('tshark'),
    args: ['-n', '-i', ns.hostIf, '-f', `sctp port ${sctpPort}`, '-F', 'pcapng', '-w', captureFile],
  });
  await tsharkProc.waitForLog(/Capture started/, 15_000);
  const capture = new Capture(captureFile, tsharkProc);

  const eapd = await startEapd(rig, {
    originHost: 'aaa.home.example',
    originRealm: 'home.example',
    diameterPort: tcpPort!,
    adminPort: adminPort!,
    env: {
      EAPD_SCTP_BACKEND: 'userspace',
      EAPD_SCTP_PORT: String(sctpPort),
      EAPD_WATCHDOG_SECONDS: String(TW_SECONDS),
      // The client is not on loopback. (EAPD_PEERS would be the precise way, but a JSON list in that
      // variable is not parsed yet: the 'peer-list' config format has no coerce.)
      EAPD_UNKNOWN_PEERS: 'accept',
    },
  });
  await eapd.process.waitForLog(/"message":"sctp backend: userspace"/, 1_000);
  await eapd.process.waitForLog(
    new RegExp(`"message":"diameter listening","port":${sctpPort},[^\\n]*"transport":"sctp"`),
    1_000,
  );

  let runs = 0;
  const startClient = (...args: string[]): Promise<ManagedProcess> =>
    rig.start({
      name: `usrsctp-client-${++runs}`,
      command: requireTool('ip'),
      args: [
        'netns',
        'exec',
        ns.name,
        client,
        ns.hostAddress,
        String(sctpPort),
        '--origin-host',
        CLIENT_HOST,
        ...args,
      ],
    });
  const leftOpen = (from: number): Promise<RegExpMatchArray> =>
    eapd.process.waitForLog(
      new RegExp(`^.*"from":"R-Open".*"message":"peer state","peer":"${CLIENT_HOST}".*$`, 'm'),
      DEAD_PEER_DETECTION_MS,
      from,
    );

  // 1. CER → CEA 2001 from the real node, DWR → DWA 2001, then usrsctp closes (SHUTDOWN).
  let mark = eapd.process.mark();
  const first = await startClient();
  const firstExit = await first.waitForExit(CLIENT_TIMEOUT_MS);
  assert.match(first.log(), /^CEA result-code 2001$/m, first.describe());
  assert.match(first.log(), /^DWA result-code 2001$/m, first.describe());
  assert.equal(firstExit.code, 0, first.describe());
  await eapd.process.waitForLog(
    new RegExp(`"message":"peer state","peer":"${CLIENT_HOST}"[^\\n]*"to":"R-Open"`),
    1_000,
    mark,
  );
  await leftOpen(mark);

  // 2. A DER of more than 4 KB reaches the node as one message and is answered. (The client
  //    expects its echo responder's answer, so it reports "BIG mismatch" against the real node: the
  //    line proves an answer came back over the same association.)
  mark = eapd.process.mark();
  const big = await startClient('--big', String(BIG_EAP_PAYLOAD));
  await big.waitForExit(CLIENT_TIMEOUT_MS);
  assert.match(big.log(), /^CEA result-code 2001$/m, big.describe());
  assert.match(big.log(), /^BIG (ok|mismatch: answer \d+ bytes)/m, big.describe());
  await leftOpen(mark);

  // 3. A client killed mid-association: nothing tells eapd (no SHUTDOWN, no ABORT); the watchdog
  //    must find out, take the peer out of R-Open and drop the association.
  mark = eapd.process.mark();
  const held = await startClient('--hold', '120');
  await held.waitForLog(/^HOLD$/m, CLIENT_TIMEOUT_MS);
  await eapd.process.waitForLog(new RegExp(`"peer":"${CLIENT_HOST}"[^\\n]*"to":"R-Open"`), 1_000, mark);
  const killedAt = Date.now();
  await held.stop({ signal: 'SIGKILL' });
  const left = await leftOpen(mark);
  const detectedMs = Date.now() - killedAt;
  assert.match(left[0], /"to":"Closed"/);
  assert.match(
    eapd.process.log().slice(mark),
    /"message":"watchdog"[^\n]*"to":"SUSPECT"/,
    'RFC 3539: SUSPECT before the close',
  );
  assert.ok(detectedMs < DEAD_PEER_DETECTION_MS, `detected after ${detectedMs} ms`);

  await eapd.stop();
  await capture.stop();
  const packets = await decodeSctp(captureFile);
  const dump = packets
    .filter((p) => p.diameter.length > 0 || p.chunkTypes.includes(SCTP_ABORT))
    .map((p) => JSON.stringify(p))
    .join('\n');
  const fromEapd = packets.filter((p) => p.src === ns.hostAddress);
  const fromClient = packets.filter((p) => p.src === ns.peerAddress);
  const { malformed, warned } = await problemFrames(captureFile);
  assert.deepEqual(malformed, [], 'no malformed frame');
  // The one expected warning: eapd retransmitting its last DATA (the DWA whose SACK the client never
  // sent, the watchdog's DWR) to the client that was killed. Anything else is a finding.
  const killedPort = fromEapd
    .filter((p) => p.diameter.some((m) => m.code === CER && !m.request))
    .at(-1)?.dstPort;
  const unexpected = warned.filter((w) => !(w.dstPort === killedPort && /retransmitted/.test(w.message)));
  assert.deepEqual(unexpected, [], `unexpected expert warnings (killed client port ${killedPort})`);
  const dataPpids = packets.flatMap((p) => p.ppids);
  assert.ok(dataPpids.length > 0, dump);
  assert.ok(
    dataPpids.every((ppid) => ppid === DIAMETER_PPID),
    `PPID 46 on every DATA chunk: ${dataPpids.join(',')}`,
  );
  const msgs = (ps: WireChunk[]) => ps.flatMap((p) => p.diameter);
  assert.equal(msgs(fromClient).filter((m) => m.code === CER && m.request).length, 3, dump);
  assert.equal(
    msgs(fromEapd).filter((m) => m.code === CER && !m.request && m.resultCode === SUCCESS).length,
    3,
    dump,
  );
  assert.ok(
    msgs(fromEapd).some((m) => m.code === DWR && !m.request && m.resultCode === SUCCESS),
    dump,
  );
  const bigDer = msgs(fromClient).find((m) => m.code === DER && m.request);
  assert.ok(
    bigDer !== undefined && bigDer.length > FOUR_KB && bigDer.length > BIG_EAP_PAYLOAD,
    `a DER > 4 KB decoded whole\n${dump}`,
  );
  assert.ok(
    msgs(fromEapd).some((m) => m.code === DER && !m.request),
    `the DER was answered\n${dump}`,
  );
  // The watchdog's DWR to the dead client went unanswered, then eapd aborted the association.
  const lastDwr = packets.findLastIndex(
    (p) => p.src === ns.hostAddress && p.diameter.some((m) => m.code === DWR && m.request),
  );
  assert.ok(lastDwr >= 0, dump);
  assert.ok(
    packets.slice(lastDwr).some((p) => p.src === ns.hostAddress && p.chunkTypes.includes(SCTP_ABORT)),
    `ABORT after the unanswered DWR\n${dump}`,
  );
});
