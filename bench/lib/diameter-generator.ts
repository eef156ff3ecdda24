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
import { cpuSecondsOfThisProcess, runClosedLoop, type GeneratorRun } from './closed-loop.js';
import { percentiles, Samples } from './stats.js';

/** Each connection is its own NAS (RFC 6733 §2.1: one connection per peer identity). */
export function originHostOf(connection: number): string {
  return `nas-${connection + 1}.${BENCH_REALM}`;
}
const REQUEST_TIMEOUT_MS = 10_000;
/** Open loop: how often the scheduler starts the authentications that are due. */
const OPEN_LOOP_TICK_MS = 1;
/** Open loop: a run that falls this far behind stops starting more (the server is overloaded). */
const MAX_OUTSTANDING = 50_000;
/** The NAS's own Request/Identity (RFC 4072 §2.1), identifier 0. */
const NAS_IDENTITY_REQUEST_ID = 0;
const MS_PER_S = 1000;

export type { GeneratorRun } from './closed-loop.js';

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

  /** One whole EAP-PSK authentication; resolves true on success with matching MSKs. */
  async authenticate(): Promise<boolean> {
    const { client, index } = this.#client();
    const device = this.#device();
    const sessions = this.#sessions[index]!;
    const r = await runAuthentication((frame) => client.request(frame, REQUEST_TIMEOUT_MS), {
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

  async openLoop(o: { rate: number; durationMs: number }): Promise<GeneratorRun> {
    const latencies = new Samples();
    let started = 0;
    let succeeded = 0;
    let failed = 0;
    let outstanding = 0;
    let firstError: string | undefined;
    const total = Math.floor((o.rate * o.durationMs) / MS_PER_S);
    const interval = MS_PER_S / o.rate;
    const cpu0 = cpuSecondsOfThisProcess();
    const t0 = performance.now();
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const finishOne = (): void => {
      outstanding--;
      if (started >= total && outstanding === 0) resolveDone();
    };
    const launch = (scheduledAt: number): void => {
      started++;
      outstanding++;
      this.authenticate().then(
        (ok) => {
          if (ok) {
            succeeded++;
            latencies.push(performance.now() - scheduledAt);
          } else failed++;
          finishOne();
        },
        (e: unknown) => {
          failed++;
          firstError ??= (e as Error).message;
          finishOne();
        },
      );
    };
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - t0) / interval) + 1);
      while (started < due) {
        if (outstanding >= MAX_OUTSTANDING) {
          // Overloaded: count what cannot start as failed rather than queueing without bound.
          failed += total - started;
          started = total;
          break;
        }
        launch(t0 + started * interval);
      }
      if (started >= total) {
        clearInterval(timer);
        if (outstanding === 0) resolveDone();
      }
    }, OPEN_LOOP_TICK_MS);
    await done;
    const wallSeconds = (performance.now() - t0) / MS_PER_S;
    return {
      started,
      succeeded,
      failed,
      wallSeconds,
      ratePerSecond: succeeded / wallSeconds,
      latencyMs: percentiles(latencies.values()),
      generatorCpuSeconds: cpuSecondsOfThisProcess() - cpu0,
      ...(firstError === undefined ? {} : { firstError }),
    };
  }
}
