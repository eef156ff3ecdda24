import { isIP } from 'node:net';
import { advertisedLocalAddresses } from '../../local-addresses.js';
import {
  TransportKind,
  type ConnectOptions,
  type ListenOptions,
  type Transport,
  type TransportConnection,
  type TransportListener,
} from '../../transport.js';
import type { SctpAssociation } from './association.js';
import { SctpEndpoint, type SctpEndpointOptions } from './endpoint.js';

const IP_V4 = 4;
const ANY_ADDRESS = '0.0.0.0';

function connectionOf(association: SctpAssociation): TransportConnection {
  return {
    kind: TransportKind.SCTP,
    stream: association.stream,
    remoteAddress: association.remoteAddress,
    remotePort: association.remotePort,
    localAddresses: advertisedLocalAddresses(association.localAddress),
  };
}

/**
 * Diameter over SCTP in userspace (werift-sctp over an IPv4 raw socket) for hosts whose kernel
 * has no SCTP. Never run it where the kernel has SCTP: the kernel would answer our packets with
 * ABORT. IPv4 only; associations are single-homed (one address per side).
 */
export class UserspaceSctpTransport implements Transport {
  readonly kind = TransportKind.SCTP;
  readonly endpoint: SctpEndpoint;

  constructor(options: SctpEndpointOptions = {}) {
    this.endpoint = SctpEndpoint.open(options);
  }

  listen(
    options: ListenOptions,
    onConnection: (connection: TransportConnection) => void,
  ): Promise<TransportListener> {
    if (isIP(options.host) !== IP_V4) {
      return Promise.reject(
        Object.assign(new Error(`userspace SCTP listens on IPv4 only, not ${options.host}`), {
          code: 'EAFNOSUPPORT',
        }),
      );
    }
    try {
      this.endpoint.listen(options.host, options.port, (association) =>
        onConnection(connectionOf(association)),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return Promise.resolve({
      kind: this.kind,
      address: { host: options.host === '' ? ANY_ADDRESS : options.host, port: options.port },
      close: () => {
        this.endpoint.unlisten(options.port);
        return Promise.resolve();
      },
    });
  }

  async connect(options: ConnectOptions): Promise<TransportConnection> {
    if (isIP(options.host) !== IP_V4) {
      throw Object.assign(new Error(`userspace SCTP connects to IPv4 addresses only, not ${options.host}`), {
        code: 'EAFNOSUPPORT',
      });
    }
    return connectionOf(await this.endpoint.connect(options.host, options.port));
  }

  /** Aborts every association and releases the raw socket. */
  close(): void {
    this.endpoint.close();
  }
}
