// The UDP listener of the RADIUS authentication front (RFC 2865 §3: one request per datagram,
// the response goes back to the request's source address and port). All protocol logic lives
// in RadiusRequestHandler; this file owns the socket and the sweep timer.
//
// Events: see ./events.ts — channels eapd:radius:request, eapd:radius:response,
// eapd:radius:drop, eapd:radius:conversation, eapd:radius:socket-error.
import { ClientTable, type RadiusClientConfig } from './client-table.js';
import { publishSocketError } from './events.js';
import { RadiusRequestHandler, type RequestHandlerOptions } from './request-handler.js';
import { bindUdpSocket, type BoundUdpSocket } from './udp-socket.js';

/** IANA port for RADIUS authentication (RFC 2865 §3). */
export const RADIUS_AUTH_PORT = 1812;
const DEFAULT_SWEEP_INTERVAL_MS = 5_000;
/**
 * The socket receive buffer asked for by default: 4 MiB holds bursts of thousands of requests
 * (the kernel default, net.core.rmem_default ≈ 208 KiB, overflows above ~200 in flight). Linux
 * caps the request at net.core.rmem_max; the effective size is reported by start().
 */
export const DEFAULT_RECV_BUFFER_BYTES = 4 * 1024 * 1024;

export interface RadiusListenOptions {
  /** An IPv4 or IPv6 address; "::" listens on both families unless ipv6Only. */
  readonly address: string;
  /** 1812 by default; 0 picks a free port (tests). */
  readonly port?: number;
  readonly ipv6Only?: boolean;
  /**
   * SO_RCVBUF to ask for after binding (DEFAULT_RECV_BUFFER_BYTES when omitted); 0 keeps the
   * kernel default. Linux silently caps it at net.core.rmem_max.
   */
  readonly recvBufferSize?: number;
}

export interface RadiusServerOptions extends Omit<RequestHandlerOptions, 'clients'> {
  readonly listen: RadiusListenOptions;
  readonly clients: readonly RadiusClientConfig[];
  /** How often idle conversations and old cached responses are swept. */
  readonly sweepIntervalMs?: number;
}

export interface RadiusBoundAddress {
  readonly address: string;
  readonly port: number;
  readonly family: string;
  /**
   * The receive buffer the kernel granted, as getsockopt(SO_RCVBUF) reports it (Linux doubles the
   * requested size for its bookkeeping and caps the request at net.core.rmem_max): log it.
   */
  readonly recvBufferSize: number;
}

export class RadiusServer {
  readonly #options: RadiusServerOptions;
  readonly #handler: RadiusRequestHandler;
  #socket: BoundUdpSocket | undefined;
  #starting = false;
  #sweep: NodeJS.Timeout | undefined;

  /** Throws on a bad client entry (see ClientTable). */
  constructor(options: RadiusServerOptions) {
    this.#options = options;
    this.#handler = new RadiusRequestHandler({ ...options, clients: new ClientTable(options.clients) });
  }

  get handler(): RadiusRequestHandler {
    return this.#handler;
  }

  /** Binds the socket; resolves with the bound address, rejects if binding fails. */
  async start(): Promise<RadiusBoundAddress> {
    if (this.#starting) throw new Error('RADIUS server already started');
    this.#starting = true;
    const {
      address,
      port = RADIUS_AUTH_PORT,
      ipv6Only = false,
      recvBufferSize = DEFAULT_RECV_BUFFER_BYTES,
    } = this.#options.listen;
    let socket: BoundUdpSocket;
    try {
      socket = await bindUdpSocket({
        address,
        port,
        ipv6Only,
        onMessage: (datagram, from, fromPort) => this.#onMessage(socket, datagram, from, fromPort),
        onError: (error, to, toPort) =>
          publishSocketError(
            to === undefined || toPort === undefined ? { error } : { error, address: to, port: toPort },
          ),
      });
    } catch (error) {
      this.#starting = false;
      throw error;
    }
    try {
      if (recvBufferSize > 0) socket.setRecvBufferSize(recvBufferSize);
    } catch (error) {
      this.#starting = false;
      await socket.close();
      throw error instanceof Error ? error : new Error(String(error));
    }
    this.#socket = socket;
    this.#sweep = setInterval(
      () => this.#handler.sweep(),
      this.#options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    );
    this.#sweep.unref();
    const bound = socket.localAddress();
    return {
      address: bound.address,
      port: bound.port,
      family: bound.family,
      recvBufferSize: socket.recvBufferSize(),
    };
  }

  /** Closes the socket and ends every conversation. */
  async stop(): Promise<void> {
    if (this.#sweep !== undefined) clearInterval(this.#sweep);
    this.#sweep = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    this.#handler.close();
    this.#starting = false;
    if (socket !== undefined) await socket.close();
  }

  #onMessage(socket: BoundUdpSocket, datagram: Buffer, address: string, port: number): void {
    void this.#handler.handle(datagram, { address, port }).then(
      (response) => {
        if (response === undefined || this.#socket !== socket) return;
        socket.send(response, port, address);
      },
      (error: unknown) =>
        publishSocketError({ error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }
}
