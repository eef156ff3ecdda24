import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildAbortSessionAnswer, runAuthentication, type NasClientResult } from '../../app/nas-client.js';
import { ApplicationId, AvpCode, CommandCode } from '../../diameter/dict/constants.gen.js';
import { loadDefaultDictionaries } from '../../diameter/dict/index.js';
import { DiameterClient } from '../../diameter/node/client.js';
import { SessionIdGenerator } from '../../diameter/node/session-id.js';
import { TcpTransport } from '../../diameter/transport/tcp.js';
import { TlsTransport } from '../../diameter/transport/tls.js';
import type { Transport } from '../../diameter/transport/transport.js';
import { derivePskKeys, EapPskPeer } from '../../eap/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { packageRoot } from '../version.js';

export const SIMULATE_USAGE = `usage: eapd simulate --server HOST:PORT --identity ID --psk HEX [options]
  Acts as a NAS: connects to a Diameter server (CER/CEA), authenticates the device with EAP-PSK
  over Diameter EAP (RFC 4072), prints one line per authentication and a summary, sends DPR.
options:
  --count N                  authentications to run (default 1)
  --concurrency C            at once, on the one connection (default 1)
  --eap-start                start with an empty EAP-Payload (EAP-Start)
  --calling-station-id X     the device's MAC (Calling-Station-Id)
  --called-station-id Y      the access point (Called-Station-Id)
  --destination-realm R      Destination-Realm (default: the server's realm from its CEA)
  --origin-host H            our Origin-Host (default nas.sim.local)
  --origin-realm R           our Origin-Realm (default: the part of --origin-host after its first dot)
  --expect success|failure   the outcome that counts as expected (default success)
  --hold SECONDS             keep the connection open afterwards, answering ASR/RAR (default 0)
  --tls --cert F --key F --ca F   connect with mutual TLS (RFC 6733 §13)
  --timeout MS               per-request timeout (default 5000)
exit: 0 when every authentication had the expected outcome, 1 otherwise, 2 usage, 69 no connection`;

const DEFAULT_TIMEOUT_MS = 5000;
const PSK_HEX = /^[0-9a-fA-F]{32}$/;

function parseServer(s: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}

function positiveInt(v: string | undefined, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  return /^\d+$/.test(v) && Number(v) >= 0 ? Number(v) : undefined;
}

/** `eapd simulate`: a NAS simulator for operators testing an installation, and the tests' client. */
export async function runSimulateCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        server: { type: 'string' },
        identity: { type: 'string' },
        psk: { type: 'string' },
        count: { type: 'string' },
        concurrency: { type: 'string' },
        'eap-start': { type: 'boolean' },
        'calling-station-id': { type: 'string' },
        'called-station-id': { type: 'string' },
        'destination-realm': { type: 'string' },
        'origin-host': { type: 'string' },
        'origin-realm': { type: 'string' },
        expect: { type: 'string' },
        hold: { type: 'string' },
        tls: { type: 'boolean' },
        cert: { type: 'string' },
        key: { type: 'string' },
        ca: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`eapd simulate: ${(e as Error).message}\n${SIMULATE_USAGE}`);
    return ExitCode.USAGE;
  }
  const o = parsed.values;
  if (o.help) {
    io.out(SIMULATE_USAGE);
    return ExitCode.OK;
  }
  const usage = (msg: string): number => {
    io.err(`eapd simulate: ${msg}\n${SIMULATE_USAGE}`);
    return ExitCode.USAGE;
  };
  const server = o.server === undefined ? undefined : parseServer(o.server);
  if (!server) return usage('--server HOST:PORT is required (e.g. 127.0.0.1:3868)');
  if (!o.identity) return usage('--identity is required (the device NAI, e.g. sensor-0001@iot.example)');
  if (!o.psk || !PSK_HEX.test(o.psk)) return usage('--psk must be 32 hex digits (a 16-byte EAP-PSK key)');
  const count = positiveInt(o.count, 1);
  const concurrency = positiveInt(o.concurrency, 1);
  const hold = positiveInt(o.hold, 0);
  const timeoutMs = positiveInt(o.timeout, DEFAULT_TIMEOUT_MS);
  if (count === undefined || count < 1) return usage('--count must be a positive integer');
  if (concurrency === undefined || concurrency < 1) return usage('--concurrency must be a positive integer');
  if (hold === undefined) return usage('--hold must be a number of seconds');
  if (timeoutMs === undefined || timeoutMs < 1) return usage('--timeout must be a positive number of milliseconds');
  const expect = o.expect ?? 'success';
  if (expect !== 'success' && expect !== 'failure') return usage('--expect must be success or failure');
  if (o.tls && (!o.cert || !o.key || !o.ca)) return usage('--tls needs --cert, --key and --ca');
  const originHost = o['origin-host'] ?? 'nas.sim.local';
  const originRealm = o['origin-realm'] ?? (originHost.includes('.') ? originHost.slice(originHost.indexOf('.') + 1) : originHost);

  const transport: Transport = o.tls
    ? await TlsTransport.create({ certFile: o.cert!, keyFile: o.key!, caFile: o.ca! })
    : new TcpTransport();
  const dictionary = loadDefaultDictionaries(fileURLToPath(new URL('dictionaries', packageRoot())));
  const quiet = { warn() {}, info() {}, debug() {} };
  let client: DiameterClient;
  try {
    client = await DiameterClient.connect(transport, server.host, server.port, {
      local: {
        originHost,
        originRealm,
        originStateId: Math.floor(Date.now() / 1000),
        vendorId: 0,
        productName: 'eapd-simulate',
        firmwareRevision: 1,
        authApplicationIds: [ApplicationId.DiameterEAP],
        acctApplicationIds: [],
      },
      dictionary,
      logger: quiet,
    });
  } catch (e) {
    io.err(`eapd simulate: cannot reach ${o.server}: ${(e as Error).message}`);
    return ExitCode.UNAVAILABLE;
  }
  io.out(`connected to ${client.server.originHost} (realm ${client.server.originRealm}) over ${o.tls ? 'tls' : 'tcp'}`);
  const local = { originHost, originRealm };
  client.onRequest((req) => {
    if (req.commandCode === CommandCode.AbortSession) {
      io.out(`ASR received: session=${req.find(AvpCode.SessionId)?.asUtf8() ?? '?'}; answering ASA 2001`);
      return buildAbortSessionAnswer(req, local);
    }
    if (req.commandCode === CommandCode.ReAuth) {
      io.out(`RAR received: session=${req.find(AvpCode.SessionId)?.asUtf8() ?? '?'}; answering RAA 2001`);
      return buildAbortSessionAnswer(req, local);
    }
    return undefined;
  });

  const keys = derivePskKeys(Buffer.from(o.psk, 'hex'));
  const sessions = new SessionIdGenerator(originHost);
  // RFC 6733 §8.8's time-seeded high part repeats for runs started in the same second: an
  // optional part unique to this run keeps Session-Ids apart (simulators are run in loops).
  const runTag = randomBytes(4).toString('hex');
  const destinationRealm = o['destination-realm'] ?? client.server.originRealm;
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  let unexpected = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count && client.isOpen) {
      const n = ++next;
      const started = performance.now();
      let r: NasClientResult;
      try {
        r = await runAuthentication((frame) => client.request(frame, timeoutMs), {
          originHost,
          originRealm,
          destinationRealm,
          nextSessionId: () => sessions.next(runTag),
          nextEndToEnd: () => client.nextEndToEnd(),
          peer: new EapPskPeer({ peerId: o.identity!, keys }),
          ...(o['eap-start'] ? { eapStart: true } : {}),
          ...(o['calling-station-id'] !== undefined ? { callingStationId: o['calling-station-id'] } : {}),
          ...(o['called-station-id'] !== undefined ? { calledStationId: o['called-station-id'] } : {}),
        });
      } catch (e) {
        failed++;
        unexpected++;
        io.out(`#${n} error ${(e as Error).message}`);
        continue;
      }
      const ms = (performance.now() - started).toFixed(1);
      const mskMatch = r.msk !== undefined && r.peerMsk !== undefined && r.msk.equals(r.peerMsk);
      const ok = r.success && mskMatch;
      if (ok) succeeded++;
      else failed++;
      if ((expect === 'success') !== ok) unexpected++;
      const msk = r.success ? (mskMatch ? 'match' : 'MISMATCH') : '-';
      io.out(
        `#${n} ${ok ? 'success' : 'failure'} result=${r.resultCode ?? 'none'} rounds=${r.rounds} msk=${msk} ms=${ms} session=${r.sessionId}` +
          (r.error ? ` error="${r.error}"` : ''),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker()));
  const seconds = (performance.now() - t0) / 1000;
  io.out(
    `summary: ${count} authentications, ${succeeded} succeeded, ${failed} failed, ${unexpected} unexpected ` +
      `(expected ${expect}), ${(count / seconds).toFixed(0)}/s`,
  );
  if (hold > 0) {
    io.out(`holding the connection for ${hold} s (answering ASR/RAR)`);
    await Promise.race([new Promise((r) => setTimeout(r, hold * 1000)), client.closed]);
  }
  await client.close();
  return unexpected === 0 && next >= count ? ExitCode.OK : ExitCode.FAILURE;
}

