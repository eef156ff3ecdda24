import type { ConfiguredPeer } from '../../diameter/node/node.js';
import { DIAMETER_PORT, parseDiameterUri } from '../../diameter/node/diameter-uri.js';
import type { PeerConfig } from '../config/schema.js';

/**
 * Config peers → node peers. A `connect` URI without `;transport=` means TCP here: RFC 6733
 * §4.3.1 makes SCTP the default for URIs on the wire, but in eapd's own configuration the
 * transport to dial must be explicit or TCP (docs/configuration.md says so).
 */
export function configuredPeers(peers: readonly PeerConfig[]): ConfiguredPeer[] {
  return peers.map((p, i) => {
    let connect: ConfiguredPeer['connect'];
    if (p.connect !== undefined) {
      const uri = parseDiameterUri(p.connect);
      if (!uri.ok) throw new Error(`diameter.peers[${i}].connect: ${uri.error.message}`);
      const transport = uri.value.scheme === 'aaas' ? 'tls' : (uri.value.transport ?? 'tcp');
      connect = { host: uri.value.host, port: uri.value.port ?? DIAMETER_PORT, transport };
    }
    return {
      originHost: p.originHost,
      ...(p.realm !== undefined ? { realm: p.realm } : {}),
      ...(p.addresses !== undefined ? { addresses: p.addresses } : {}),
      ...(p.transports !== undefined ? { transports: p.transports } : {}),
      ...(connect !== undefined ? { connect } : {}),
    };
  });
}
