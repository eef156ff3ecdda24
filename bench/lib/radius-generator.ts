// The RADIUS load generator: simulated devices authenticating with EAP-PSK (RFC 4764) carried in
// RADIUS Access-Request / Access-Challenge (RFC 2865 §4, RFC 3579 §2), every request signed with
// Message-Authenticator (RFC 3579 §3.2), every response verified (RFC 2865 §3 Response
// Authenticator + Message-Authenticator) and the MSK checked against MS-MPPE keys (RFC 2548).
import { textAttribute, type RadiusAttribute } from '../../src/radius/attribute.js';
import { verifyResponse } from '../../src/radius/authenticators.js';
import {
  AUTHENTICATOR_LENGTH,
  AUTHENTICATOR_OFFSET,
  MsAttr,
  RadiusAttr,
  RadiusCode,
  VENDOR_MICROSOFT,
} from '../../src/radius/constants.js';
import { eapMessageAttributes, reassembleEapMessage } from '../../src/radius/eap-message.js';
import { decryptMppeKey } from '../../src/radius/mppe-key.js';
import { buildAccessRequest } from '../../src/radius/packet-builder.js';
import { RadiusPacket } from '../../src/radius/packet.js';
import { bindUdpSocket, type BoundUdpSocket } from '../../src/radius/udp-socket.js';
import { parseVendorSpecific } from '../../src/radius/vendor-specific.js';
import { EapCode, EapPskPeer } from '../../src/eap/index.js';
import { buildIdentity } from '../../src/eap/packet.js';
import type { BenchDevice } from './bench-devices.js';
import { runClosedLoop, type GeneratorRun } from './closed-loop.js';

/** RFC 2865 §3: the Identifier is one octet, so one source port has 256 requests outstanding. */
export const IDENTIFIER_SPACE = 256;
/** The NAS's own Request/Identity (RFC 3748 §5.1), identifier 0, answered by the peer. */
const NAS_IDENTITY_REQUEST_ID = 0;
/** Identity, PSK-1/2, PSK-3/4 and the final Access-Accept: more rounds is a broken server. */
const MAX_ROUNDS = 6;
/** RFC 5247 §3.2 / RFC 3580: MS-MPPE-Recv-Key = MSK[0..31], MS-MPPE-Send-Key = MSK[32..63]. */
const MPPE_KEY_LENGTH = 32;
const NAS_IDENTIFIER_ATTRIBUTE = textAttribute(RadiusAttr.NasIdentifier, 'bench-nas');
/**
 * The generator's receive buffer per socket: a burst of responses must not overflow it (the
 * kernel default of 208 KiB holds only about 200 small datagrams). Within net.core.rmem_max.
 */
export const GENERATOR_RECV_BUFFER_BYTES = 1024 * 1024;
/**
 * One timer per generator checks every outstanding request this often for its retransmission
 * deadline (instead of one setTimeout per request: a Timeout object and a timer-list insert
 * and removal per round trip). A retransmission is therefore late by at most this much.
 */
const RETRANSMIT_TICK_MS = 50;

export interface RadiusGeneratorOptions {
  /** The server's IPv4 address (responses from any other source are ignored). */
  readonly host: string;
  readonly port: number;
  readonly secret: Buffer;
  readonly devices: readonly BenchDevice[];
  /** UDP sockets (source ports); raised so that sockets × 256 covers the requests in flight. */
  readonly sockets: number;
  /** RFC 2865 §2.4 style retransmission: the same datagram again after this long without answer. */
  readonly retransmitMs: number;
  /** Retransmissions of one request before the authentication counts as failed. */
  readonly retries: number;
}

/** A closed-loop run, with the UDP-specific counts. */
export interface RadiusGeneratorRun extends GeneratorRun {
  /** Access-Requests sent (first transmissions). */
  readonly requests: number;
  readonly retransmissions: number;
  /** Requests given up after every retransmission. */
  readonly timeouts: number;
}

interface Pending {
  readonly frame: Buffer;
  readonly requestAuthenticator: Buffer;
  readonly resolve: (e: Exchange) => void;
  readonly reject: (e: Error) => void;
  /** performance.now() after which the request is sent again (or given up). */
  deadline: number;
  tries: number;
}

/**
 * One UDP source port and its 256 Identifiers, on eapd's own socket (src/radius/udp-socket.ts:
 * the udp_batch addon when built, batched reads as on the server side) for every server measured.
 */
class Channel {
  readonly socket: BoundUdpSocket;
  readonly pending: (Pending | undefined)[] = new Array<Pending | undefined>(IDENTIFIER_SPACE);
  readonly free: number[] = Array.from({ length: IDENTIFIER_SPACE }, (_v, i) => IDENTIFIER_SPACE - 1 - i);

  constructor(socket: BoundUdpSocket) {
    this.socket = socket;
  }

  /** Ends the request under `identifier` and frees the Identifier. */
  release(identifier: number): void {
    this.pending[identifier] = undefined;
    this.free.push(identifier);
  }
}

/** A finished exchange: the verified response and the request it answers. */
interface Exchange {
  readonly response: RadiusPacket;
  readonly requestAuthenticator: Buffer;
}

/** The MS-MPPE key of `type` in an Access-Accept, decrypted (RFC 2548 §2.4.2), or undefined. */
function mppeKey(
  packet: RadiusPacket,
  type: number,
  secret: Buffer,
  requestAuthenticator: Buffer,
): Buffer | undefined {
  for (const a of packet.all(RadiusAttr.VendorSpecific)) {
    const vsa = parseVendorSpecific(a.value);
    if (vsa?.vendorId !== VENDOR_MICROSOFT) continue;
    const sub = vsa.attributes.find((s) => s.type === type);
    if (sub !== undefined) return decryptMppeKey(sub.value, secret, requestAuthenticator);
  }
  return undefined;
}

/**
 * Closed-loop RADIUS EAP-PSK load: N authentications in flight over several UDP sockets, each
 * request retransmitted unchanged on timeout (same Identifier and Authenticator, RFC 5080 §2.2.1)
 * so that a lossy server shows up as retransmissions and timeouts rather than as a hang.
 */
export class RadiusLoadGenerator {
  readonly #o: RadiusGeneratorOptions;
  readonly #channels: Channel[];
  readonly #identityRequest = buildIdentity(EapCode.Request, NAS_IDENTITY_REQUEST_ID);
  #nextDevice = 0;
  #nextChannel = 0;
  #requests = 0;
  #retransmissions = 0;
  #timeouts = 0;
  #invalidResponses = 0;
  readonly #ticker: NodeJS.Timeout;

  private constructor(o: RadiusGeneratorOptions, channels: Channel[]) {
    this.#o = o;
    this.#channels = channels;
    this.#ticker = setInterval(() => this.#retransmitDue(), RETRANSMIT_TICK_MS);
  }

  /** Binds the sockets (ephemeral loopback ports). */
  static async open(o: RadiusGeneratorOptions): Promise<RadiusLoadGenerator> {
    const channels: Channel[] = [];
    const generator = new RadiusLoadGenerator(o, channels);
    try {
      for (let i = 0; i < o.sockets; i++) {
        const socket = await bindUdpSocket({
          address: '127.0.0.1',
          port: 0,
          ipv6Only: false,
          // Only the server's datagrams count (what a connected socket would let through).
          onMessage: (datagram, address, port) => {
            if (port === o.port && address === o.host) generator.#onMessage(channel, datagram);
          },
          // ICMP port-unreachable (server gone) and the like: the request is then lost like any
          // other, and retransmission and timeout account for it.
          onError: () => undefined,
        });
        const channel = new Channel(socket);
        channels.push(channel);
        socket.setRecvBufferSize(GENERATOR_RECV_BUFFER_BYTES);
      }
    } catch (error) {
      await generator.close();
      throw error;
    }
    return generator;
  }

  /** Sockets needed for `inFlight` outstanding requests, at least `minimum`. */
  static socketsFor(inFlight: number, minimum: number): number {
    return Math.max(minimum, Math.ceil(inFlight / IDENTIFIER_SPACE));
  }

  /** Responses dropped because their authenticators did not verify (late duplicates included). */
  get invalidResponses(): number {
    return this.#invalidResponses;
  }

  async close(): Promise<void> {
    clearInterval(this.#ticker);
    for (const c of this.#channels)
      for (const p of c.pending) if (p !== undefined) p.reject(new Error('generator closed'));
    await Promise.all(this.#channels.map((c) => c.socket.close()));
  }

  /** `datagram` is valid only during the call (a view of the socket's batch): it is copied. */
  #onMessage(channel: Channel, datagram: Buffer): void {
    const parsed = RadiusPacket.parse(Buffer.from(datagram));
    if (!parsed.ok) {
      this.#invalidResponses++;
      return;
    }
    const id = parsed.packet.identifier;
    const p = channel.pending[id];
    // RFC 2865 §3: the response matches by Identifier and verifies against the Request Authenticator.
    if (p === undefined || !verifyResponse(parsed.packet, p.requestAuthenticator, this.#o.secret)) {
      this.#invalidResponses++;
      return;
    }
    channel.release(id);
    p.resolve({ response: parsed.packet, requestAuthenticator: p.requestAuthenticator });
  }

  /** RFC 5080 §2.2.1 style: the same datagram again after retransmitMs, `retries` times, then failure. */
  #retransmitDue(): void {
    const now = performance.now();
    for (const c of this.#channels)
      for (let id = 0; id < IDENTIFIER_SPACE; id++) {
        const p = c.pending[id];
        if (p === undefined || p.deadline > now) continue;
        if (p.tries > this.#o.retries) {
          c.release(id);
          this.#timeouts++;
          p.reject(new Error(`no answer after ${p.tries} transmissions`));
          continue;
        }
        p.tries++;
        this.#retransmissions++;
        p.deadline = now + this.#o.retransmitMs;
        c.socket.send(p.frame, this.#o.port, this.#o.host);
      }
  }

  #channel(): Channel {
    for (let i = 0; i < this.#channels.length; i++) {
      const c = this.#channels[this.#nextChannel]!;
      this.#nextChannel = (this.#nextChannel + 1) % this.#channels.length;
      if (c.free.length > 0) return c;
    }
    throw new Error('every RADIUS Identifier is in use: more sockets needed');
  }

  /** Sends one Access-Request and resolves with its verified response (retransmitting on timeout). */
  #exchange(attributes: readonly RadiusAttribute[]): Promise<Exchange> {
    const channel = this.#channel();
    const identifier = channel.free.pop()!;
    const frame = buildAccessRequest({ identifier, secret: this.#o.secret, attributes });
    const requestAuthenticator = frame.subarray(
      AUTHENTICATOR_OFFSET,
      AUTHENTICATOR_OFFSET + AUTHENTICATOR_LENGTH,
    );
    this.#requests++;
    return new Promise<Exchange>((resolve, reject) => {
      channel.pending[identifier] = {
        frame,
        requestAuthenticator,
        resolve,
        reject,
        deadline: performance.now() + this.#o.retransmitMs,
        tries: 1,
      };
      channel.socket.send(frame, this.#o.port, this.#o.host);
    });
  }

  #device(): BenchDevice {
    const d = this.#o.devices[this.#nextDevice]!;
    this.#nextDevice = (this.#nextDevice + 1) % this.#o.devices.length;
    return d;
  }

  #attributes(userName: RadiusAttribute, eap: Buffer, state: Buffer | undefined): RadiusAttribute[] {
    const attributes = [userName, NAS_IDENTIFIER_ATTRIBUTE, ...eapMessageAttributes(eap)];
    // RFC 2865 §5.24: the State of the Access-Challenge goes back unmodified.
    if (state !== undefined) attributes.push({ type: RadiusAttr.State, value: state });
    return attributes;
  }

  /**
   * One whole EAP-PSK authentication (Identity, PSK-1/2, PSK-3/4, Accept with EAP-Success);
   * resolves true when the peer succeeded and both MS-MPPE keys equal its MSK halves.
   */
  async authenticate(): Promise<boolean> {
    const device = this.#device();
    const peer = new EapPskPeer({ peerId: device.identity, keys: device.keys });
    const userName = textAttribute(RadiusAttr.UserName, device.identity);
    let step = peer.receive(this.#identityRequest);
    let state: Buffer | undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (step.kind !== 'response') throw new Error(`peer: ${step.kind}`);
      const { response, requestAuthenticator } = await this.#exchange(
        this.#attributes(userName, step.packet, state),
      );
      const eap = reassembleEapMessage(response);
      if (response.code === RadiusCode.AccessReject) throw new Error('Access-Reject');
      if (eap === undefined) throw new Error(`code ${response.code} without EAP-Message`);
      step = peer.receive(eap);
      if (response.code === RadiusCode.AccessAccept) {
        if (step.kind !== 'success') throw new Error(`Access-Accept but peer ${step.kind}`);
        const secret = this.#o.secret;
        const recv = mppeKey(response, MsAttr.MppeRecvKey, secret, requestAuthenticator);
        const sendKey = mppeKey(response, MsAttr.MppeSendKey, secret, requestAuthenticator);
        return (
          recv !== undefined &&
          sendKey !== undefined &&
          recv.equals(step.msk.subarray(0, MPPE_KEY_LENGTH)) &&
          sendKey.equals(step.msk.subarray(MPPE_KEY_LENGTH, 2 * MPPE_KEY_LENGTH))
        );
      }
      if (response.code !== RadiusCode.AccessChallenge) throw new Error(`unexpected code ${response.code}`);
      state = response.get(RadiusAttr.State);
    }
    throw new Error(`no result after ${MAX_ROUNDS} rounds`);
  }

  /**
   * Only the first round: Access-Request with Response/Identity, answered by an Access-Challenge
   * whose PSK-1 the peer answers (PSK-2 computed, not sent). The generator's per-round cost.
   */
  async openConversation(): Promise<boolean> {
    const device = this.#device();
    const peer = new EapPskPeer({ peerId: device.identity, keys: device.keys });
    const first = peer.receive(this.#identityRequest);
    if (first.kind !== 'response') return false;
    const userName = textAttribute(RadiusAttr.UserName, device.identity);
    const { response } = await this.#exchange(this.#attributes(userName, first.packet, undefined));
    const eap = reassembleEapMessage(response);
    if (response.code !== RadiusCode.AccessChallenge || eap === undefined) return false;
    return peer.receive(eap).kind === 'response';
  }

  /**
   * Closed loop: `inFlight` authentications at all times until `count` started or `durationMs`
   * passed; with `maxRatePerSecond`, starts are also paced to that rate (a server that drops
   * above some rate is then measured at a rate it sustains).
   */
  async closedLoop(o: {
    inFlight: number;
    count: number;
    durationMs: number;
    op?: 'auth' | 'open';
    maxRatePerSecond?: number;
  }): Promise<RadiusGeneratorRun> {
    const requests0 = this.#requests;
    const retransmissions0 = this.#retransmissions;
    const timeouts0 = this.#timeouts;
    const run = await runClosedLoop(
      o,
      o.op === 'open' ? () => this.openConversation() : () => this.authenticate(),
    );
    return {
      ...run,
      requests: this.#requests - requests0,
      retransmissions: this.#retransmissions - retransmissions0,
      timeouts: this.#timeouts - timeouts0,
    };
  }
}
