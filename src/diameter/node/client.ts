import type { MessageView } from '../codec/index.js';
import type { Dictionary } from '../dict/index.js';
import { CommandCode, DisconnectCause, ResultCode } from '../dict/constants.gen.js';
import {
  buildCer,
  buildDpa,
  buildDpr,
  buildDwa,
  readCapabilities,
  type LocalNode,
  type PeerCapabilities,
} from '../peer/base-messages.js';
import { PeerConnection, type PeerLogger } from '../peer/connection.js';
import { EndToEndIds } from '../peer/ids.js';
import type { Transport } from '../transport/transport.js';

export interface DiameterClientOptions {
  readonly local: LocalNode;
  readonly dictionary: Dictionary;
  readonly logger: PeerLogger;
  readonly maxMessageBytes?: number;
  readonly ceaTimeoutMs?: number;
  /** TLS: the name the server's certificate must carry (default: `host`; RFC 6733 §13.1). */
  readonly serverName?: string;
}

/** A server request (ASR, RAR) for the client's owner; resolve with the answer to send. */
export type ClientRequestHandler = (request: MessageView) => Buffer | undefined;

const DEFAULT_CEA_TIMEOUT_MS = 10_000;
const DPA_TIMEOUT_MS = 3_000;

/**
 * One outgoing connection to a Diameter server, as a NAS or test client uses it: CER/CEA (RFC 6733
 * §5.3) learning the server's identity from the CEA, DWR answered with DWA, DPR answered with DPA,
 * DPR on close (§5.4), requests of ours with answers matched by Hop-by-Hop id. The server-side
 * peer state machine lives in DiameterNode; a client has a single connection and needs none.
 */
export class DiameterClient {
  readonly #conn: PeerConnection;
  readonly #options: DiameterClientOptions;
  readonly #e2e = new EndToEndIds();
  #server: PeerCapabilities | undefined;
  #onRequest: ClientRequestHandler = () => undefined;
  #closed: Promise<string>;

  private constructor(conn: PeerConnection, options: DiameterClientOptions, closed: Promise<string>) {
    this.#conn = conn;
    this.#options = options;
    this.#closed = closed;
  }

  static async connect(
    transport: Transport,
    host: string,
    port: number,
    options: DiameterClientOptions,
  ): Promise<DiameterClient> {
    const t = await transport.connect({ host, port, serverName: options.serverName ?? host });
    let resolveClosed: (reason: string) => void = () => undefined;
    const closed = new Promise<string>((r) => (resolveClosed = r));
    const owner: { client?: DiameterClient } = {};
    const conn = new PeerConnection(
      t,
      {
        message: (c, m) => {
          if (owner.client !== undefined) owner.client.#onMessage(c, m);
        },
        closed: (_c, reason) => resolveClosed(reason),
      },
      {
        maxMessageBytes: options.maxMessageBytes ?? 65536,
        logger: options.logger,
        commandNames: (code, request) => commandName(options.dictionary, code, request),
      },
    );
    const client = new DiameterClient(conn, options, closed);
    owner.client = client;
    const cea = await conn.request(
      buildCer(options.local, conn.localAddresses, client.#e2e.next()),
      options.ceaTimeoutMs ?? DEFAULT_CEA_TIMEOUT_MS,
    );
    const caps = readCapabilities(cea);
    if (caps.resultCode !== ResultCode.DIAMETER_SUCCESS) {
      conn.close('CER refused');
      throw new Error(`server refused our CER with Result-Code ${caps.resultCode ?? 'none'}`);
    }
    client.#server = caps;
    conn.peerName = caps.originHost;
    return client;
  }

  /** The server's Origin-Host and realm, from its CEA. */
  get server(): PeerCapabilities {
    return this.#server!;
  }

  get isOpen(): boolean {
    return !this.#conn.closed;
  }

  /** Resolves with the reason once the connection is gone. */
  get closed(): Promise<string> {
    return this.#closed;
  }

  nextEndToEnd(): number {
    return this.#e2e.next();
  }

  onRequest(handler: ClientRequestHandler): void {
    this.#onRequest = handler;
  }

  /** Sends a request (the Hop-by-Hop id is written into `frame`) and resolves with the answer. */
  request(frame: Buffer, timeoutMs: number): Promise<MessageView> {
    return this.#conn.request(frame, timeoutMs);
  }

  /** DPR (RFC 6733 §5.4), then close; bounded wait for the DPA. */
  async close(cause: number = DisconnectCause.REBOOTING): Promise<void> {
    if (this.#conn.closed) return;
    try {
      await this.#conn.request(buildDpr(this.#options.local, this.#e2e.next(), cause), DPA_TIMEOUT_MS);
    } catch {
      // no DPA: close anyway
    }
    this.#conn.close('client closed');
  }

  #onMessage(conn: PeerConnection, m: MessageView): void {
    if (!m.isRequest) return;
    switch (m.commandCode) {
      case CommandCode.DeviceWatchdog:
        conn.send(buildDwa(m, this.#options.local));
        return;
      case CommandCode.DisconnectPeer:
        conn.send(buildDpa(m, this.#options.local));
        conn.close('server sent DPR');
        return;
      default: {
        const answer = this.#onRequest(m);
        if (answer !== undefined) conn.send(answer);
      }
    }
  }
}

function commandName(dictionary: Dictionary, code: number, request: boolean): string {
  const c = dictionary.command(code);
  return c ? (request ? c.requestAbbrev : c.answerAbbrev) : String(code);
}
