import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildAbortSessionAnswer, runAuthentication, type NasClientResult } from '../../app/nas-client.js';
import { ApplicationId, AvpCode, CommandCode } from '../../diameter/dict/constants.gen.js';
import { loadDefaultDictionaries } from '../../diameter/dict/index.js';
import { DiameterClient } from '../../diameter/node/client.js';
import { SessionIdGenerator } from '../../diameter/node/session-id.js';
import {
  parseSctpBackend,
  SctpBackend,
  selectSctpBackend,
} from '../../diameter/transport/sctp/select-backend.js';
import { UserspaceSctpTransport } from '../../diameter/transport/sctp/userspace/userspace-transport.js';
import { TcpTransport } from '../../diameter/transport/tcp.js';
import { TlsTransport } from '../../diameter/transport/tls.js';
import { TransportKind, type Transport } from '../../diameter/transport/transport.js';
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
  --transport tcp|tls|sctp   how to reach the server (default tcp; RFC 6733 §2.1)
  --tls                      the same as --transport tls
  --cert F --key F --ca F    tls: our certificate, its key, and the CA the server's must chain to
                             (mutual authentication, RFC 6733 §13)
  --server-name NAME         tls: the name the server's certificate must carry (default: HOST of
                             --server; give the server's Diameter identity when HOST is an address)
  --sctp-backend B           sctp: auto|kernel|userspace (default auto: kernel SCTP if the kernel
                             has it, else SCTP over a raw IPv4 socket, which needs root or CAP_NET_RAW)
  --timeout MS               per-request timeout (default 5000)
exit: 0 when every authentication had the expected outcome, 1 otherwise, 2 usage, 69 no connection`;

const DEFAULT_TIMEOUT_MS = 5000;
const PSK_HEX = /^[0-9a-fA-F]{32}$/;
const TRANSPORT_KINDS: readonly string[] = Object.values(TransportKind);

/** Everything a run needs, validated from the command line. */
interface SimulateSettings {
  readonly host: string;
  readonly port: number;
  readonly identity: string;
  readonly pskHex: string;
  readonly count: number;
  readonly concurrency: number;
  readonly hold: number;
  readonly timeoutMs: number;
  readonly expect: 'success' | 'failure';
  readonly originHost: string;
  readonly originRealm: string;
  readonly destinationRealm: string | undefined;
  readonly serverName: string | undefined;
  readonly eapStart: boolean;
  readonly callingStationId: string | undefined;
  readonly calledStationId: string | undefined;
}

/** The transport of a run; `release` frees what it holds (the userspace SCTP raw socket). */
interface ChosenTransport {
  readonly transport: Transport;
  readonly label: string;
  release(): void;
}

interface TlsFileOptions {
  readonly cert: string | undefined;
  readonly key: string | undefined;
  readonly ca: string | undefined;
}

const NOTHING_TO_RELEASE = (): void => undefined;

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
        transport: { type: 'string' },
        tls: { type: 'boolean' },
        'server-name': { type: 'string' },
        'sctp-backend': { type: 'string' },
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
  if (timeoutMs === undefined || timeoutMs < 1)
    return usage('--timeout must be a positive number of milliseconds');
  const expect = o.expect ?? 'success';
  if (expect !== 'success' && expect !== 'failure') return usage('--expect must be success or failure');
  const kind = o.transport ?? (o.tls ? TransportKind.TLS : TransportKind.TCP);
  if (!TRANSPORT_KINDS.includes(kind))
    return usage(`--transport must be one of ${TRANSPORT_KINDS.join('|')}`);
  if (o.tls && kind !== TransportKind.TLS) return usage(`--tls contradicts --transport ${kind}`);
  const tlsOnly = [o.cert, o.key, o.ca, o['server-name']].some((v) => v !== undefined);
  if (kind === TransportKind.TLS && (!o.cert || !o.key || !o.ca))
    return usage('--transport tls needs --cert, --key and --ca');
  if (kind !== TransportKind.TLS && tlsOnly)
    return usage('--cert, --key, --ca and --server-name go with --transport tls');
  if (kind !== TransportKind.SCTP && o['sctp-backend'] !== undefined)
    return usage('--sctp-backend goes with --transport sctp');
  let sctpBackend: SctpBackend | undefined;
  try {
    sctpBackend = parseSctpBackend(o['sctp-backend']);
  } catch {
    sctpBackend = undefined;
  }
  if (sctpBackend === undefined || sctpBackend === SctpBackend.OFF)
    return usage('--sctp-backend must be auto, kernel or userspace');
  const originHost = o['origin-host'] ?? 'nas.sim.local';
  const originRealm =
    o['origin-realm'] ??
    (originHost.includes('.') ? originHost.slice(originHost.indexOf('.') + 1) : originHost);
  const settings: SimulateSettings = {
    host: server.host,
    port: server.port,
    identity: o.identity,
    pskHex: o.psk,
    count,
    concurrency,
    hold,
    timeoutMs,
    expect,
    originHost,
    originRealm,
    destinationRealm: o['destination-realm'],
    serverName: o['server-name'],
    eapStart: o['eap-start'] === true,
    callingStationId: o['calling-station-id'],
    calledStationId: o['called-station-id'],
  };

  let chosen: ChosenTransport | string;
  try {
    chosen = await chooseTransport(kind, sctpBackend, { cert: o.cert, key: o.key, ca: o.ca });
  } catch (e) {
    chosen = (e as Error).message;
  }
  if (typeof chosen === 'string') {
    io.err(`eapd simulate: no ${kind} transport: ${chosen}`);
    return ExitCode.UNAVAILABLE;
  }
  try {
    return await simulate(settings, chosen, io);
  } finally {
    chosen.release();
  }
}

/** `--transport`: a client transport, or why there is none (e.g. the SCTP backend is unusable here). */
async function chooseTransport(
  kind: string,
  sctpBackend: SctpBackend,
  tls: TlsFileOptions,
): Promise<ChosenTransport | string> {
  if (kind === TransportKind.TLS) {
    if (tls.cert === undefined || tls.key === undefined || tls.ca === undefined)
      return 'no certificate files';
    const transport = await TlsTransport.create({ certFile: tls.cert, keyFile: tls.key, caFile: tls.ca });
    return { transport, label: 'tls', release: NOTHING_TO_RELEASE };
  }
  if (kind === TransportKind.SCTP) {
    const selection = selectSctpBackend(sctpBackend);
    if (selection.backend === 'off') return selection.reason;
    const { transport } = selection;
    // The userspace backend's endpoint owns a raw socket (and its associations) until closed.
    const release =
      transport instanceof UserspaceSctpTransport ? () => transport.close() : NOTHING_TO_RELEASE;
    return { transport, label: `sctp (${selection.backend})`, release };
  }
  return { transport: new TcpTransport(), label: 'tcp', release: NOTHING_TO_RELEASE };
}

/** One run: CER/CEA, `count` authentications (`concurrency` at once), the summary, DPR. */
async function simulate(s: SimulateSettings, chosen: ChosenTransport, io: CliIo): Promise<number> {
  const dictionary = loadDefaultDictionaries(fileURLToPath(new URL('dictionaries', packageRoot())));
  const quiet = { warn() {}, info() {}, debug() {} };
  let client: DiameterClient;
  try {
    client = await DiameterClient.connect(chosen.transport, s.host, s.port, {
      local: {
        originHost: s.originHost,
        originRealm: s.originRealm,
        originStateId: Math.floor(Date.now() / 1000),
        vendorId: 0,
        productName: 'eapd-simulate',
        firmwareRevision: 1,
        authApplicationIds: [ApplicationId.DiameterEAP],
        acctApplicationIds: [],
      },
      dictionary,
      logger: quiet,
      ...(s.serverName !== undefined ? { serverName: s.serverName } : {}),
    });
  } catch (e) {
    io.err(`eapd simulate: cannot reach ${s.host}:${s.port}: ${(e as Error).message}`);
    return ExitCode.UNAVAILABLE;
  }
  io.out(
    `connected to ${client.server.originHost} (realm ${client.server.originRealm}) over ${chosen.label}`,
  );
  const local = { originHost: s.originHost, originRealm: s.originRealm };
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

  const keys = derivePskKeys(Buffer.from(s.pskHex, 'hex'));
  const sessions = new SessionIdGenerator(s.originHost);
  // RFC 6733 §8.8's time-seeded high part repeats for runs started in the same second: an
  // optional part unique to this run keeps Session-Ids apart (simulators are run in loops).
  const runTag = randomBytes(4).toString('hex');
  const destinationRealm = s.destinationRealm ?? client.server.originRealm;
  let next = 0;
  let succeeded = 0;
  let failed = 0;
  let unexpected = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < s.count && client.isOpen) {
      const n = ++next;
      const started = performance.now();
      let r: NasClientResult;
      try {
        r = await runAuthentication((frame) => client.request(frame, s.timeoutMs), {
          originHost: s.originHost,
          originRealm: s.originRealm,
          destinationRealm,
          nextSessionId: () => sessions.next(runTag),
          nextEndToEnd: () => client.nextEndToEnd(),
          peer: new EapPskPeer({ peerId: s.identity, keys }),
          ...(s.eapStart ? { eapStart: true } : {}),
          ...(s.callingStationId !== undefined ? { callingStationId: s.callingStationId } : {}),
          ...(s.calledStationId !== undefined ? { calledStationId: s.calledStationId } : {}),
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
      if ((s.expect === 'success') !== ok) unexpected++;
      const msk = r.success ? (mskMatch ? 'match' : 'MISMATCH') : '-';
      io.out(
        `#${n} ${ok ? 'success' : 'failure'} result=${r.resultCode ?? 'none'} rounds=${r.rounds} msk=${msk} ms=${ms} session=${r.sessionId}` +
          (r.error ? ` error="${r.error}"` : ''),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(s.concurrency, s.count) }, () => worker()));
  const seconds = (performance.now() - t0) / 1000;
  io.out(
    `summary: ${s.count} authentications, ${succeeded} succeeded, ${failed} failed, ${unexpected} unexpected ` +
      `(expected ${s.expect}), ${(s.count / seconds).toFixed(0)}/s`,
  );
  if (s.hold > 0) {
    io.out(`holding the connection for ${s.hold} s (answering ASR/RAR)`);
    await Promise.race([new Promise((r) => setTimeout(r, s.hold * 1000)), client.closed]);
  }
  await client.close();
  return unexpected === 0 && next >= s.count ? ExitCode.OK : ExitCode.FAILURE;
}
