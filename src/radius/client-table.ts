// RADIUS clients (RFC 2865 §3: the shared secret is per client, chosen by source address).
import { cidrContains, parseCidr, type Cidr } from '../util/cidr.js';
import { parseIpAddress } from '../util/ip-address.js';

/** A configured client: `address` is one IP address or a CIDR prefix, v4 or v6. */
export interface RadiusClientConfig {
  readonly name: string;
  readonly address: string;
  readonly secret: string;
}

/**
 * A client as the server uses it. The secret is a private field: inspecting, logging or
 * serialising a RadiusClient shows only its name.
 */
export class RadiusClient {
  readonly name: string;
  readonly #secret: Buffer;

  constructor(name: string, secret: Buffer) {
    this.name = name;
    this.#secret = secret;
  }
  /** The shared secret as octets (UTF-8 of the configured string). Never log it. */
  get secret(): Buffer {
    return this.#secret;
  }
}

interface Entry {
  readonly client: RadiusClient;
  readonly block: Cidr;
}

/** Source addresses whose lookup result is remembered (a NAS sends from a handful of addresses). */
const MAX_REMEMBERED_SOURCES = 1024;

/**
 * Chooses the client for a source address; the longest matching prefix wins. IPv4-mapped IPv6
 * sources (a dual-stack socket) match IPv4 entries. One name may cover several addresses (say
 * 127.0.0.1 and ::1) when its secret is the same everywhere. Construction throws on a bad
 * entry: config errors stop the server at start, not at the first packet.
 */
export class ClientTable {
  readonly #entries: Entry[];
  /** Source address text → client (or none): parsing and prefix matching once per address. */
  readonly #bySource = new Map<string, RadiusClient | undefined>();

  constructor(configs: readonly RadiusClientConfig[]) {
    const secrets = new Map<string, string>();
    this.#entries = configs.map((c) => {
      if (c.name === '') throw new Error('RADIUS client with an empty name');
      if (c.secret === '') throw new Error(`RADIUS client "${c.name}": empty secret`);
      const known = secrets.get(c.name);
      if (known !== undefined && known !== c.secret) {
        throw new Error(`RADIUS client "${c.name}" is configured twice with different secrets`);
      }
      secrets.set(c.name, c.secret);
      const block = parseCidr(c.address);
      if (!block.ok) throw new Error(`RADIUS client "${c.name}": ${block.error}`);
      return { client: new RadiusClient(c.name, Buffer.from(c.secret, 'utf8')), block: block.value };
    });
    this.#entries.sort((a, b) => b.block.prefixBits - a.block.prefixBits);
  }

  /** The client for this UDP source address, or undefined (the request is dropped). */
  lookup(sourceAddress: string): RadiusClient | undefined {
    const known = this.#bySource.get(sourceAddress);
    if (known !== undefined || this.#bySource.has(sourceAddress)) return known;
    const address = parseIpAddress(sourceAddress);
    const client =
      address === undefined ? undefined : this.#entries.find((e) => cidrContains(e.block, address))?.client;
    // Bounded: forget everything when full (spoofed sources cannot grow it without limit).
    if (this.#bySource.size >= MAX_REMEMBERED_SOURCES) this.#bySource.clear();
    this.#bySource.set(sourceAddress, client);
    return client;
  }
}
