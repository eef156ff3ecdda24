import { diameterChannels, type DiameterDecodeErrorEvent, type DiameterMessageEvent } from '../events.js';
import { CommandFlag, Framer, HeaderOffset, MessageView } from '../codec/index.js';
import type { TransportConnection, TransportKind } from '../transport/transport.js';
import { HopByHopIds } from './ids.js';

/** The slice of a logger the peer layer uses. */
export interface PeerLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

export interface ConnectionEvents {
  /** A request, or an answer nobody waited for (the owner decides; usually discarded). */
  message(connection: PeerConnection, message: MessageView): void;
  closed(connection: PeerConnection, reason: string): void;
}

export interface ConnectionOptions {
  readonly maxMessageBytes: number;
  readonly logger: PeerLogger;
  /** Short command names for metrics (`DER`, `CEA`), by command code. */
  readonly commandNames: (code: number, request: boolean) => string;
}

/** An answer did not come in time (or the connection went first). */
export class RequestTimeoutError extends Error {
  readonly code = 'EAPD_DIAMETER_REQUEST_TIMEOUT';
}
export class ConnectionClosedError extends Error {
  readonly code = 'EAPD_DIAMETER_CONNECTION_CLOSED';
}

interface Pending {
  resolve(answer: MessageView): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

const GRACEFUL_CLOSE_MS = 2000;

/**
 * One transport connection to a Diameter peer: frames the byte stream (RFC 6733 §2.1: an
 * unparseable stream is aborted, never resynchronised), matches answers to the requests sent on it
 * by Hop-by-Hop id (§3: unknown ids are discarded), and hands everything else to its owner. It
 * knows nothing of the peer state machine.
 */
export class PeerConnection {
  readonly kind: TransportKind;
  readonly remoteAddress: string;
  readonly localAddresses: readonly string[];
  readonly transport: TransportConnection;
  /** The peer's Origin-Host once known; used as the `peer` label of events. */
  peerName: string;
  #events: ConnectionEvents;
  readonly #options: ConnectionOptions;
  readonly #framer: Framer;
  readonly #ids = new HopByHopIds();
  readonly #pending = new Map<number, Pending>();
  #closed = false;
  /** Writes of this event-loop turn are gathered and flushed once (see `send`). */
  #corked = false;
  readonly #uncork = (): void => {
    this.#corked = false;
    this.transport.stream.uncork();
  };

  constructor(transport: TransportConnection, events: ConnectionEvents, options: ConnectionOptions) {
    this.transport = transport;
    this.kind = transport.kind;
    this.remoteAddress = transport.remoteAddress;
    this.localAddresses = transport.localAddresses;
    this.peerName = 'unknown';
    this.#events = events;
    this.#options = options;
    this.#framer = new Framer((frame) => this.#onFrame(frame), { maxMessageLength: options.maxMessageBytes });
    const stream = transport.stream;
    stream.on('data', (chunk: Buffer) => {
      const error = this.#framer.push(chunk);
      if (error !== undefined) {
        publishDecodeError('framing');
        this.#options.logger.warn('unparseable Diameter stream: aborting the connection (RFC 6733 §2.1)', {
          peer: this.peerName,
          remote: this.remoteAddress,
          error: error.message,
        });
        this.abort(`unparseable stream: ${error.message}`);
      }
    });
    stream.on('error', (e: Error) => this.#finish(`transport error: ${e.message}`));
    stream.on('close', () => this.#finish('closed by peer or transport'));
    stream.on('end', () => {
      // The peer closed its side: finish ours (a half-open Diameter connection is useless).
      stream.end();
    });
  }

  /** Hands the connection's events to a new owner (the node gives it to a Peer after the CER). */
  rebind(events: ConnectionEvents): void {
    this.#events = events;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Writes one whole message. Returns false when the connection is already closed. The answers
   * produced while one read is processed leave in one writev (cork now, uncork on the next tick)
   * instead of one syscall each; a transport that keeps message boundaries (SCTP) still gets one
   * write per message.
   */
  send(frame: Buffer): boolean {
    if (this.#closed) return false;
    publishMessage(this.peerName, 'out', this.#options.commandNames, frame);
    const stream = this.transport.stream;
    if (!this.#corked) {
      this.#corked = true;
      stream.cork();
      process.nextTick(this.#uncork);
    }
    stream.write(frame);
    return true;
  }

  /**
   * Sends a request with a fresh Hop-by-Hop id (written into `frame`) and resolves with its
   * answer. `timeoutMs` 0 waits until the connection closes.
   */
  request(frame: Buffer, timeoutMs: number): Promise<MessageView> {
    if (this.#closed) return Promise.reject(new ConnectionClosedError('connection closed'));
    let id = this.#ids.next();
    while (this.#pending.has(id)) id = this.#ids.next();
    frame.writeUInt32BE(id, HeaderOffset.HOP_BY_HOP);
    return new Promise<MessageView>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined };
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(new RequestTimeoutError(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.timer.unref();
      }
      this.#pending.set(id, pending);
      this.send(frame);
    });
  }

  /** Requests sent on this connection that still wait for an answer. */
  get pendingRequests(): number {
    return this.#pending.size;
  }

  /** Graceful close (FIN), forced after a short delay. */
  close(reason: string): void {
    if (this.#closed) return;
    this.#options.logger.debug('closing connection', { peer: this.peerName, reason });
    this.transport.stream.end();
    setTimeout(() => this.transport.stream.destroy(), GRACEFUL_CLOSE_MS).unref();
  }

  /** Abortive close (TCP RST / SCTP ABORT, RFC 6733 §2.1). */
  abort(reason: string): void {
    if (this.#closed) return;
    const s = this.transport.stream as { resetAndDestroy?: () => void; destroy(): void };
    if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
    else s.destroy();
    this.#finish(reason);
  }

  #onFrame(frame: Buffer): void {
    const message = new MessageView(frame);
    publishMessage(this.peerName, 'in', this.#options.commandNames, frame);
    if (!message.isRequest) {
      const pending = this.#pending.get(message.hopByHop);
      if (pending !== undefined) {
        this.#pending.delete(message.hopByHop);
        if (pending.timer) clearTimeout(pending.timer);
        pending.resolve(message);
        return;
      }
    }
    this.#events.message(this, message);
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new ConnectionClosedError(`connection closed: ${reason}`));
    }
    this.#pending.clear();
    this.#events.closed(this, reason);
  }
}

function publishMessage(
  peer: string,
  direction: 'in' | 'out',
  names: (code: number, request: boolean) => string,
  frame: Buffer,
): void {
  if (!diameterChannels.message.hasSubscribers || frame.length < HeaderOffset.HOP_BY_HOP) return;
  const request = (frame[HeaderOffset.FLAGS]! & CommandFlag.R) !== 0;
  const event: DiameterMessageEvent = {
    peer,
    direction,
    command: names(frame.readUIntBE(HeaderOffset.COMMAND_CODE, 3), request),
    type: request ? 'request' : 'answer',
  };
  diameterChannels.message.publish(event);
}

export function publishDecodeError(reason: string): void {
  if (!diameterChannels.decodeError.hasSubscribers) return;
  const event: DiameterDecodeErrorEvent = { reason };
  diameterChannels.decodeError.publish(event);
}
