import type { PskKeys } from './keys.js';

/**
 * How the EAP-PSK server finds a peer's keys: called once per conversation with ID_P from PSK-2
 * (RFC 4764 §5.2; it may differ from the EAP Identity). The store and policy live behind it.
 */
export type PeerLookup = (peerId: Buffer) => Promise<PeerLookupResult>;

export type PeerLookupResult =
  | { kind: 'found'; keys: PskKeys }
  | { kind: 'unknown' }
  /** Policy refuses a known peer (disabled device, NAS or access point not allowed, ...). */
  | { kind: 'rejected'; reason: string };
