import { randomInt } from 'node:crypto';
import { silentLogger, type TransportLogger } from '../../transport.js';
import { DEFAULT_ASSOCIATION_TIMERS, SctpAssociation, type AssociationTimers } from './association.js';
import { ChunkType, buildOotbAbort, inspectPacket, type SctpPacketInfo } from './packet.js';
import { RawIpSocket } from './raw-ip.js';

/** RFC 6335 §6: the dynamic port range, where client ports are drawn at random. */
const EPHEMERAL_PORT_MIN = 49152;
const EPHEMERAL_PORT_MAX = 65535;
const PORT_DRAW_ATTEMPTS = 64;
const ANY_ADDRESS = '0.0.0.0';
/** Associations that have not finished their handshake, all listeners together. */
const DEFAULT_MAX_PENDING = 256;

/** RFC 9260 §8.4: out-of-the-blue packets that are silently discarded (never answered). */
const OOTB_SILENT = new Set<number>([
  ChunkType.ABORT,
  ChunkType.SHUTDOWN_COMPLETE,
  ChunkType.COOKIE_ACK,
  ChunkType.ERROR,
]);

export interface SctpEndpointOptions {
  /** Local IPv4 address of the raw socket (default 0.0.0.0: all addresses). */
  readonly bindAddress?: string;
  readonly timers?: Partial<AssociationTimers>;
  readonly maxPendingAssociations?: number;
  readonly logger?: TransportLogger;
}

/** Counters for ops (metrics are fed from these by the caller). */
export interface SctpEndpointStats {
  malformed: number;
  outOfTheBlue: number;
  refusedPending: number;
}

interface Listening {
  readonly host: string;
  readonly onAssociation: (association: SctpAssociation) => void;
}

function key(remoteAddress: string, remotePort: number, localPort: number): string {
  return `${remoteAddress}|${remotePort}|${localPort}`;
}

/**
 * The userspace SCTP endpoint: one raw IP socket, demultiplexing packets to associations by
 * (remote address, remote port, local port), creating server associations on INIT to a
 * listening port, answering out-of-the-blue packets to our ports with ABORT (RFC 9260 §8.4) and
 * ignoring packets to ports that are not ours (other SCTP stacks on the host see them too).
 * Every received packet is checked by `inspectPacket` first: a malformed one is counted and
 * dropped, never passed on.
 */
export class SctpEndpoint {
  readonly stats: SctpEndpointStats = { malformed: 0, outOfTheBlue: 0, refusedPending: 0 };
  readonly #socket: RawIpSocket;
  readonly #timers: AssociationTimers;
  readonly #maxPending: number;
  readonly #logger: TransportLogger;
  readonly #listeners = new Map<number, Listening>();
  readonly #associations = new Map<string, SctpAssociation>();
  readonly #localPorts = new Map<number, number>();
  #pending = 0;

  private constructor(
    options: SctpEndpointOptions,
    open: (onPacket: (payload: Buffer, src: string, dst: string) => void) => RawIpSocket,
  ) {
    this.#timers = { ...DEFAULT_ASSOCIATION_TIMERS, ...options.timers };
    this.#maxPending = options.maxPendingAssociations ?? DEFAULT_MAX_PENDING;
    this.#logger = options.logger ?? silentLogger;
    this.#socket = open((payload, src, dst) => {
      try {
        this.#onPacket(payload, src, dst);
      } catch (err) {
        // Defence in depth: no packet, however built, may take the process down.
        this.stats.malformed++;
        this.#logger.warn('sctp packet handling failed', { source: src, error: (err as Error).message });
      }
    });
    this.#socket.setRef(false);
  }

  /** Opens the raw socket; throws when raw IP is not permitted or the addon is missing. */
  static open(options: SctpEndpointOptions = {}): SctpEndpoint {
    const bind = options.bindAddress ?? ANY_ADDRESS;
    return new SctpEndpoint(options, (onPacket) => RawIpSocket.open(bind, onPacket));
  }

  get associationCount(): number {
    return this.#associations.size;
  }

  /** Accepts associations to `port` (on `host`, or every address with 0.0.0.0). */
  listen(host: string, port: number, onAssociation: (association: SctpAssociation) => void): void {
    if (this.#listeners.has(port) || this.#localPorts.has(port)) {
      throw Object.assign(new Error(`SCTP port ${port} already in use`), { code: 'EADDRINUSE' });
    }
    this.#listeners.set(port, { host, onAssociation });
    this.#updateRef();
  }

  unlisten(port: number): void {
    this.#listeners.delete(port);
    this.#updateRef();
  }

  /** Opens an association from a random ephemeral port; resolves once ESTABLISHED. */
  async connect(remoteAddress: string, remotePort: number): Promise<SctpAssociation> {
    const localPort = this.#drawPort();
    const association = this.#create('client', remoteAddress, remotePort, localPort);
    await association.established;
    return association;
  }

  /** Aborts every association and closes the socket. */
  close(): void {
    for (const association of [...this.#associations.values()]) association.stream.destroy();
    this.#listeners.clear();
    this.#socket.close();
  }

  #drawPort(): number {
    for (let i = 0; i < PORT_DRAW_ATTEMPTS; i++) {
      const port = randomInt(EPHEMERAL_PORT_MIN, EPHEMERAL_PORT_MAX + 1);
      if (!this.#listeners.has(port) && !this.#localPorts.has(port)) return port;
    }
    throw Object.assign(new Error('no free SCTP ephemeral port'), { code: 'EADDRNOTAVAIL' });
  }

  #create(
    role: 'client' | 'server',
    remoteAddress: string,
    remotePort: number,
    localPort: number,
  ): SctpAssociation {
    const k = key(remoteAddress, remotePort, localPort);
    this.#pending++;
    let counted = true;
    const association = new SctpAssociation({
      role,
      localPort,
      remoteAddress,
      remotePort,
      timers: this.#timers,
      sendPacket: (packet) => this.#socket.send(packet, remoteAddress),
      onClosed: (closed) => {
        if (this.#associations.get(k) === closed) this.#associations.delete(k);
        const left = (this.#localPorts.get(localPort) ?? 1) - 1;
        if (left <= 0) this.#localPorts.delete(localPort);
        else this.#localPorts.set(localPort, left);
        if (counted) this.#pending--;
        counted = false;
        this.#updateRef();
      },
    });
    association.established.then(
      () => {
        if (counted) this.#pending--;
        counted = false;
      },
      () => undefined,
    );
    this.#associations.set(k, association);
    this.#localPorts.set(localPort, (this.#localPorts.get(localPort) ?? 0) + 1);
    this.#updateRef();
    return association;
  }

  #updateRef(): void {
    this.#socket.setRef(this.#listeners.size > 0 || this.#associations.size > 0);
  }

  #onPacket(payload: Buffer, source: string, destination: string): void {
    const inspected = inspectPacket(payload);
    if (!inspected.ok) {
      // Packets to ports that are not ours are another stack's business, even when broken.
      if (payload.length >= 4 && this.#ownsPort(payload.readUInt16BE(2))) {
        this.stats.malformed++;
        this.#logger.warn('sctp packet dropped', { reason: inspected.reason, source });
      }
      return;
    }
    const info = inspected.info;
    if (!this.#ownsPort(info.destinationPort)) return;
    const existing = this.#associations.get(key(source, info.sourcePort, info.destinationPort));
    const isInit = info.chunkTypes[0] === ChunkType.INIT;
    if (existing !== undefined && !(isInit && existing.isEstablished)) {
      existing.handlePacket(info, destination);
      return;
    }
    if (existing !== undefined) {
      // An INIT on an established association: the peer restarted (RFC 9260 §5.2.2). The old
      // association is gone on its side; drop ours and start afresh.
      existing.stream.destroy(Object.assign(new Error('SCTP peer restarted'), { code: 'ECONNRESET' }));
    }
    const listening = this.#listeners.get(info.destinationPort);
    if (
      isInit &&
      listening !== undefined &&
      (listening.host === ANY_ADDRESS || listening.host === destination)
    ) {
      this.#accept(info, source, destination, listening);
      return;
    }
    this.#outOfTheBlue(info, source);
  }

  #ownsPort(port: number): boolean {
    return this.#listeners.has(port) || this.#localPorts.has(port);
  }

  #accept(info: SctpPacketInfo, source: string, destination: string, listening: Listening): void {
    if (this.#pending >= this.#maxPending) {
      this.stats.refusedPending++;
      this.#logger.warn('sctp INIT refused: too many pending associations', { source });
      return;
    }
    const association = this.#create('server', source, info.sourcePort, info.destinationPort);
    association.established.then(
      () => listening.onAssociation(association),
      () => undefined,
    );
    association.handlePacket(info, destination);
  }

  #outOfTheBlue(info: SctpPacketInfo, source: string): void {
    this.stats.outOfTheBlue++;
    const first = info.chunkTypes[0];
    if (first === undefined || OOTB_SILENT.has(first) || info.chunkTypes.includes(ChunkType.ABORT)) return;
    this.#socket.send(buildOotbAbort(info), source);
  }
}
