import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import {
  connect as tlsConnect,
  createSecureContext,
  createServer,
  type SecureContext,
  type SecureContextOptions,
  type Server,
  type TLSSocket,
} from 'node:tls';
import { identityFromCertificate } from './tls-identity.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEEPALIVE_DELAY_MS,
  connectionFromSocket,
  listenServer,
  listenerFromServer,
  tuneStreamSocket,
} from './tcp.js';
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

/** RFC 6733 §2.1 (erratum 3997): Diameter over TLS/TCP listens on 5868. */
export const DIAMETER_TLS_PORT = 5868;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * BCP 195 (RFC 9325 §4.2): TLS 1.2 only with ECDHE and AEAD suites; TLS 1.3's AEAD suites.
 * The suites RFC 6733 §13.1 once listed (RC4, 3DES, NULL, plain RSA key exchange) are excluded.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');
export const TLS_MIN_VERSION = 'TLSv1.2';
export const TLS_MAX_VERSION = 'TLSv1.3';

/** PEM files: our certificate chain and key, and the CA bundle peers must chain to. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export interface TlsTransportOptions extends TlsFiles {
  readonly logger?: TransportLogger;
  readonly keepAliveDelayMs?: number;
  readonly handshakeTimeoutMs?: number;
  /** Called for every connection refused during the handshake (for a refusal counter). */
  readonly onRefused?: (reason: string, remoteAddress: string) => void;
}

async function readContextOptions(files: TlsFiles): Promise<SecureContextOptions> {
  const [cert, key, ca] = await Promise.all([
    readFile(files.certFile),
    readFile(files.keyFile),
    readFile(files.caFile),
  ]);
  return {
    cert,
    key,
    ca,
    ciphers: TLS_CIPHERS,
    minVersion: TLS_MIN_VERSION,
    maxVersion: TLS_MAX_VERSION,
    honorCipherOrder: true,
  };
}

/**
 * Diameter over TLS/TCP (RFC 6733 §13): mutual authentication is required in both directions;
 * the verified peer certificate is handed up as `peerCertificate` so the peer layer can hold it
 * against the CER's Origin-Host (`matchesOriginHost`). Build with `TlsTransport.create`.
 */
export class TlsTransport implements Transport {
  readonly kind = TransportKind.TLS;
  readonly #files: TlsFiles;
  readonly #logger: TransportLogger;
  readonly #keepAliveDelayMs: number;
  readonly #handshakeTimeoutMs: number;
  readonly #onRefused: ((reason: string, remoteAddress: string) => void) | undefined;
  readonly #servers = new Set<Server>();
  #contextOptions: SecureContextOptions;
  #context: SecureContext;

  private constructor(options: TlsTransportOptions, contextOptions: SecureContextOptions) {
    this.#files = { certFile: options.certFile, keyFile: options.keyFile, caFile: options.caFile };
    this.#logger = options.logger ?? silentLogger;
    this.#keepAliveDelayMs = options.keepAliveDelayMs ?? DEFAULT_KEEPALIVE_DELAY_MS;
    this.#handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.#onRefused = options.onRefused;
    this.#contextOptions = contextOptions;
    this.#context = createSecureContext(contextOptions);
  }

  /** Reads the PEM files; rejects when one is missing or the key does not fit the certificate. */
  static async create(options: TlsTransportOptions): Promise<TlsTransport> {
    const contextOptions = await readContextOptions(options);
    return new TlsTransport(options, contextOptions);
  }

  /**
   * Re-reads the files and swaps the SecureContext of every listener and of later outgoing
   * connections; established connections keep theirs. On error the old context stays in force.
   */
  async reload(): Promise<void> {
    const contextOptions = await readContextOptions(this.#files);
    const context = createSecureContext(contextOptions);
    for (const server of this.#servers) server.setSecureContext(contextOptions);
    this.#contextOptions = contextOptions;
    this.#context = context;
    this.#logger.info('tls certificates reloaded', {
      certFile: this.#files.certFile,
      caFile: this.#files.caFile,
    });
  }

  async listen(
    options: ListenOptions,
    onConnection: (connection: TransportConnection) => void,
  ): Promise<TransportListener> {
    const server = createServer({
      ...this.#contextOptions,
      // RFC 6733 §13.1: mutual authentication.
      requestCert: true,
      rejectUnauthorized: true,
      handshakeTimeout: this.#handshakeTimeoutMs,
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      tuneStreamSocket(socket, this.#keepAliveDelayMs);
      const cert = socket.getPeerCertificate();
      // rejectUnauthorized guarantees a verified chain; a missing certificate is still refused.
      if (!socket.authorized || cert.fingerprint256 === undefined) {
        this.#refuse('no verified client certificate', socket.remoteAddress ?? '');
        socket.destroy();
        return;
      }
      onConnection({
        ...connectionFromSocket(this.kind, socket),
        peerCertificate: identityFromCertificate(cert),
      });
    });
    server.on('tlsClientError', (err, socket) => {
      // Node checks a client's chain only after the handshake and then just closes the socket (no
      // TLS alert), so err is a bare "socket hang up": the verification result (e.g.
      // UNABLE_TO_VERIFY_LEAF_SIGNATURE for another CA) is in authorizationError. A missing
      // certificate fails inside OpenSSL instead and err says so.
      const verifyError: unknown = socket.authorizationError;
      const reason =
        verifyError === undefined || verifyError === null
          ? err.message
          : `client certificate not accepted: ${String(verifyError)}`;
      this.#refuse(reason, socket.remoteAddress ?? '');
    });
    server.on('error', (err) => this.#logger.warn('tls listener error', { error: err.message }));
    await listenServer(server, options);
    this.#servers.add(server);
    return listenerFromServer(this.kind, server, () => this.#servers.delete(server));
  }

  /** Connects and verifies the server's certificate against `serverName` (default: `host`). */
  connect(options: ConnectOptions): Promise<TransportConnection> {
    return new Promise((resolve, reject) => {
      const expected = options.serverName ?? options.host;
      const socket = tlsConnect({
        host: options.host,
        port: options.port,
        // SNI carries names only (RFC 6066 §3); the default identity check uses servername || host.
        ...(isIP(expected) === 0 ? { servername: expected } : {}),
        secureContext: this.#context,
        minVersion: TLS_MIN_VERSION,
        rejectUnauthorized: true,
      });
      socket.setTimeout(options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, () => {
        socket.destroy(new Error(`tls connect to ${options.host}:${options.port} timed out`));
      });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        socket.off('error', reject);
        socket.setTimeout(0);
        tuneStreamSocket(socket, this.#keepAliveDelayMs);
        resolve({
          ...connectionFromSocket(this.kind, socket),
          peerCertificate: identityFromCertificate(socket.getPeerCertificate()),
        });
      });
    });
  }

  #refuse(reason: string, remoteAddress: string): void {
    this.#logger.warn('tls connection refused', { reason, remoteAddress });
    this.#onRefused?.(reason, remoteAddress);
  }
}
