import { DiameterNode, type ConfiguredPeer } from '../../src/diameter/node/node.js';
import { loadDefaultDictionaries } from '../../src/diameter/dict/index.js';
import { TcpTransport } from '../../src/diameter/transport/tcp.js';
import { ApplicationId } from '../../src/diameter/dict/constants.gen.js';
import type { PeerLogger } from '../../src/diameter/peer/connection.js';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const quietLogger: PeerLogger = { warn() {}, info() {}, debug() {} };

export interface NodeFixture {
  node: DiameterNode;
  port: number;
  stop(): Promise<void>;
}

/** A DiameterNode listening on a free loopback TCP port, as eapd runs it. */
export async function startNode(
  options: {
    originHost?: string;
    originRealm?: string;
    peers?: ConfiguredPeer[];
    unknownPeers?: 'loopback-only' | 'accept' | 'reject';
    twMs?: number;
    tcMs?: number;
    ceaTimeoutMs?: number;
  } = {},
): Promise<NodeFixture> {
  const tcp = new TcpTransport();
  const node = new DiameterNode({
    local: {
      originHost: options.originHost ?? 'aaa.home.example',
      originRealm: options.originRealm ?? 'home.example',
      originStateId: 7,
      vendorId: 0,
      productName: 'eapd',
      firmwareRevision: 1,
      authApplicationIds: [ApplicationId.DiameterEAP],
      acctApplicationIds: [],
    },
    dictionary: loadDefaultDictionaries(join(repoRoot(), 'dictionaries')),
    peers: options.peers ?? [],
    unknownPeers: options.unknownPeers ?? 'loopback-only',
    logger: quietLogger,
    twMs: options.twMs ?? 30_000,
    tcMs: options.tcMs ?? 1_000,
    ...(options.ceaTimeoutMs !== undefined ? { ceaTimeoutMs: options.ceaTimeoutMs } : {}),
    maxMessageBytes: 65536,
    duplicateTtlMs: 240_000,
    duplicateMaxEntries: 1000,
    connectors: new Map([['tcp', tcp]]),
  });
  const listener = await node.listen(tcp, '127.0.0.1', 0);
  node.start();
  return { node, port: listener.address.port, stop: () => node.stop(1000) };
}
