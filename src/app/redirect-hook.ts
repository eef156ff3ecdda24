/**
 * The contract between the Diameter EAP application and the redirect rules (RFC 6733 §6.1.8,
 * §6.12–§6.14). The hook is asked on every FIRST DER of a conversation, before the realm check;
 * a conversation under way is never redirected (RFC 4072 §2.2: moving it would restart EAP).
 */

/** What a first DER says, for matching rules. Copies, never views into the frame. */
export interface FirstDerFacts {
  /** The DER's Origin-Host (the NAS or the RADIUS gateway). */
  readonly originHost: string;
  readonly destinationRealm: string;
  readonly userName?: string;
  /** The identity of the EAP-Response/Identity in EAP-Payload (RFC 3748 §5.1), when it is one. */
  readonly eapIdentity?: string;
  readonly callingStationId?: string;
  readonly calledStationId?: string;
}

export interface RedirectDecision {
  /** The rule's name, for the `eapd:auth:redirect` event and metrics. */
  readonly rule: string;
  /** DiameterURIs (RFC 6733 §4.3.1), one Redirect-Host AVP each; at least one. */
  readonly targets: readonly string[];
  /** A RedirectHostUsage value (RFC 6733 §6.13). */
  readonly usage: number;
  /** RFC 6733 §6.14 Redirect-Max-Cache-Time; sent whenever usage ≠ DONT_CACHE. */
  readonly maxCacheTimeSeconds: number;
}

/**
 * undefined: no rule matched, serve (or refuse) the DER here. `idle()`, when the hook has it, says
 * synchronously that no rule can match right now (none loaded, and the last check for changes is
 * still fresh): the application then skips gathering the facts and the asynchronous call.
 */
export type RedirectHook = ((
  facts: FirstDerFacts,
) => RedirectDecision | undefined | Promise<RedirectDecision | undefined>) & {
  readonly idle?: () => boolean;
};
