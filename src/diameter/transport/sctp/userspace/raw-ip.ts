import { loadAddon } from '../../../../util/native-addon.js';

/** The raw_ip addon's surface (native/src/raw_ip.c). */
interface RawIpAddon {
  open(bindAddress: string, onPacket: (payload: Buffer, source: string, destination: string) => void): object;
  send(handle: object, packet: Buffer, destination: string): number;
  setRef(handle: object, ref: boolean): void;
  close(handle: object): void;
}

export type PacketHandler = (payload: Buffer, source: string, destination: string) => void;

/**
 * An IPv4 raw socket for protocol 132 (needs root or CAP_NET_RAW). It sees every SCTP packet
 * the host receives (to any port): the endpoint keeps only those addressed to its own ports.
 */
export class RawIpSocket {
  readonly #addon: RawIpAddon;
  readonly #handle: object;
  #closed = false;

  private constructor(addon: RawIpAddon, handle: object) {
    this.#addon = addon;
    this.#handle = handle;
  }

  /** Opens the socket; throws with `code` EPERM when not permitted, or why the addon is missing. */
  static open(bindAddress: string, onPacket: PacketHandler): RawIpSocket {
    const load = loadAddon<RawIpAddon>('raw_ip');
    if (!load.ok) throw Object.assign(new Error(load.reason), { code: 'ENOADDON' });
    return new RawIpSocket(load.addon, load.addon.open(bindAddress, onPacket));
  }

  /** Why raw IP is unusable here, or undefined when a raw SCTP socket can be opened. */
  static unavailableReason(): string | undefined {
    try {
      RawIpSocket.open('0.0.0.0', () => undefined).close();
      return undefined;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return e.code === 'EPERM' || e.code === 'EACCES'
        ? 'raw IP sockets need root or CAP_NET_RAW'
        : e.message;
    }
  }

  /** Sends one SCTP packet; returns the errno (0 = sent; EAGAIN/ENOBUFS = dropped, SCTP retransmits). */
  send(packet: Buffer, destination: string): number {
    return this.#closed ? -1 : this.#addon.send(this.#handle, packet, destination);
  }

  /** Whether the socket keeps the process alive (true while listening or associated). */
  setRef(ref: boolean): void {
    if (!this.#closed) this.#addon.setRef(this.#handle, ref);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#addon.close(this.#handle);
  }
}
