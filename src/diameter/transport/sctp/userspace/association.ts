import { Duplex } from 'node:stream';
import { SCTP, SCTP_STATE, type Transport as WeriftTransport } from 'werift-sctp';
import { ChunkType, T_BIT, type SctpPacketInfo } from './packet.js';

/** RFC 6733 §2.1.1 / IANA: SCTP payload protocol identifier of clear-text Diameter. */
export const DIAMETER_PPID = 46;
/** RFC 9260 §3.3.1: 0 = unspecified; some stacks send it, so it is accepted too. */
const UNSPECIFIED_PPID = 0;
/** Diameter goes out on stream 0, in order; messages are accepted on any stream (RFC 6733 §2.1.1). */
const OUTBOUND_STREAM = 0;
const MS_PER_SECOND = 1000;
/** How often an ending association checks whether all its data has been acknowledged. */
const DRAIN_POLL_MS = 20;
/** How often the dead-peer check runs, as a fraction of the heartbeat interval. */
const LIVENESS_CHECKS_PER_HEARTBEAT = 2;

export interface AssociationTimers {
  /** RFC 9260 §8.3 HB.interval: idle time between heartbeats (default 30 s). */
  readonly heartbeatIntervalMs: number;
  /** No packet at all from the peer for this long: it is dead, ABORT and close. */
  readonly deadPeerTimeoutMs: number;
  /** INIT → ESTABLISHED must finish within this time. */
  readonly handshakeTimeoutMs: number;
}

export const DEFAULT_ASSOCIATION_TIMERS: AssociationTimers = {
  heartbeatIntervalMs: 30_000,
  deadPeerTimeoutMs: 100_000,
  handshakeTimeoutMs: 10_000,
};

/** Fields of werift-sctp 0.0.11 that its typings mark private; pinned to that exact version. */
interface WeriftInternals {
  handleData(packet: Buffer): Promise<void>;
  localVerificationTag: number;
  remoteVerificationTag: number;
  flightSize: number;
  outboundQueue: unknown[];
}

export interface AssociationParams {
  readonly role: 'client' | 'server';
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly timers: AssociationTimers;
  /** Puts one SCTP packet on the wire to the remote address. */
  readonly sendPacket: (packet: Buffer) => void;
  /** Called once when the association is gone, whatever the reason. */
  readonly onClosed: (association: SctpAssociation) => void;
}

function errorWithCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * One SCTP association (werift-sctp underneath) seen as a Duplex of whole Diameter messages:
 * one write() is one SCTP user message with PPID 46 on stream 0; every message received (any
 * stream, PPID 46 or 0) is pushed as one chunk, reassembled from its DATA fragments.
 * destroy() sends ABORT (RFC 6733 §2.1); end() waits until the peer acknowledged everything
 * written, then aborts (werift-sctp cannot initiate SHUTDOWN; nothing written is lost). A peer
 * that goes silent for `deadPeerTimeoutMs` despite heartbeats is declared dead.
 */
export class SctpAssociation {
  readonly stream: Duplex;
  readonly role: 'client' | 'server';
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The local address the peer's packets were sent to (known after the first packet). */
  localAddress: string | undefined;
  /** Messages dropped because of a PPID other than 46/0 (DTLS PPID 47 is not supported). */
  droppedForPpid = 0;
  readonly #sctp: SCTP;
  readonly #internals: WeriftInternals;
  readonly #params: AssociationParams;
  #lastHeard = Date.now();
  #liveness: NodeJS.Timeout | undefined;
  #closed = false;
  #peerShutdown = false;
  readonly established: Promise<void>;

  constructor(params: AssociationParams) {
    this.#params = params;
    this.role = params.role;
    this.localPort = params.localPort;
    this.remoteAddress = params.remoteAddress;
    this.remotePort = params.remotePort;
    const transport: WeriftTransport = {
      send: (packet: Buffer) => {
        params.sendPacket(packet);
        return Promise.resolve();
      },
      close: () => undefined,
    };
    this.#sctp =
      params.role === 'client'
        ? SCTP.client(transport, params.localPort)
        : SCTP.server(transport, params.localPort);
    this.#internals = this.#sctp as unknown as WeriftInternals;
    this.stream = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, callback) => this.#write(chunk, callback),
      final: (callback) => this.#drainThenAbort(callback),
      destroy: (error, callback) => {
        this.#close(true);
        callback(error);
      },
    });
    this.#sctp.onReceive.subscribe((_streamId: number, ppid: number, data: Buffer) => {
      if (ppid !== DIAMETER_PPID && ppid !== UNSPECIFIED_PPID) {
        this.droppedForPpid++;
        return;
      }
      this.stream.push(data);
    });
    this.established = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(errorWithCode(`SCTP association with ${this.#peer()} not established in time`, 'ETIMEDOUT'));
        this.#close(true);
      }, params.timers.handshakeTimeoutMs);
      this.#sctp.stateChanged.connected.subscribe(() => {
        clearTimeout(timer);
        this.#sctp.setHeartbeatInterval(params.timers.heartbeatIntervalMs / MS_PER_SECOND);
        this.#startLiveness();
        resolve();
      });
      this.#sctp.stateChanged.closed.subscribe(() => {
        clearTimeout(timer);
        reject(errorWithCode(`SCTP association with ${this.#peer()} closed`, 'ECONNRESET'));
        this.#close(false, errorWithCode(`SCTP association with ${this.#peer()} aborted`, 'ECONNRESET'));
      });
    });
    // A handshake failure is reported through `established`; keep it from being unhandled here.
    this.established.catch(() => undefined);
    void this.#sctp.start(params.remotePort);
  }

  get isEstablished(): boolean {
    return this.#sctp.associationState === SCTP_STATE.ESTABLISHED;
  }

  /** Feeds one inspected packet of this association (the endpoint has checked it). */
  handlePacket(info: SctpPacketInfo, localAddress: string): void {
    if (this.#closed || !this.#tagIsValid(info)) return;
    this.#lastHeard = Date.now();
    this.localAddress ??= localAddress;
    this.#internals.handleData(info.packet).catch(() => {
      // werift-sctp rejected a chunk it could not parse: the packet is dropped, never fatal.
    });
    if (info.chunkTypes.includes(ChunkType.SHUTDOWN) && !this.#peerShutdown) {
      // RFC 9260 §9.2: the peer closes; werift answers SHUTDOWN ACK. No more data will come.
      this.#peerShutdown = true;
      this.stream.push(null);
    }
    if (info.chunkTypes.includes(ChunkType.SHUTDOWN_COMPLETE)) this.#close(false);
  }

  /**
   * RFC 9260 §8.5: a packet belongs to us only with our verification tag; INIT carries 0, and an
   * ABORT or SHUTDOWN COMPLETE with the T bit reflects the peer's own tag (§8.5.1).
   */
  #tagIsValid(info: SctpPacketInfo): boolean {
    const first = info.chunkTypes[0];
    if (first === ChunkType.INIT) return true;
    const reflected =
      (first === ChunkType.ABORT || first === ChunkType.SHUTDOWN_COMPLETE) &&
      (info.firstChunkFlags & T_BIT) !== 0;
    const expected = reflected ? this.#internals.remoteVerificationTag : this.#internals.localVerificationTag;
    return info.verificationTag === expected;
  }

  #peer(): string {
    return `${this.remoteAddress}:${this.remotePort}`;
  }

  #write(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (!this.isEstablished) {
      callback(errorWithCode(`SCTP association with ${this.#peer()} is not established`, 'EPIPE'));
      return;
    }
    // Copied: werift keeps the message until it is acknowledged and may retransmit it.
    this.#sctp.send(OUTBOUND_STREAM, DIAMETER_PPID, Buffer.from(chunk), { ordered: true }).then(
      () => callback(),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  #drainThenAbort(callback: (error?: Error | null) => void): void {
    const deadline = Date.now() + this.#params.timers.deadPeerTimeoutMs;
    const check = (): void => {
      const drained = this.#internals.flightSize === 0 && this.#internals.outboundQueue.length === 0;
      if (this.#closed || drained || Date.now() > deadline) {
        this.#close(true);
        callback();
        return;
      }
      setTimeout(check, DRAIN_POLL_MS);
    };
    check();
  }

  #startLiveness(): void {
    const period = this.#params.timers.heartbeatIntervalMs / LIVENESS_CHECKS_PER_HEARTBEAT;
    this.#liveness = setInterval(() => {
      const silentMs = Date.now() - this.#lastHeard;
      if (silentMs > this.#params.timers.deadPeerTimeoutMs) {
        this.#close(
          true,
          errorWithCode(
            `SCTP peer ${this.#peer()} unreachable: nothing heard for ${silentMs} ms`,
            'ETIMEDOUT',
          ),
        );
      }
    }, period);
    this.#liveness.unref();
  }

  /** Ends the association once: ABORT when asked (and still up), then tell the endpoint. */
  #close(sendAbort: boolean, error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#liveness);
    if (sendAbort && this.#sctp.associationState !== SCTP_STATE.CLOSED) {
      void this.#sctp.stop();
    } else if (this.#sctp.associationState !== SCTP_STATE.CLOSED) {
      this.#sctp.setState(SCTP_STATE.CLOSED);
    }
    this.#params.onClosed(this);
    if (!this.stream.destroyed) {
      if (error === undefined) this.stream.push(null);
      this.stream.destroy(error);
    }
  }
}
