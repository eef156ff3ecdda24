import { diameterChannels, type DiameterPeerStateEvent, type DiameterWatchdogEvent } from '../events.js';
import type { MessageView } from '../codec/index.js';
import { AvpCode, CommandCode, DisconnectCause, ResultCode } from '../dict/constants.gen.js';
import type { TransportConnection } from '../transport/transport.js';
import {
  acceptsNoInbandSecurity,
  buildCea,
  buildCer,
  buildDpa,
  buildDpr,
  buildDwa,
  buildDwr,
  readCapabilities,
} from './base-messages.js';
import type { LocalNode, PeerCapabilities } from './base-messages.js';
import { negotiateCapabilities } from './capabilities.js';
import { PeerConnection, type ConnectionOptions, type PeerLogger } from './connection.js';
import { PsmAction, PsmEventType, PsmState, transition, type PsmEvent } from './psm.js';
import {
  INITIAL_WATCHDOG_STATE,
  WatchdogAction,
  WatchdogEvent,
  WatchdogStatus,
  nextTimeout,
  watchdogTransition,
  type WatchdogState,
} from './watchdog.js';

/** Where and how to reach a configured peer (initiator side). */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly transport: string;
}

/** What a Peer needs from the node that owns it. */
export interface PeerHost {
  readonly local: LocalNode;
  readonly timers: {
    readonly ceaTimeoutMs: number;
    readonly dpaTimeoutMs: number;
    readonly twMs: number;
    readonly tcMs: number;
  };
  readonly connectionOptions: ConnectionOptions;
  readonly logger: PeerLogger;
  nextEndToEnd(): number;
  connect(target: ConnectTarget): Promise<TransportConnection>;
  /** A request for an application arrived on an open connection. */
  onRequest(peer: Peer, connection: PeerConnection, request: MessageView): void;
  onClosed(peer: Peer): void;
  /** True once the node shuts down: no reconnection then. */
  stopping(): boolean;
}

const OPEN_STATES: ReadonlySet<PsmState> = new Set([PsmState.IOpen, PsmState.ROpen]);
const E = PsmEventType;
const A = PsmAction;

/**
 * One Diameter peer, by Origin-Host: drives the pure RFC 6733 §5.6 state machine (psm.ts) and the
 * RFC 3539 watchdog (watchdog.ts) with real connections and timers. It may briefly hold two
 * connections (initiator and responder) while an election is settled (§5.6.4).
 */
export class Peer {
  readonly originHost: string;
  readonly #host: PeerHost;
  readonly #target: ConnectTarget | undefined;
  #state: PsmState = PsmState.Closed;
  #iConn: PeerConnection | undefined;
  #rConn: PeerConnection | undefined;
  /** The CER that arrived on the responder connection, until it is answered. */
  #rCer: MessageView | undefined;
  /** A new incoming connection and its CER, while the state machine decides about it. */
  #candidate: { conn: PeerConnection; cer: MessageView; caps: PeerCapabilities } | undefined;
  #caps: PeerCapabilities | undefined;
  #pendingCeaCaps: PeerCapabilities | undefined;
  /** The DPR or DWR being answered by the current action. */
  #current: MessageView | undefined;
  #wd: WatchdogState = INITIAL_WATCHDOG_STATE;
  #wdDeadline = 0;
  #wdTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #noReconnect = false;
  #closedWaiters: (() => void)[] = [];

  constructor(originHost: string, host: PeerHost, target?: ConnectTarget) {
    this.originHost = originHost;
    this.#host = host;
    this.#target = target;
  }

  get state(): PsmState {
    return this.#state;
  }
  get isOpen(): boolean {
    return OPEN_STATES.has(this.#state);
  }
  /** Open and not failed over by the watchdog: fit to carry our requests (ASR, RAR). */
  get isAvailable(): boolean {
    return this.isOpen && this.#wd.status === WatchdogStatus.OKAY;
  }
  get watchdogStatus(): string {
    return this.#wd.status;
  }
  get configured(): boolean {
    return this.#target !== undefined;
  }
  get capabilities(): PeerCapabilities | undefined {
    return this.#caps;
  }
  /** The open connection, if any. */
  get connection(): PeerConnection | undefined {
    if (this.#state === PsmState.IOpen) return this.#iConn;
    if (this.#state === PsmState.ROpen) return this.#rConn;
    return undefined;
  }

  /** Connects out to a configured peer (RFC 6733 §5.6 Start). */
  start(): void {
    this.#noReconnect = false;
    if (this.#target !== undefined && this.#state === PsmState.Closed) this.#fire({ type: E.Start });
  }

  /** A new incoming connection whose CER passed admission and capabilities (R-Conn-CER). */
  incoming(conn: PeerConnection, cer: MessageView, caps: PeerCapabilities): void {
    this.#candidate = { conn, cer, caps };
    this.#fire({ type: E.RConnCER });
    if (this.#candidate?.conn === conn) {
      // No row took it (e.g. Closing): refuse it.
      this.#candidate = undefined;
      conn.abort('unexpected CER for this peer state');
    }
  }

  /** Sends DPR and waits for the peer to go (RFC 6733 §5.4); resolves when Closed. */
  stop(cause: number = DisconnectCause.REBOOTING): Promise<void> {
    this.#noReconnect = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#state === PsmState.Closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.#closedWaiters.push(resolve));
    this.#disconnectCause = cause;
    this.#fire({ type: E.Stop });
    return closed;
  }
  #disconnectCause: number = DisconnectCause.REBOOTING;

  /** Abort everything now (after the shutdown timeout). */
  abort(): void {
    this.#noReconnect = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#iConn?.abort('node shutting down');
    this.#rConn?.abort('node shutting down');
    this.#candidate?.conn.abort('node shutting down');
    this.#enter(PsmState.Closed);
  }

  #fire(event: PsmEvent): void {
    const t = transition(this.#state, event, {
      localHost: this.#host.local.originHost,
      peerHost: this.originHost,
    });
    if (t.unexpected) {
      this.#host.logger.debug('peer state machine: no row for event', {
        peer: this.originHost,
        state: this.#state,
        event: event.type,
      });
      return;
    }
    const from = this.#state;
    this.#state = t.state;
    for (const action of t.actions) this.#perform(action);
    if (from !== this.#state) this.#stateChanged(from);
  }

  #perform(action: PsmAction): void {
    switch (action) {
      case A.ISndConnReq:
        this.#connectOut();
        break;
      case A.RAccept:
        if (this.#candidate) {
          this.#rConn = this.#candidate.conn;
          this.#rCer = this.#candidate.cer;
        }
        break;
      case A.RReject:
        this.#candidate?.conn.abort('refused: this peer already has a connection (RFC 6733 §5.6 R-Reject)');
        this.#candidate = undefined;
        return;
      case A.ProcessCER:
        if (this.#candidate) this.#caps = this.#candidate.caps;
        this.#candidate = undefined;
        break;
      case A.ISndCER:
        this.#sendCer();
        break;
      case A.RSndCEA:
        if (this.#rConn && this.#rCer) {
          this.#rConn.send(
            buildCea(this.#rCer, this.#host.local, this.#rConn.localAddresses, ResultCode.DIAMETER_SUCCESS),
          );
          this.#rCer = undefined;
        }
        break;
      case A.ProcessCEA:
        if (this.#pendingCeaCaps) this.#caps = this.#pendingCeaCaps;
        this.#pendingCeaCaps = undefined;
        break;
      case A.Cleanup:
        this.#iConn?.close('cleanup');
        this.#rConn?.close('cleanup');
        this.#iConn = this.#rConn = undefined;
        break;
      case A.Error:
        this.#iConn?.abort('error');
        this.#rConn?.abort('error');
        this.#iConn = this.#rConn = undefined;
        break;
      case A.ISndDPR:
        this.#sendDpr(this.#iConn, E.IRcvDPA);
        break;
      case A.RSndDPR:
        this.#sendDpr(this.#rConn, E.RRcvDPA);
        break;
      case A.ISndDPA:
      case A.RSndDPA: {
        const conn = action === A.ISndDPA ? this.#iConn : this.#rConn;
        if (conn && this.#current) {
          conn.send(buildDpa(this.#current, this.#host.local));
          // RFC 6733 §5.4: the DPR sender closes the connection on DPA; close ours too if it lingers.
          setTimeout(() => conn.close('after DPA'), this.#host.timers.dpaTimeoutMs).unref();
        }
        break;
      }
      case A.IDisc: {
        const c = this.#iConn;
        this.#iConn = undefined;
        c?.close('I-Disc');
        break;
      }
      case A.RDisc: {
        const c = this.#rConn;
        this.#rConn = undefined;
        this.#rCer = undefined;
        c?.close('R-Disc');
        break;
      }
      case A.ProcessDWR:
      case A.ProcessDWA:
      case A.Process:
      case A.Elect:
      case A.ISndMessage:
      case A.RSndMessage:
        // Process: handled by the caller of #fire (it owns the message); Elect is done inside
        // transition(); messages are written directly on the open connection.
        break;
      case A.ISndDWA:
      case A.RSndDWA: {
        const conn = action === A.ISndDWA ? this.#iConn : this.#rConn;
        if (conn && this.#current) conn.send(buildDwa(this.#current, this.#host.local));
        break;
      }
    }
  }

  #connectOut(): void {
    const target = this.#target;
    if (!target) return;
    this.#host
      .connect(target)
      .then((transport) => {
        if (this.#state !== PsmState.WaitConnAck && this.#state !== PsmState.WaitConnAckElect) {
          transport.stream.destroy();
          return;
        }
        this.#iConn = this.#wrap(transport);
        this.#fire({ type: E.IRcvConnAck });
      })
      .catch((e: unknown) => {
        this.#host.logger.debug('connection attempt failed', {
          peer: this.originHost,
          error: (e as Error).message,
        });
        this.#fire({ type: E.IRcvConnNack });
      });
  }

  #wrap(transport: TransportConnection): PeerConnection {
    const conn = new PeerConnection(
      transport,
      {
        message: (c, m) => this.onMessage(c, m),
        closed: (c, reason) => this.connectionClosed(c, reason),
      },
      this.#host.connectionOptions,
    );
    conn.peerName = this.originHost;
    return conn;
  }

  #sendCer(): void {
    const conn = this.#iConn;
    if (!conn) return;
    const cer = buildCer(this.#host.local, conn.localAddresses, this.#host.nextEndToEnd());
    conn.request(cer, this.#host.timers.ceaTimeoutMs).then(
      (cea) => {
        if (conn !== this.#iConn) return;
        const caps = readCapabilities(cea);
        const accepted = this.#ceaAcceptable(caps);
        if (accepted) this.#pendingCeaCaps = caps;
        this.#fire({ type: E.IRcvCEA, accepted });
      },
      () => {
        if (conn === this.#iConn) this.#fire({ type: E.Timeout });
      },
    );
  }

  #ceaAcceptable(caps: PeerCapabilities): boolean {
    if (caps.resultCode !== ResultCode.DIAMETER_SUCCESS) {
      this.#host.logger.warn('peer refused our CER', { peer: this.originHost, resultCode: caps.resultCode });
      return false;
    }
    if (caps.originHost.toLowerCase() !== this.originHost.toLowerCase()) {
      this.#host.logger.warn('CEA from an unexpected Origin-Host', {
        peer: this.originHost,
        got: caps.originHost,
      });
      return false;
    }
    const local = this.#host.local;
    const verdict = negotiateCapabilities(
      { authApplicationIds: local.authApplicationIds, acctApplicationIds: local.acctApplicationIds },
      caps.applications,
    );
    return verdict.kind === 'common' && acceptsNoInbandSecurity(caps);
  }

  #sendDpr(conn: PeerConnection | undefined, answerEvent: typeof E.IRcvDPA | typeof E.RRcvDPA): void {
    if (!conn) return;
    const dpr = buildDpr(this.#host.local, this.#host.nextEndToEnd(), this.#disconnectCause);
    conn.request(dpr, this.#host.timers.dpaTimeoutMs).then(
      () => this.#fire({ type: answerEvent }),
      () => {
        if (this.#state === PsmState.Closing) this.#fire({ type: E.Timeout });
      },
    );
  }

  /** Every message that is not an answer to one of our requests (those resolve their promise). */
  onMessage(conn: PeerConnection, message: MessageView): void {
    const initiator = conn === this.#iConn;
    if (!initiator && conn !== this.#rConn) return;
    if (!message.isRequest) {
      this.#host.logger.debug('answer with unknown Hop-by-Hop id discarded (RFC 6733 §6.2)', {
        peer: this.originHost,
      });
      return;
    }
    if (this.#state === PsmState.WaitICEA && initiator) {
      this.#fire({ type: E.IRcvNonCEA });
      return;
    }
    this.#watchdog(WatchdogEvent.ReceiveNonDWA);
    this.#current = message;
    switch (message.commandCode) {
      case CommandCode.DeviceWatchdog:
        this.#fire({ type: initiator ? E.IRcvDWR : E.RRcvDWR });
        break;
      case CommandCode.DisconnectPeer:
        this.#onDpr(message);
        this.#fire({ type: initiator ? E.IRcvDPR : E.RRcvDPR });
        break;
      case CommandCode.CapabilitiesExchange:
        // RFC 6733 §5.3: capabilities are never renegotiated on an open connection.
        conn.send(
          buildCea(
            message,
            this.#host.local,
            conn.localAddresses,
            ResultCode.DIAMETER_UNABLE_TO_COMPLY,
            'capabilities are already exchanged on this connection',
          ),
        );
        break;
      default:
        if (this.isOpen) this.#host.onRequest(this, conn, message);
    }
    this.#current = undefined;
  }

  #onDpr(dpr: MessageView): void {
    const cause = readCapabilitiesCause(dpr);
    // RFC 6733 §5.4.3: DO_NOT_WANT_TO_TALK_TO_YOU: do not reconnect unless the peer comes back.
    if (cause === DisconnectCause.DO_NOT_WANT_TO_TALK_TO_YOU) this.#noReconnect = true;
    this.#host.logger.info('peer sent DPR', { peer: this.originHost, disconnectCause: cause });
  }

  connectionClosed(conn: PeerConnection, reason: string): void {
    if (conn === this.#iConn) {
      this.#fire({ type: E.IPeerDisc });
      if (this.#iConn === conn) this.#iConn = undefined;
    } else if (conn === this.#rConn) {
      this.#fire({ type: E.RPeerDisc });
      if (this.#rConn === conn) this.#rConn = undefined;
    } else {
      return;
    }
    this.#host.logger.debug('connection closed', { peer: this.originHost, reason });
  }

  #stateChanged(from: PsmState): void {
    const wasOpen = OPEN_STATES.has(from);
    const open = this.isOpen;
    this.#host.logger.info('peer state', { peer: this.originHost, from, to: this.#state });
    if (diameterChannels.peerState.hasSubscribers) {
      const event: DiameterPeerStateEvent = { peer: this.originHost, state: this.#state, up: open };
      diameterChannels.peerState.publish(event);
    }
    if (open && !wasOpen) this.#watchdog(WatchdogEvent.ConnectionUp);
    if (!open && wasOpen) this.#watchdog(WatchdogEvent.ConnectionDown);
    if (this.#state === PsmState.Closed) this.#enter(PsmState.Closed);
  }

  #enter(state: PsmState): void {
    this.#state = state;
    if (state !== PsmState.Closed) return;
    for (const resolve of this.#closedWaiters.splice(0)) resolve();
    if (this.#target !== undefined && !this.#noReconnect && !this.#host.stopping()) {
      // RFC 6733 §2.1: reconnect attempts every Tc.
      if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = setTimeout(() => this.start(), this.#host.timers.tcMs);
      this.#reconnectTimer.unref();
    } else {
      this.#stopWatchdogTimer();
      this.#host.onClosed(this);
    }
  }

  // ---- RFC 3539 watchdog driver ----

  #watchdog(event: WatchdogEvent): void {
    const from = this.#wd.status;
    const t = watchdogTransition(this.#wd, event);
    this.#wd = t.state;
    for (const action of t.actions) {
      switch (action) {
        case WatchdogAction.SetWatchdog:
          this.#armWatchdog();
          break;
        case WatchdogAction.SendWatchdog:
          this.#sendDwr();
          break;
        case WatchdogAction.CloseConnection:
          this.connection?.abort('watchdog: peer unresponsive (RFC 3539)');
          break;
        case WatchdogAction.Failover:
        case WatchdogAction.Failback:
        case WatchdogAction.AttemptOpen:
        case WatchdogAction.Throwaway:
          // Failover/Failback: isAvailable reads the status. Reconnection runs on Tc (RFC 6733
          // §2.1). Throwaway: eapd still serves requests from a peer in REOPEN (it is the server;
          // dropping them helps nobody) but sends none of its own until the peer is OKAY.
          break;
      }
    }
    if (from !== this.#wd.status) {
      this.#host.logger.info('watchdog', { peer: this.originHost, from, to: this.#wd.status });
      if (diameterChannels.watchdog.hasSubscribers) {
        const event: DiameterWatchdogEvent = { peer: this.originHost, from, to: this.#wd.status };
        diameterChannels.watchdog.publish(event);
      }
    }
  }

  /** Lazy re-arming: one timer per peer; received traffic only moves the deadline. */
  #armWatchdog(): void {
    this.#wdDeadline = performance.now() + nextTimeout(this.#host.timers.twMs);
    if (this.#wdTimer === undefined) this.#scheduleWatchdog(this.#wdDeadline - performance.now());
  }

  #scheduleWatchdog(ms: number): void {
    this.#wdTimer = setTimeout(
      () => {
        this.#wdTimer = undefined;
        const remaining = this.#wdDeadline - performance.now();
        if (remaining > 1) this.#scheduleWatchdog(remaining);
        else if (this.isOpen || this.#wd.status !== WatchdogStatus.DOWN)
          this.#watchdog(WatchdogEvent.TimerExpires);
      },
      Math.max(1, ms),
    );
    this.#wdTimer.unref();
  }

  #stopWatchdogTimer(): void {
    if (this.#wdTimer) clearTimeout(this.#wdTimer);
    this.#wdTimer = undefined;
  }

  #sendDwr(): void {
    const conn = this.connection;
    if (!conn) return;
    conn.request(buildDwr(this.#host.local, this.#host.nextEndToEnd()), 0).then(
      () => {
        if (conn === this.connection) this.#watchdog(WatchdogEvent.ReceiveDWA);
      },
      () => undefined,
    );
  }
}

function readCapabilitiesCause(dpr: MessageView): number | undefined {
  return dpr.find(AvpCode.DisconnectCause)?.asUnsigned32();
}
