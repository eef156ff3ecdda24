/**
 * Capabilities exchange (RFC 6733 §5.3) and peer admission, as pure functions over plain values
 * decoded from a CER or CEA by the caller. The caller turns a verdict into the CEA's
 * Result-Code and closes the connection on refusal.
 */
import { cidrContains, isLoopbackAddress, parseCidr, type Cidr } from '../../util/cidr.js';
import { err, ok, type Result } from '../../util/result.js';
import { ApplicationId, ResultCode } from '../dict/constants.gen.js';
import type { TransportKind } from '../transport/transport.js';

/**
 * RFC 6733 §2.4: the Relay Application Id (0xffffffff). "Relay and redirect agents MUST advertise
 * the Relay Application Identifier", and a peer advertising it has every application in common
 * with us.
 */
const RELAY = ApplicationId.Relay;

/** One Vendor-Specific-Application-Id grouped AVP (RFC 6733 §6.11). */
export interface VendorSpecificApplicationId {
  readonly vendorId?: number;
  readonly authApplicationId?: number;
  readonly acctApplicationId?: number;
}

/** What one side advertises in its CER/CEA (all Auth-/Acct-/Vendor-Specific-Application-Id). */
export interface AdvertisedApplications {
  readonly authApplicationIds: readonly number[];
  readonly acctApplicationIds: readonly number[];
  readonly vendorSpecificApplicationIds?: readonly VendorSpecificApplicationId[];
}

export interface CommonApplications {
  /** Either side advertised Relay: every application is in common. */
  readonly relay: boolean;
  /** Auth applications in common (when `relay`: those of the side that is not a relay). */
  readonly auth: readonly number[];
  /** Accounting applications in common (same rule). */
  readonly acct: readonly number[];
}

export type CapabilitiesVerdict =
  | { readonly kind: 'common'; readonly common: CommonApplications }
  | {
      readonly kind: 'no-common-application';
      readonly resultCode: typeof ResultCode.DIAMETER_NO_COMMON_APPLICATION;
    };

interface Flattened {
  readonly relay: boolean;
  readonly auth: readonly number[];
  readonly acct: readonly number[];
}

/** Auth and Acct ids, the Vendor-Specific ones included, without repeats. */
function flatten(apps: AdvertisedApplications): Flattened {
  const auth = new Set(apps.authApplicationIds);
  const acct = new Set(apps.acctApplicationIds);
  for (const vsai of apps.vendorSpecificApplicationIds ?? []) {
    if (vsai.authApplicationId !== undefined) auth.add(vsai.authApplicationId);
    if (vsai.acctApplicationId !== undefined) acct.add(vsai.acctApplicationId);
  }
  const authRelay = auth.delete(RELAY);
  const acctRelay = acct.delete(RELAY);
  return { relay: authRelay || acctRelay, auth: [...auth], acct: [...acct] };
}

/**
 * The applications both sides support (RFC 6733 §5.3): the intersection of ours with every
 * advertised Auth-Application-Id, Acct-Application-Id and Vendor-Specific-Application-Id
 * content; everything when either side advertises Relay.
 */
export function commonApplications(
  local: AdvertisedApplications,
  peer: AdvertisedApplications,
): CommonApplications {
  const l = flatten(local);
  const p = flatten(peer);
  if (p.relay && l.relay) return { relay: true, auth: [], acct: [] };
  if (p.relay) return { relay: true, auth: l.auth, acct: l.acct };
  if (l.relay) return { relay: true, auth: p.auth, acct: p.acct };
  const peerAuth = new Set(p.auth);
  const peerAcct = new Set(p.acct);
  return {
    relay: false,
    auth: l.auth.filter((id) => peerAuth.has(id)),
    acct: l.acct.filter((id) => peerAcct.has(id)),
  };
}

/**
 * RFC 6733 §5.3: "If the local Diameter node [...] does not have any applications in
 * common with the sender, it MUST return a CEA with Result-Code set to
 * DIAMETER_NO_COMMON_APPLICATION, and it SHOULD disconnect the transport layer connection."
 */
export function negotiateCapabilities(
  local: AdvertisedApplications,
  peer: AdvertisedApplications,
): CapabilitiesVerdict {
  const common = commonApplications(local, peer);
  if (common.relay || common.auth.length > 0 || common.acct.length > 0) return { kind: 'common', common };
  return { kind: 'no-common-application', resultCode: ResultCode.DIAMETER_NO_COMMON_APPLICATION };
}

/** May messages of `applicationId` be exchanged with the peer? */
export function isCommonApplication(common: CommonApplications, applicationId: number): boolean {
  return common.relay || common.auth.includes(applicationId) || common.acct.includes(applicationId);
}

// ---------------------------------------------------------------------------------------------
// Peer admission

/** What to do with a CER whose Origin-Host is not a configured peer. */
export const UnknownPeerPolicy = {
  /** Admit only from 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104 (default: safe on a fresh install). */
  LoopbackOnly: 'loopback-only',
  Accept: 'accept',
  /** Answer 3010 DIAMETER_UNKNOWN_PEER and close. */
  Reject: 'reject',
} as const;
export type UnknownPeerPolicy = (typeof UnknownPeerPolicy)[keyof typeof UnknownPeerPolicy];

/** A configured peer (the shape of the `diameter.peers` config entries). */
export interface AdmissionPeer {
  readonly originHost: string;
  /** When set, the CER's Origin-Realm must equal it (case-insensitively). */
  readonly realm?: string;
  /** Source addresses or CIDRs the peer may connect from; absent or empty: any. */
  readonly addresses?: readonly string[];
  /** Transports the peer may use; absent or empty: any. */
  readonly transports?: readonly TransportKind[];
}

export interface AdmissionConfig {
  readonly peers: readonly AdmissionPeer[];
  readonly unknownPeers: UnknownPeerPolicy;
}

/** What is known of a connecting peer once its CER has arrived. */
export interface AdmissionRequest {
  readonly originHost: string;
  readonly originRealm: string;
  readonly sourceAddress: string;
  readonly transport: TransportKind;
}

/** Stable reason strings: log fields and metric labels. */
export const AdmissionReason = {
  ConfiguredPeer: 'configured-peer',
  UnknownPeerAccepted: 'unknown-peer-accepted',
  UnknownPeerLoopback: 'unknown-peer-loopback',
  UnknownPeerRejected: 'unknown-peer-rejected',
  UnknownPeerNotLoopback: 'unknown-peer-not-loopback',
  RealmMismatch: 'realm-mismatch',
  SourceNotAllowed: 'source-not-allowed',
  TransportNotAllowed: 'transport-not-allowed',
} as const;
export type AdmissionReason = (typeof AdmissionReason)[keyof typeof AdmissionReason];

export type AdmissionDecision =
  | {
      readonly kind: 'admit';
      readonly reason: AdmissionReason;
      readonly detail: string;
      /** The configured entry, when the peer is a configured one. */
      readonly peer?: AdmissionPeer;
    }
  | {
      readonly kind: 'refuse';
      readonly resultCode: typeof ResultCode.DIAMETER_UNKNOWN_PEER;
      readonly reason: AdmissionReason;
      readonly detail: string;
    };

interface CompiledPeer {
  readonly entry: AdmissionPeer;
  readonly blocks: readonly Cidr[];
}

/**
 * Decides whether a connecting peer may complete the capabilities exchange. Every refusal is
 * 3010 DIAMETER_UNKNOWN_PEER (RFC 6733 §7.1.3, "A CER was received from an unknown peer"); a configured Origin-Host connecting from a source or over a
 * transport its entry does not allow is treated as unknown: it is not who it claims to be.
 * Origin-Host and realm compare without regard to ASCII case (DiameterIdentity is an FQDN).
 */
export class AdmissionPolicy {
  readonly #peers: ReadonlyMap<string, CompiledPeer>;
  readonly #unknownPeers: UnknownPeerPolicy;

  private constructor(peers: ReadonlyMap<string, CompiledPeer>, unknownPeers: UnknownPeerPolicy) {
    this.#peers = peers;
    this.#unknownPeers = unknownPeers;
  }

  /** Parses the address lists once; an unparseable entry or a repeated Origin-Host is an error. */
  static compile(config: AdmissionConfig): Result<AdmissionPolicy, string> {
    const peers = new Map<string, CompiledPeer>();
    for (const entry of config.peers) {
      const key = entry.originHost.toLowerCase();
      if (peers.has(key)) return err(`peer ${entry.originHost} is configured twice`);
      const blocks: Cidr[] = [];
      for (const text of entry.addresses ?? []) {
        const block = parseCidr(text);
        if (!block.ok) return err(`peer ${entry.originHost}: ${block.error}`);
        blocks.push(block.value);
      }
      peers.set(key, { entry, blocks });
    }
    return ok(new AdmissionPolicy(peers, config.unknownPeers));
  }

  decide(request: AdmissionRequest): AdmissionDecision {
    const who = `${request.originHost} from ${request.sourceAddress} over ${request.transport}`;
    const known = this.#peers.get(request.originHost.toLowerCase());
    if (known === undefined) return this.#decideUnknown(request, who);
    const { entry, blocks } = known;
    if (entry.realm !== undefined && entry.realm.toLowerCase() !== request.originRealm.toLowerCase()) {
      return refuse(
        AdmissionReason.RealmMismatch,
        `${who}: Origin-Realm ${request.originRealm} is not ${entry.realm}`,
      );
    }
    if (blocks.length > 0 && !blocks.some((b) => cidrContains(b, request.sourceAddress))) {
      return refuse(
        AdmissionReason.SourceNotAllowed,
        `${who}: source address not in ${blocks.map((b) => b.text).join(', ')}`,
      );
    }
    const transports = entry.transports ?? [];
    if (transports.length > 0 && !transports.includes(request.transport)) {
      return refuse(AdmissionReason.TransportNotAllowed, `${who}: transport not in ${transports.join(', ')}`);
    }
    return {
      kind: 'admit',
      reason: AdmissionReason.ConfiguredPeer,
      detail: `${who}: configured peer`,
      peer: entry,
    };
  }

  #decideUnknown(request: AdmissionRequest, who: string): AdmissionDecision {
    switch (this.#unknownPeers) {
      case UnknownPeerPolicy.Accept:
        return {
          kind: 'admit',
          reason: AdmissionReason.UnknownPeerAccepted,
          detail: `${who}: unknown peer accepted`,
        };
      case UnknownPeerPolicy.Reject:
        return refuse(AdmissionReason.UnknownPeerRejected, `${who}: unknown peer`);
      case UnknownPeerPolicy.LoopbackOnly:
        return isLoopbackAddress(request.sourceAddress)
          ? {
              kind: 'admit',
              reason: AdmissionReason.UnknownPeerLoopback,
              detail: `${who}: unknown peer on loopback`,
            }
          : refuse(AdmissionReason.UnknownPeerNotLoopback, `${who}: unknown peer, not on loopback`);
    }
  }
}

function refuse(reason: AdmissionReason, detail: string): AdmissionDecision {
  return { kind: 'refuse', resultCode: ResultCode.DIAMETER_UNKNOWN_PEER, reason, detail };
}
