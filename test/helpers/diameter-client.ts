import { connect, type Socket } from 'node:net';
import {
  Framer,
  MessageView,
  encodeMessage,
  u32,
  utf8,
  address,
  CommandFlag,
  type AvpSpec,
} from '../../src/diameter/codec/index.js';
import { AvpCode, ApplicationId, CommandCode } from '../../src/diameter/dict/constants.gen.js';

/**
 * A bare Diameter client over real TCP for integration tests: it writes exactly the bytes a test
 * gives it and collects whatever comes back, so tests can send malformed input on purpose.
 */
export class RawDiameterClient {
  readonly socket: Socket;
  readonly #received: MessageView[] = [];
  readonly #waiters: (() => void)[] = [];
  #closed = false;
  readonly #framer = new Framer((f) => {
    this.#received.push(new MessageView(Buffer.from(f)));
    for (const w of this.#waiters.splice(0)) w();
  });

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.#framer.push(d));
    socket.on('close', () => {
      this.#closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawDiameterClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new RawDiameterClient(s)));
      s.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** The next message received (in order), or throws after `timeoutMs`. */
  async next(timeoutMs = 3000): Promise<MessageView> {
    const deadline = Date.now() + timeoutMs;
    while (this.#received.length === 0) {
      if (this.#closed) throw new Error('connection closed before a message arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.#received.shift()!;
  }

  /** Resolves when the server closed the connection, or throws after `timeoutMs`. */
  async waitClosed(timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connection still open after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

let ids = 0x1000;
export function nextIds(): { hopByHop: number; endToEnd: number } {
  ids++;
  return { hopByHop: ids, endToEnd: 0x5000000 + ids };
}

/** A CER as freeDiameterd sends it: Relay only, unless `applications` says otherwise. */
export function cerFrame(
  originHost: string,
  originRealm: string,
  applications: number[] = [ApplicationId.Relay],
  extra: AvpSpec[] = [],
): Buffer {
  return encodeMessage({
    commandCode: CommandCode.CapabilitiesExchange,
    applicationId: 0,
    flags: CommandFlag.R,
    ...nextIds(),
    avps: [
      utf8(AvpCode.OriginHost, originHost),
      utf8(AvpCode.OriginRealm, originRealm),
      address(AvpCode.HostIPAddress, '192.0.2.10'),
      u32(AvpCode.VendorId, 0),
      utf8(AvpCode.ProductName, 'test-client', { flags: 0 }),
      u32(AvpCode.OriginStateId, 1),
      ...applications.map((a) => u32(AvpCode.AuthApplicationId, a)),
      ...extra,
    ],
  });
}

export function baseRequest(
  commandCode: number,
  originHost: string,
  originRealm: string,
  extra: AvpSpec[] = [],
): Buffer {
  return encodeMessage({
    commandCode,
    applicationId: 0,
    flags: CommandFlag.R,
    ...nextIds(),
    avps: [utf8(AvpCode.OriginHost, originHost), utf8(AvpCode.OriginRealm, originRealm), ...extra],
  });
}

export function resultCodeOf(m: MessageView): number | undefined {
  return m.find(AvpCode.ResultCode)?.asUnsigned32();
}
