import { diameterChannels, type DiameterPeerRefusedEvent } from '../events.js';
import { MessageView, validateMessage } from '../codec/index.js';
import type { Dictionary } from '../dict/index.js';
import { CommandCode, DisconnectCause, ResultCode } from '../dict/constants.gen.js';
import {
  acceptsNoInbandSecurity,
  buildCea,
  readCapabilities,
  type LocalNode,
} from '../peer/base-messages.js';
import { AdmissionPolicy, negotiateCapabilities } from '../peer/capabilities.js';
import { PeerConnection, type ConnectionOptions, type PeerLogger } from '../peer/connection.js';
import { Peer, type ConnectTarget, type PeerHost } from '../peer/peer.js';
import { matchesOriginHost } from '../transport/tls-identity.js';
import type {
  Transport,
  TransportConnection,
  TransportKind,
  TransportListener,
} from '../transport/transport.js';
import { EndToEndIds } from '../peer/ids.js';
import { Dispatcher } from './dispatcher.js';
import { DuplicateCache } from './duplicate-cache.js';
import type { PeerInfo, RequestContext, RequestHandler } from './handler.js';

export interface ConfiguredPeer {
  readonly originHost: string;
  readonly realm?: string;
  readonly addresses?: readonly string[];
  readonly transports?: readonly TransportKind[];
  /** Connect out to this peer (initiator); absent: accept only. */
  readonly connect?: ConnectTarget;
}

export interface DiameterNodeOptions {
  readonly local: LocalNode;
  readonly dictionary: Dictionary;
  readonly peers: readonly ConfiguredPeer[];
  readonly unknownPeers: 'loopback-only' | 'accept' | 'reject';
  readonly logger: PeerLogger;
  readonly twMs: number;
  readonly tcMs: number;
  readonly ceaTimeoutMs?: number;
  readonly dpaTimeoutMs?: number;
  readonly maxMessageBytes: number;
  readonly duplicateTtlMs: number;
  readonly duplicateMaxEntries: number;
  /** Transports we can connect out with, by kind. */
  readonly connectors: ReadonlyMap<string, Transport>;
}

const DEFAULT_CEA_TIMEOUT_MS = 10_000;
const DEFAULT_DPA_TIMEOUT_MS = 3_000;

/**
 * A Diameter node (RFC 6733 §2): listeners, the peer table, capabilities exchange with admission,
 * the dispatcher for application requests, and requests of our own (ASR, RAR, or a client's DER).
 */
export class DiameterNode {
  readonly #options: DiameterNodeOptions;
  readonly #peers = new Map<string, Peer>();
  readonly #configured = new Map<string, ConfiguredPeer>();
  readonly #listeners: TransportListener[] = [];
  readonly #handshaking = new Set<PeerConnection>();
  readonly #admission: AdmissionPolicy;
  readonly #e2e = new EndToEndIds();
  readonly #dispatcher: Dispatcher;
  readonly #peerInfos = new WeakMap<PeerConnection, PeerInfo>();
  readonly #host: PeerHost;
  readonly #commandNames: (code: number, request: boolean) => string;
  #stopping = false;

  constructor(options: DiameterNodeOptions) {
    this.#options = options;
    const compiled = AdmissionPolicy.compile({
      peers: options.peers.map((p) => ({
        originHost: p.originHost,
        ...(p.realm !== undefined ? { realm: p.realm } : {}),
        ...(p.addresses !== undefined ? { addresses: p.addresses } : {}),
        ...(p.transports !== undefined ? { transports: p.transports } : {}),
      })),
      unknownPeers: options.unknownPeers,
    });
    if (!compiled.ok) throw new Error(`diameter.peers: ${compiled.error}`);
    this.#admission = compiled.value;
    const names = new Map<number, [string, string]>();
    for (const c of options.dictionary.commands) names.set(c.code, [c.requestAbbrev, c.answerAbbrev]);
    this.#commandNames = (code, request) => names.get(code)?.[request ? 0 : 1] ?? String(code);
    this.#dispatcher = new Dispatcher({
      dictionary: options.dictionary,
      local: options.local,
      duplicates: new DuplicateCache({
        ttlMs: options.duplicateTtlMs,
        maxEntries: options.duplicateMaxEntries,
      }),
      logger: options.logger,
      commandName: this.#commandNames,
    });
    const connectionOptions: ConnectionOptions = {
      maxMessageBytes: options.maxMessageBytes,
      logger: options.logger,
      commandNames: this.#commandNames,
    };
    this.#host = {
      local: options.local,
      timers: {
        ceaTimeoutMs: options.ceaTimeoutMs ?? DEFAULT_CEA_TIMEOUT_MS,
        dpaTimeoutMs: options.dpaTimeoutMs ?? DEFAULT_DPA_TIMEOUT_MS,
        twMs: options.twMs,
        tcMs: options.tcMs,
      },
      connectionOptions,
      logger: options.logger,
      nextEndToEnd: () => this.#e2e.next(),
      connect: (target) => {
        const transport = options.connectors.get(target.transport);
        if (!transport) return Promise.reject(new Error(`no ${target.transport} transport available`));
        return transport.connect({ host: target.host, port: target.port, serverName: target.host });
      },
      onRequest: (peer, conn, request) => this.#onRequest(peer, conn, request),
      onClosed: (peer) => {
        if (!peer.configured && this.#peers.get(key(peer.originHost)) === peer)
          this.#peers.delete(key(peer.originHost));
      },
      stopping: () => this.#stopping,
    };
    for (const p of options.peers) this.#configured.set(key(p.originHost), p);
  }

  get local(): LocalNode {
    return this.#options.local;
  }

  /** Registers the handler of an application (by Application-Id in the header). */
  register(applicationId: number, handler: RequestHandler): void {
    this.#dispatcher.register(applicationId, handler);
  }

  nextEndToEnd(): number {
    return this.#e2e.next();
  }

  async listen(transport: Transport, host: string, port: number): Promise<TransportListener> {
    const listener = await transport.listen({ host, port }, (c) => this.#accept(c));
    this.#listeners.push(listener);
    return listener;
  }

  /** Starts connecting out to every configured peer that has a connect target. */
  start(): void {
    for (const p of this.#configured.values()) {
      if (p.connect === undefined) continue;
      const peer = this.#peerFor(p.originHost);
      peer.start();
    }
  }

  /** A snapshot of the peer table for the admin API and logs. */
  peers(): { originHost: string; state: string; watchdog: string; configured: boolean }[] {
    return [...this.#peers.values()].map((p) => ({
      originHost: p.originHost,
      state: p.state,
      watchdog: p.watchdogStatus,
      configured: p.configured,
    }));
  }

  peer(originHost: string): Peer | undefined {
    return this.#peers.get(key(originHost));
  }

  /**
   * Sends a request of ours through an open peer and resolves with the answer. The node writes the
   * Hop-by-Hop id; the caller took the End-to-End id from nextEndToEnd().
   */
  request(viaPeer: string, frame: Buffer, timeoutMs: number): Promise<MessageView> {
    const peer = this.#peers.get(key(viaPeer));
    const conn = peer?.connection;
    if (!peer || !conn || !peer.isOpen) return Promise.reject(new Error(`peer ${viaPeer} is not connected`));
    return conn.request(frame, timeoutMs);
  }

  /** RFC 6733 §5.4: DPR to every peer, wait for DPA (bounded), then close everything. */
  async stop(timeoutMs: number, cause: number = DisconnectCause.REBOOTING): Promise<void> {
    this.#stopping = true;
    for (const c of this.#handshaking) c.abort('node shutting down');
    // Stop accepting now; a listener's close completes only once its connections are gone.
    const listenersClosed = Promise.all(this.#listeners.map((l) => l.close().catch(() => undefined)));
    const all = Promise.all([...this.#peers.values()].map((p) => p.stop(cause)));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const late = await Promise.race([all.then(() => false), timedOut]);
    if (timer) clearTimeout(timer);
    if (late) {
      this.#options.logger.warn('shutdown: some peers did not answer DPR in time; closing anyway', {
        timeoutMs,
      });
      for (const p of this.#peers.values()) p.abort();
    }
    await listenersClosed;
  }

  #peerFor(originHost: string): Peer {
    let peer = this.#peers.get(key(originHost));
    if (!peer) {
      const configured = this.#configured.get(key(originHost));
      peer = new Peer(configured?.originHost ?? originHost, this.#host, configured?.connect);
      this.#peers.set(key(originHost), peer);
    }
    return peer;
  }

  /** A new incoming connection: wait for its CER (RFC 6733 §5.3), then admit or refuse. */
  #accept(transport: TransportConnection): void {
    if (this.#stopping) {
      transport.stream.destroy();
      return;
    }
    const timer = setTimeout(() => conn.abort('no CER in time'), this.#host.timers.ceaTimeoutMs);
    timer.unref();
    const conn: PeerConnection = new PeerConnection(
      transport,
      {
        message: (c, m) => {
          if (!this.#handshaking.has(c)) return;
          this.#handshaking.delete(c);
          clearTimeout(timer);
          this.#onFirstMessage(c, m);
        },
        closed: (c) => {
          this.#handshaking.delete(c);
          clearTimeout(timer);
        },
      },
      this.#host.connectionOptions,
    );
    conn.peerName = 'unknown';
    this.#handshaking.add(conn);
  }

  #refuse(conn: PeerConnection, cer: MessageView, resultCode: number, reason: string, detail: string): void {
    this.#options.logger.warn('peer refused at capabilities exchange', {
      reason,
      detail,
      resultCode,
      remote: conn.remoteAddress,
      transport: conn.kind,
    });
    if (diameterChannels.peerRefused.hasSubscribers) {
      const event: DiameterPeerRefusedEvent = { reason, transport: conn.kind };
      diameterChannels.peerRefused.publish(event);
    }
    conn.send(buildCea(cer, this.#options.local, conn.localAddresses, resultCode, detail));
    conn.close(`refused: ${reason}`);
  }

  #onFirstMessage(conn: PeerConnection, message: MessageView): void {
    if (!message.isRequest || message.commandCode !== CommandCode.CapabilitiesExchange) {
      // RFC 6733 §5.3: the first message on a new connection must be a CER.
      this.#options.logger.warn('first message on a new connection is not a CER: closing', {
        remote: conn.remoteAddress,
      });
      conn.abort('first message was not a CER');
      return;
    }
    const invalid = validateMessage(this.#options.dictionary, message);
    if (invalid !== undefined) {
      this.#refuse(conn, message, invalid.resultCode, 'invalid_cer', invalid.message);
      return;
    }
    const caps = readCapabilities(message);
    const decision = this.#admission.decide({
      originHost: caps.originHost,
      originRealm: caps.originRealm,
      sourceAddress: conn.remoteAddress,
      transport: conn.kind,
    });
    if (decision.kind === 'refuse') {
      this.#refuse(conn, message, decision.resultCode, decision.reason, decision.detail);
      return;
    }
    const cert = conn.transport.peerCertificate;
    if (conn.kind === 'tls' && (cert === undefined || !matchesOriginHost(cert, caps.originHost))) {
      // RFC 6733 §13.1: the certificate must identify the peer that claims this Origin-Host.
      this.#refuse(
        conn,
        message,
        ResultCode.DIAMETER_UNKNOWN_PEER,
        'tls_identity_mismatch',
        `certificate does not name ${caps.originHost}`,
      );
      return;
    }
    if (!acceptsNoInbandSecurity(caps)) {
      this.#refuse(
        conn,
        message,
        ResultCode.DIAMETER_NO_COMMON_SECURITY,
        'inband_tls_unsupported',
        'in-band TLS (Inband-Security-Id 1) is not offered; use the TLS port',
      );
      return;
    }
    const local = this.#options.local;
    const verdict = negotiateCapabilities(
      { authApplicationIds: local.authApplicationIds, acctApplicationIds: local.acctApplicationIds },
      caps.applications,
    );
    if (verdict.kind !== 'common') {
      this.#refuse(
        conn,
        message,
        ResultCode.DIAMETER_NO_COMMON_APPLICATION,
        'no_common_application',
        'no application in common (eapd offers Diameter EAP, application 5)',
      );
      return;
    }
    const peer = this.#peerFor(caps.originHost);
    conn.peerName = peer.originHost;
    // From here on the peer owns the connection's events.
    conn.rebind({ message: (c, m) => peer.onMessage(c, m), closed: (c, r) => peer.connectionClosed(c, r) });
    peer.incoming(conn, message, caps);
  }

  #onRequest(peer: Peer, conn: PeerConnection, request: MessageView): void {
    const context: RequestContext = { peer: this.#peerInfo(peer, conn), receivedAt: performance.now() };
    this.#dispatcher.dispatch(request, context).then(
      (answer) => {
        if (answer !== undefined) conn.send(answer);
      },
      (e: unknown) => this.#options.logger.warn('dispatch failed', { error: (e as Error).message }),
    );
  }

  /** The request context's peer part: the same for every request on one connection. */
  #peerInfo(peer: Peer, conn: PeerConnection): PeerInfo {
    const known = this.#peerInfos.get(conn);
    if (known !== undefined && known.originHost === peer.originHost) return known;
    const info: PeerInfo = {
      originHost: peer.originHost,
      originRealm: peer.capabilities?.originRealm ?? '',
      transport: conn.kind,
      remoteAddress: conn.remoteAddress,
    };
    // Only once the capabilities are known (they name the realm).
    if (peer.capabilities !== undefined) this.#peerInfos.set(conn, info);
    return info;
  }
}

function key(originHost: string): string {
  return originHost.toLowerCase();
}
