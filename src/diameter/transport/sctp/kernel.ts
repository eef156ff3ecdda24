import { createServer, Socket, type Server } from 'node:net';
import { isIP } from 'node:net';
import { loadAddon } from '../../../util/native-addon.js';
import { advertisedLocalAddresses, unmapIpv4 } from '../local-addresses.js';
import { listenerFromServer } from '../tcp.js';
import {
  TransportKind,
  silentLogger,
  type ConnectOptions,
  type ListenOptions,
  type Transport,
  type TransportConnection,
  type TransportListener,
  type TransportLogger,
} from '../transport.js';

/** The sctp_kernel addon's surface (native/src/sctp_kernel.c). */
interface SctpKernelAddon {
  probe(family: number): number;
  errnoName(errno: number): string;
  listen(addresses: string[], port: number, backlog: number, outStreams: number, inStreams: number): number;
  connect(
    address: string,
    port: number,
    timeoutMs: number,
    outStreams: number,
    inStreams: number,
  ): Promise<number>;
  setDiameterPpid(fd: number): void;
}

const IP_V4 = 4;
const IP_V6 = 6;
const DEFAULT_BACKLOG = 511;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** 0 keeps the kernel's default stream counts (RFC 6458 §8.1.3). */
const KERNEL_DEFAULT_STREAMS = 0;

export type KernelProbe =
  { readonly available: true } | { readonly available: false; readonly reason: string };

/** Whether this host can make kernel SCTP sockets (addon built and socket(…, IPPROTO_SCTP) works). */
export function probeKernelSctp(): KernelProbe {
  const load = loadAddon<SctpKernelAddon>('sctp_kernel');
  if (!load.ok) return { available: false, reason: load.reason };
  const errno = load.addon.probe(IP_V4);
  if (errno === 0) return { available: true };
  return {
    available: false,
    reason: `kernel SCTP unavailable: socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) failed with ${load.addon.errnoName(errno)}`,
  };
}

interface SocketWithInternals {
  /** Node's stream internals: without _writev, every write() is its own send() = one SCTP message. */
  _writev: unknown;
  _handle?: { fd?: number } | null;
}

export interface KernelSctpOptions {
  readonly logger?: TransportLogger;
  /** Extra local addresses to bind for multi-homing (sctp_bindx), same family as `host`. */
  readonly extraAddresses?: readonly string[];
  readonly outStreams?: number;
  readonly inStreams?: number;
}

/**
 * Diameter over kernel SCTP: one-to-one sockets made by the addon and handed to libuv, which
 * treats them like TCP. Every socket sends with PPID 46 (SCTP_DEFAULT_SNDINFO); `_writev` is
 * disabled so Node never merges two Diameter messages into one SCTP message.
 */
export class KernelSctpTransport implements Transport {
  readonly kind = TransportKind.SCTP;
  readonly #addon: SctpKernelAddon;
  readonly #logger: TransportLogger;
  readonly #options: KernelSctpOptions;

  private constructor(addon: SctpKernelAddon, options: KernelSctpOptions) {
    this.#addon = addon;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** The transport, or why kernel SCTP cannot be used on this host. */
  static create(options: KernelSctpOptions = {}): { transport: KernelSctpTransport } | { reason: string } {
    const probe = probeKernelSctp();
    if (!probe.available) return { reason: probe.reason };
    const load = loadAddon<SctpKernelAddon>('sctp_kernel');
    if (!load.ok) return { reason: load.reason };
    return { transport: new KernelSctpTransport(load.addon, options) };
  }

  #prepare(socket: Socket): TransportConnection {
    (socket as unknown as SocketWithInternals)._writev = null;
    return {
      kind: this.kind,
      stream: socket,
      remoteAddress: unmapIpv4(socket.remoteAddress ?? ''),
      remotePort: socket.remotePort ?? 0,
      localAddresses: advertisedLocalAddresses(socket.localAddress),
    };
  }

  listen(
    options: ListenOptions,
    onConnection: (connection: TransportConnection) => void,
  ): Promise<TransportListener> {
    const addresses = [options.host, ...(this.#options.extraAddresses ?? [])];
    let fd: number;
    try {
      fd = this.#addon.listen(
        addresses,
        options.port,
        DEFAULT_BACKLOG,
        this.#options.outStreams ?? KERNEL_DEFAULT_STREAMS,
        this.#options.inStreams ?? KERNEL_DEFAULT_STREAMS,
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const server: Server = createServer((socket) => {
      const acceptedFd = (socket as unknown as SocketWithInternals)._handle?.fd;
      try {
        if (acceptedFd !== undefined) this.#addon.setDiameterPpid(acceptedFd);
      } catch (err) {
        this.#logger.warn('sctp: cannot set PPID 46 on accepted socket', { error: (err as Error).message });
        socket.destroy();
        return;
      }
      onConnection(this.#prepare(socket));
    });
    server.on('error', (err) => this.#logger.warn('sctp listener error', { error: err.message }));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ fd }, () => {
        server.off('error', reject);
        const listener = listenerFromServer(this.kind, server);
        // libuv reports a bound fd's address; fall back to what was asked for.
        resolve(
          listener.address.port === 0
            ? { ...listener, address: { host: options.host, port: options.port } }
            : listener,
        );
      });
    });
  }

  async connect(options: ConnectOptions): Promise<TransportConnection> {
    if (isIP(options.host) !== IP_V4 && isIP(options.host) !== IP_V6) {
      throw Object.assign(new Error(`kernel SCTP connect needs an IP address, not ${options.host}`), {
        code: 'EINVAL',
      });
    }
    const fd = await this.#addon.connect(
      options.host,
      options.port,
      options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      this.#options.outStreams ?? KERNEL_DEFAULT_STREAMS,
      this.#options.inStreams ?? KERNEL_DEFAULT_STREAMS,
    );
    return this.#prepare(new Socket({ fd, readable: true, writable: true }));
  }
}
