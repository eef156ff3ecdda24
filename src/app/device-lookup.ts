import { isUtf8 } from 'node:buffer';
import { timingSafeEqual } from 'node:crypto';
import { derivePskKeys, type PeerLookup, type PeerLookupResult, type PskKeys } from '../eap/index.js';
import type { DeviceStore } from '../store/device-store.js';
import { LruCache } from '../store/lru-cache.js';
import { AccessDecision, checkStationAccess, type Station } from '../store/station-policy.js';

/**
 * Where a conversation comes from, as both fronts know it: Diameter Called-/Calling-Station-Id
 * AVPs (RFC 7155 §4.2.4, §4.2.5) or the RADIUS attributes 30/31 (RFC 3580 §3.20, §3.21).
 */
export type NasStation = Station;

/** The policy rule that refused a known device: the `detail` of a `policy_rejected` failure. */
export const PolicyRule = {
  DeviceDisabled: 'device_disabled',
  ApNotAllowed: 'ap_not_allowed',
  MacNotAllowed: 'mac_not_allowed',
} as const;
export type PolicyRule = (typeof PolicyRule)[keyof typeof PolicyRule];

const RULE_OF: Readonly<Record<Exclude<AccessDecision, 'allowed'>, PolicyRule>> = {
  [AccessDecision.Disabled]: PolicyRule.DeviceDisabled,
  [AccessDecision.ApNotAllowed]: PolicyRule.ApNotAllowed,
  [AccessDecision.MacNotAllowed]: PolicyRule.MacNotAllowed,
};

export interface DeviceLookupOptions {
  readonly store: Pick<DeviceStore, 'getCredentials'>;
  /** Bound of the derived-key cache (entries = devices); 0 derives on every lookup. */
  readonly keyCacheSize: number;
}

/** Builds the EAP-PSK peer lookup (RFC 4764 §5.2: keys by ID_P) for one conversation's NAS context. */
export type DeviceLookupFactory = (nas: NasStation) => PeerLookup;

interface CachedKeys {
  /** A private copy of the PSK the keys were derived from: the cache is valid only while it matches. */
  readonly psk: Buffer;
  readonly keys: PskKeys;
}

/**
 * The device lookup shared by the Diameter and RADIUS fronts:
 * 1. ID_P (UTF-8) → `store.getCredentials` (unknown → `unknown`; a store error propagates, which the
 *    EAP-PSK server turns into `lookup_error`);
 * 2. `checkStationAccess` (enabled, allowed APs, allowed MACs) → `rejected` naming the rule;
 * 3. AK/KDK (RFC 4764 §3.1) derived once per PSK and kept in a bounded LRU keyed by identity. The
 *    cached entry is reused only while the stored PSK is byte-identical, so a re-provisioned
 *    device never authenticates with stale keys; the same PskKeys object is returned for the same
 *    PSK, and it carries its cipher objects (see keyContext in src/eap).
 */
export function createDeviceLookup(options: DeviceLookupOptions): DeviceLookupFactory {
  const store = options.store;
  const cache = new LruCache<string, CachedKeys>(options.keyCacheSize);

  const keysFor = (identity: string, psk: Buffer): PskKeys => {
    const cached = cache.get(identity);
    if (cached !== undefined && cached.psk.length === psk.length && timingSafeEqual(cached.psk, psk))
      return cached.keys;
    const keys = derivePskKeys(psk);
    cache.set(identity, { psk: Buffer.from(psk), keys });
    return keys;
  };

  return (nas: NasStation): PeerLookup => {
    // Copies: the NAS context must not change under a conversation that outlives the request.
    const station: NasStation = {
      ...(nas.calledStationId === undefined ? {} : { calledStationId: nas.calledStationId }),
      ...(nas.callingStationId === undefined ? {} : { callingStationId: nas.callingStationId }),
    };
    return async (peerId: Buffer): Promise<PeerLookupResult> => {
      // RFC 4764 §5.2: ID_P is an NAI; store identities are text, so non-UTF-8 cannot match.
      if (!isUtf8(peerId)) return { kind: 'unknown' };
      const identity = peerId.toString('utf8');
      const creds = await store.getCredentials(identity);
      if (creds === undefined) return { kind: 'unknown' };
      const decision = checkStationAccess(creds, station);
      if (decision !== AccessDecision.Allowed) return { kind: 'rejected', reason: RULE_OF[decision] };
      return { kind: 'found', keys: keysFor(identity, creds.psk) };
    };
  };
}
