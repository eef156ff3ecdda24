import type { Duplex } from 'node:stream';

/** The transports RFC 6733 §2.1 allows for Diameter; the peer layer never branches on them. */
export const TransportKind = { TCP: 'tcp', TLS: 'tls', SCTP: 'sctp' } as const;
export type TransportKind = (typeof TransportKind)[keyof typeof TransportKind];

/** What a TLS peer proved about itself (RFC 6733 §13.1: mutual authentication). */
export interface PeerCertificateIdentity {
  /** dNSName subjectAltNames, then the subject CN when no SAN is present. */
  readonly names: readonly string[];
  readonly fingerprint256: string;
}

/**
 * One established connection to a Diameter peer.
 *
 * `stream` carries whole Diameter messages: every `write()` is exactly one message, and an
 * SCTP backend maps one write to one SCTP user message (PPID 46, RFC 6733 §2.1.1). Reads may
 * deliver partial or coalesced messages on every transport; the framer reassembles them.
 * `destroy()` on the stream aborts (TCP RST / SCTP ABORT, RFC 6733 §2.1); `end()` closes
 * gracefully.
 */
export interface TransportConnection {
  readonly kind: TransportKind;
  readonly stream: Duplex;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Local addresses to advertise as Host-IP-Address in CER/CEA (one per usable address). */
  readonly localAddresses: readonly string[];
  /** Set on TLS connections once the handshake verified the peer's certificate. */
  readonly peerCertificate?: PeerCertificateIdentity;
}

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
}

export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  /** Expected peer name (TLS: checked against the certificate). */
  readonly serverName?: string;
  readonly timeoutMs?: number;
}

/**
 * The logging surface a transport needs (winston's Logger satisfies it). Transports never log
 * key material; they log refusals and why a backend is unavailable.
 */
export interface TransportLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** A logger that drops everything (default when none is given). */
export const silentLogger: TransportLogger = { info: () => undefined, warn: () => undefined };

export interface TransportListener {
  readonly kind: TransportKind;
  /** The address actually bound (port resolved when 0 was asked for). */
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/** A way to reach and accept Diameter peers: TCP, TLS or SCTP. */
export interface Transport {
  readonly kind: TransportKind;
  listen(
    options: ListenOptions,
    onConnection: (connection: TransportConnection) => void,
  ): Promise<TransportListener>;
  connect(options: ConnectOptions): Promise<TransportConnection>;
}
