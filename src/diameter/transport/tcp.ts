import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { advertisedLocalAddresses, unmapIpv4 } from './local-addresses.js';
import {
  TransportKind,
  silentLogger,
  type ConnectOptions,
  type ListenOptions,
  type Transport,
  type TransportConnection,
  type TransportListener,
  type TransportLogger,
} from './transport.js';

/** Default Diameter port for TCP and SCTP (RFC 6733 §2.1). */
export const DIAMETER_PORT = 3868;
/** Idle time before the first TCP keepalive probe; the RFC 3539 watchdog does the real work. */
export const DEFAULT_KEEPALIVE_DELAY_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface TcpTransportOptions {
  readonly logger?: TransportLogger;
  readonly keepAliveDelayMs?: number;
}

/** Applies the socket options every Diameter stream socket gets: small messages go out at once. */
export function tuneStreamSocket(socket: Socket, keepAliveDelayMs: number): void {
  socket.setNoDelay(true);
  socket.setKeepAlive(true, keepAliveDelayMs);
}

/** Builds the connection record once the socket is connected (addresses are known then). */
export function connectionFromSocket(kind: TransportKind, socket: Socket): TransportConnection {
  return {
    kind,
    stream: socket,
    remoteAddress: unmapIpv4(socket.remoteAddress ?? ''),
    remotePort: socket.remotePort ?? 0,
    localAddresses: advertisedLocalAddresses(socket.localAddress),
  };
}

/** Resolves once `server` listens; rejects on the listen error (EADDRINUSE, EACCES...). */
export function listenServer(server: Server, options: ListenOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The listener record of a listening `net.Server` (or `tls.Server`). */
export function listenerFromServer(
  kind: TransportKind,
  server: Server,
  onClose?: () => void,
): TransportListener {
  const bound = server.address();
  const address =
    bound !== null && typeof bound === 'object'
      ? { host: unmapIpv4(bound.address), port: bound.port }
      : { host: '', port: 0 };
  return {
    kind,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        onClose?.();
        server.close(() => resolve());
      }),
  };
}

/** Clear-text Diameter over TCP (RFC 6733 §2.1). */
export class TcpTransport implements Transport {
  readonly kind = TransportKind.TCP;
  readonly #logger: TransportLogger;
  readonly #keepAliveDelayMs: number;

  constructor(options: TcpTransportOptions = {}) {
    this.#logger = options.logger ?? silentLogger;
    this.#keepAliveDelayMs = options.keepAliveDelayMs ?? DEFAULT_KEEPALIVE_DELAY_MS;
  }

  async listen(
    options: ListenOptions,
    onConnection: (connection: TransportConnection) => void,
  ): Promise<TransportListener> {
    const server = createServer((socket) => {
      tuneStreamSocket(socket, this.#keepAliveDelayMs);
      onConnection(connectionFromSocket(this.kind, socket));
    });
    server.on('error', (err) => this.#logger.warn('tcp listener error', { error: err.message }));
    await listenServer(server, options);
    return listenerFromServer(this.kind, server);
  }

  connect(options: ConnectOptions): Promise<TransportConnection> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: options.host, port: options.port });
      socket.setTimeout(options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, () => {
        socket.destroy(new Error(`tcp connect to ${options.host}:${options.port} timed out`));
      });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.setTimeout(0);
        tuneStreamSocket(socket, this.#keepAliveDelayMs);
        resolve(connectionFromSocket(this.kind, socket));
      });
    });
  }
}
