// The RADIUS front's UDP socket: the udp_batch addon (native/src/udp_batch.c: recvmmsg batches,
// one call into JavaScript per batch, sends by a direct sendto) when it is built, else node:dgram.
// Both deliver each datagram with its source, and report send and socket errors to `onError`.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { loadAddon } from '../util/native-addon.js';

/** Set to 0 to use node:dgram even when the addon is built (A/B, fallback tests). */
export const NATIVE_UDP_ENV = 'EAPD_NATIVE_UDP';

interface UdpBatchAddon {
  open(
    family: 4 | 6,
    address: string,
    port: number,
    ipv6Only: boolean,
    onBatch: (data: Buffer, addresses: string[], meta: Int32Array, count: number) => void,
    batch?: number,
    batchesPerTurn?: number,
  ): object;
  send(handle: object, data: Buffer, offset: number, length: number, port: number, address: string): number;
  setRecvBufferSize(handle: object, bytes: number): void;
  recvBufferSize(handle: object): number;
  localAddress(handle: object): { address: string; port: number; family: string };
  close(handle: object): void;
}

const DATAGRAM_META = 3;

function loadNative(): UdpBatchAddon | undefined {
  if (process.env[NATIVE_UDP_ENV] === '0') return undefined;
  const load = loadAddon<UdpBatchAddon>('udp_batch');
  return load.ok ? load.addon : undefined;
}
let native = loadNative();

/**
 * Chooses the socket backend for sockets opened from now on: the addon (when built) or
 * node:dgram. Returns whether the addon is in use. For tests that run both.
 */
export function useNativeUdp(on: boolean): boolean {
  native = on ? loadNative() : undefined;
  return native !== undefined;
}

export interface UdpSocketOptions {
  /** An IPv4 or IPv6 address; "::" listens on both families unless ipv6Only. */
  readonly address: string;
  readonly port: number;
  readonly ipv6Only: boolean;
  readonly onMessage: (datagram: Buffer, address: string, port: number) => void;
  /** A datagram that could not be sent (with its destination) or a socket error (without). */
  readonly onError: (error: Error, address?: string, port?: number) => void;
  /**
   * The addon's reads per loop iteration (datagrams per recvmmsg, 1-64; recvmmsg calls): for tests
   * of what it does with datagrams left queued. node:dgram ignores it.
   */
  readonly readLimits?: { readonly batch: number; readonly batchesPerTurn: number };
}

export interface BoundUdpSocket {
  send(datagram: Buffer, port: number, address: string): void;
  /** Asks for SO_RCVBUF (Linux caps it at net.core.rmem_max); throws on failure. */
  setRecvBufferSize(bytes: number): void;
  /** What getsockopt(SO_RCVBUF) reports (twice the size Linux keeps). */
  recvBufferSize(): number;
  localAddress(): { address: string; port: number; family: string };
  /** Idempotent. */
  close(): Promise<void>;
}

/** Binds a socket; rejects when binding fails (the port in use: EADDRINUSE). */
export function bindUdpSocket(options: UdpSocketOptions): Promise<BoundUdpSocket> {
  const addon = native;
  if (addon === undefined) return bindDgram(options);
  try {
    return Promise.resolve(bindNative(addon, options));
  } catch (error) {
    // Worded like node:dgram's ("bind EADDRINUSE 127.0.0.1:1812"), the code kept.
    const code = (error as { code?: unknown }).code;
    const text = typeof code === 'string' ? code : (error as Error).message;
    return Promise.reject(
      Object.assign(new Error(`bind ${text} ${options.address}:${options.port}`), { code, cause: error }),
    );
  }
}

function errnoError(errno: number, address: string, port: number): Error {
  const error = new Error(`send to ${address}:${port} failed (errno ${errno})`) as Error & { errno: number };
  error.errno = errno;
  return error;
}

function bindNative(addon: UdpBatchAddon, o: UdpSocketOptions): BoundUdpSocket {
  const onBatch = (data: Buffer, addresses: string[], meta: Int32Array, count: number): void => {
    for (let i = 0; i < count; i++) {
      const at = meta[DATAGRAM_META * i]!;
      const datagram = data.subarray(at, at + meta[DATAGRAM_META * i + 1]!);
      o.onMessage(datagram, addresses[i]!, meta[DATAGRAM_META * i + 2]!);
    }
  };
  const family = isIPv6(o.address) ? 6 : 4;
  const handle =
    o.readLimits === undefined
      ? addon.open(family, o.address, o.port, o.ipv6Only, onBatch)
      : addon.open(
          family,
          o.address,
          o.port,
          o.ipv6Only,
          onBatch,
          o.readLimits.batch,
          o.readLimits.batchesPerTurn,
        );
  return {
    send(datagram, port, address) {
      const errno = addon.send(handle, datagram, 0, datagram.length, port, address);
      if (errno !== 0) o.onError(errnoError(errno, address, port), address, port);
    },
    setRecvBufferSize: (bytes) => addon.setRecvBufferSize(handle, bytes),
    recvBufferSize: () => addon.recvBufferSize(handle),
    localAddress: () => addon.localAddress(handle),
    close() {
      addon.close(handle);
      return Promise.resolve();
    },
  };
}

function bindDgram(o: UdpSocketOptions): Promise<BoundUdpSocket> {
  const socket: Socket = createSocket({ type: isIPv6(o.address) ? 'udp6' : 'udp4', ipv6Only: o.ipv6Only });
  return new Promise((resolve, reject) => {
    const onBindError = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', onBindError);
    socket.on('message', (datagram, remote) => o.onMessage(datagram, remote.address, remote.port));
    socket.bind({ address: o.address, port: o.port, exclusive: true }, () => {
      socket.off('error', onBindError);
      socket.on('error', (error) => o.onError(error));
      let closed: Promise<void> | undefined;
      resolve({
        send(datagram, port, address) {
          socket.send(datagram, port, address, (error) => {
            if (error) o.onError(error, address, port);
          });
        },
        setRecvBufferSize: (bytes) => socket.setRecvBufferSize(bytes),
        recvBufferSize: () => socket.getRecvBufferSize(),
        localAddress: () => socket.address(),
        close: () => (closed ??= new Promise<void>((done) => socket.close(() => done()))),
      });
    });
  });
}
