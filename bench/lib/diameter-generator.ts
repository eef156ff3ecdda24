import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { buildDer, runAuthentication } from '../../src/app/nas-client.js';
import { ApplicationId } from '../../src/diameter/dict/constants.gen.js';
import { loadDefaultDictionaries, type Dictionary } from '../../src/diameter/dict/index.js';
import { DiameterClient } from '../../src/diameter/node/client.js';
import { SessionIdGenerator } from '../../src/diameter/node/session-id.js';
import { TcpTransport } from '../../src/diameter/transport/tcp.js';
import { EapCode, EapPskPeer } from '../../src/eap/index.js';
import { buildIdentity } from '../../src/eap/packet.js';
import { packageRoot } from '../../src/ops/version.js';
import type { BenchDevice } from './bench-devices.js';
import { BENCH_REALM } from './bench-devices.js';
import type { MessageView } from '../../src/diameter/codec/index.js';
import { runClosedLoop, type GeneratorRun } from './closed-loop.js';
import { runOpenLoop, type AuthTiming, type OpenLoopRun } from './open-loop.js';

/** Each connection is its own NAS (RFC 6733 §2.1: one connection per peer identity). */
export function originHostOf(connection: number): string {
  return `nas-${connection + 1}.${BENCH_REALM}`;
}
const REQUEST_TIMEOUT_MS = 10_000;
/** Open loop: a run that falls this far behind stops starting more (the server is overloaded). */
const MAX_OUTSTANDING = 50_000;
/** The NAS's own Request/Identity (RFC 4072 §2.1), identifier 0. */
const NAS_IDENTITY_REQUEST_ID = 0;
const MS_PER_S = 1000;

export type { GeneratorRun } from './closed-loop.js';
export type { OpenLoopRun } from './open-loop.js';

/** One DER/DEA round trip, its wait added to `timing` (request written → answer handled here). */
async function timedRequest(client: DiameterClient, frame: Buffer, timing: AuthTiming): Promise<MessageView> {
  const t = performance.now();
  const answer = await client.request(frame, REQUEST_TIMEOUT_MS);
  timing.waitMs += performance.now() - t;
  return answer;
}

let sharedDictionary: Dictionary | undefined;
function dictionary(): Dictionary {
  return (sharedDictionary ??= loadDefaultDictionaries(
    fileURLToPath(new URL('dictionaries', packageRoot())),
  ));
}

/**
 * The load generator: many simulated devices with their own PSKs, authenticating with EAP-PSK over
 * Diameter EAP (RFC 4072) with the NAS simulator's code (DiameterClient + runAuthentication),
 * pipelined over several connections. Closed loop (N in flight) or open loop (fixed start rate).
 */
export class DiameterLoadGenerator {
  readonly #clients: DiameterClient[];
  readonly #devices: readonly BenchDevice[];
  readonly #sessions: SessionIdGenerator[];
  readonly #runTag = randomBytes(4).toString('hex');
  #nextDevice = 0;
  #nextClient = 0;

  private constructor(clients: DiameterClient[], devices: readonly BenchDevice[]) {
    this.#clients = clients;
    this.#devices = devices;
    this.#sessions = clients.map((_c, i) => new SessionIdGenerator(originHostOf(i)));
  }

  static async connect(
    host: string,
    port: number,
    connections: number,
    devices: readonly BenchDevice[],
  ): Promise<DiameterLoadGenerator> {
    const transport = new TcpTransport();
    const quiet = { warn() {}, info() {}, debug() {} };
    const clients: DiameterClient[] = [];
    for (let i = 0; i < connections; i++) {
      clients.push(
        await DiameterClient.connect(transport, host, port, {
          local: {
            originHost: originHostOf(i),
            originRealm: BENCH_REALM,
            originStateId: Math.floor(Date.now() / MS_PER_S),
            vendorId: 0,
            productName: 'eapd-bench',
            firmwareRevision: 1,
            authApplicationIds: [ApplicationId.DiameterEAP],
            acctApplicationIds: [],
          },
          dictionary: dictionary(),
          logger: quiet,
        }),
      );
    }
    return new DiameterLoadGenerator(clients, devices);
  }

  async close(): Promise<void> {
    await Promise.all(this.#clients.map((c) => c.close()));
  }

  #client(): { client: DiameterClient; index: number } {
    const index = this.#nextClient;
    this.#nextClient = (index + 1) % this.#clients.length;
    return { client: this.#clients[index]!, index };
  }

  #device(): BenchDevice {
    const d = this.#devices[this.#nextDevice]!;
    this.#nextDevice = (this.#nextDevice + 1) % this.#devices.length;
    return d;
  }

  /**
   * One whole EAP-PSK authentication; resolves true on success with matching MSKs. With `timing`,
   * the time spent waiting for the DEAs is added to it.
   */
  async authenticate(timing?: AuthTiming): Promise<boolean> {
    const { client, index } = this.#client();
    const device = this.#device();
    const sessions = this.#sessions[index]!;
    const send =
      timing === undefined
        ? (frame: Buffer): Promise<MessageView> => client.request(frame, REQUEST_TIMEOUT_MS)
        : (frame: Buffer): Promise<MessageView> => timedRequest(client, frame, timing);
    const r = await runAuthentication(send, {
      originHost: originHostOf(index),
      originRealm: BENCH_REALM,
      destinationRealm: BENCH_REALM,
      nextSessionId: () => sessions.next(this.#runTag),
      nextEndToEnd: () => client.nextEndToEnd(),
      peer: new EapPskPeer({ peerId: device.identity, keys: device.keys }),
    });
    if (!r.success) throw new Error(r.error ?? `result ${r.resultCode ?? 'none'}`);
    return r.msk !== undefined && r.peerMsk !== undefined && r.msk.equals(r.peerMsk);
  }

  /**
   * Only the first round: DER with the peer's Response/Identity, answered by a DEA 1001 carrying
   * PSK-1. The conversation then stays open on the server (memory per in-flight conversation).
   */
  async openConversation(): Promise<boolean> {
    const { client, index } = this.#client();
    const device = this.#device();
    const peer = new EapPskPeer({ peerId: device.identity, keys: device.keys });
    const step = peer.receive(buildIdentity(EapCode.Request, NAS_IDENTITY_REQUEST_ID));
    if (step.kind !== 'response') return false;
    const frame = buildDer(
      {
        originHost: originHostOf(index),
        originRealm: BENCH_REALM,
        destinationRealm: BENCH_REALM,
        nextSessionId: () => '',
        peer,
      },
      {
        sessionId: this.#sessions[index]!.next(this.#runTag),
        endToEnd: client.nextEndToEnd(),
        eapPayload: step.packet,
        userName: device.identity,
      },
    );
    await client.request(frame, REQUEST_TIMEOUT_MS);
    return true;
  }

  /** Closed loop: `inFlight` authentications at all times until `count` started or `durationMs` passed. */
  closedLoop(o: {
    inFlight: number;
    count: number;
    durationMs: number;
    op?: 'auth' | 'open';
  }): Promise<GeneratorRun> {
    return runClosedLoop(o, o.op === 'open' ? () => this.openConversation() : () => this.authenticate());
  }

  /**
   * Open loop: `rate` authentications started per second on schedule, latency from each one's
   * scheduled start, with the generator's start lag, waits, GC pauses and loop use next to it.
   */
  openLoop(o: { rate: number; durationMs: number }): Promise<OpenLoopRun> {
    return runOpenLoop({ ...o, maxOutstanding: MAX_OUTSTANDING }, (timing) => this.authenticate(timing));
  }
}
