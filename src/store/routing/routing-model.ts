import { RedirectHostUsage } from '../../diameter/dict/constants.gen.js';

/** RFC 6733 §6.13: Redirect-Host-Usage values by name. */
export type RedirectUsageName = keyof typeof RedirectHostUsage;
export type RedirectUsageValue = (typeof RedirectHostUsage)[RedirectUsageName];

/** Default Redirect-Max-Cache-Time (RFC 6733 §6.14) when a rule does not give one: one hour. */
export const DEFAULT_MAX_CACHE_TIME_SECONDS = 3600;
/** Redirect-Max-Cache-Time is Unsigned32 (RFC 6733 §6.14). */
export const MAX_CACHE_TIME_LIMIT_SECONDS = 0xffff_ffff;
/** Default precedence: lower runs first. */
export const DEFAULT_RULE_PRIORITY = 100;
/** Priority of a `group move` rule: ahead of the default, so a moved group wins over operator realm rules. */
export const DEFAULT_GROUP_MOVE_PRIORITY = 50;

/** Which realm a rule's `realm` is compared with. */
export const RealmSource = {
  /** The NAI realm of User-Name (else of the EAP identity) or Destination-Realm: either matches. */
  ANY: 'any',
  /** RFC 7542 §2.2: the part after the last "@" of User-Name (else of the EAP identity). */
  USER_NAME: 'user-name',
  /** RFC 6733 §6.6: Destination-Realm of the request. */
  DESTINATION_REALM: 'destination-realm',
} as const;
export type RealmSource = (typeof RealmSource)[keyof typeof RealmSource];

/** Where a rule or realm came from: the operator (CLI, admin API) or the config file (SIGHUP). */
export const RoutingSource = { OPERATOR: 'operator', CONFIG: 'config' } as const;
export type RoutingSource = (typeof RoutingSource)[keyof typeof RoutingSource];

/** What a rule matches on; every criterion given must match (AND). At least one is required. */
export interface RuleMatch {
  /** Lower-case realm, compared without regard to case. */
  readonly realm?: string;
  /** Which realm `realm` is compared with; only meaningful with `realm`. Default ANY. */
  readonly realmFrom?: RealmSource;
  /** Device group from the device store, looked up by User-Name, then EAP identity. */
  readonly group?: string;
  /** Glob (`*`, `?`, `\` escapes) on User-Name or the EAP identity; case-sensitive. */
  readonly identity?: string;
  /** Glob on the RFC 3580 §3.21 form of Calling-Station-Id (`AA-BB-CC-DD-EE-FF`); case-insensitive. */
  readonly callingStation?: string;
  /** Glob on the RFC 3580 §3.20 form of Called-Station-Id (`AA-BB-CC-DD-EE-FF[:SSID]`); case-insensitive. */
  readonly calledStation?: string;
}

/** A validated redirect rule as stored. */
export interface RedirectRule {
  /** Unique; `[A-Za-z0-9._:@-]`, ≤ 64 characters. */
  readonly name: string;
  /** Lower runs first; ties are broken by specificity, then name (see docs/redirect.md). */
  readonly priority: number;
  readonly match: RuleMatch;
  /** DiameterURIs (RFC 6733 §4.3.1) in canonical form, one Redirect-Host each (§6.12). */
  readonly targets: readonly string[];
  readonly usage: RedirectUsageValue;
  /** Seconds; 0 when usage is DONT_CACHE (then no Redirect-Max-Cache-Time is sent). */
  readonly maxCacheTimeSeconds: number;
  readonly enabled: boolean;
  readonly source: RoutingSource;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Input for a rule; unset fields take the documented defaults. */
export interface NewRedirectRule {
  readonly name: string;
  readonly priority?: number;
  readonly match: RuleMatch;
  readonly targets: readonly string[];
  /** A RedirectHostUsage name or value; default ALL_USER, or REALM_AND_APPLICATION for a realm-only rule. */
  readonly usage?: string | number;
  /** Required > 0 unless usage is DONT_CACHE; default DEFAULT_MAX_CACHE_TIME_SECONDS. */
  readonly maxCacheTimeSeconds?: number;
  readonly enabled?: boolean;
}

/** A realm answered here (not 3003 DIAMETER_REALM_NOT_SERVED, RFC 6733 §7.1.3). */
export interface ServedRealm {
  /** Lower case. */
  readonly realm: string;
  readonly source: RoutingSource;
  readonly createdAt: string;
}

/** One change to the routing model: who, when, what. */
export interface RoutingAuditEntry {
  readonly at: string;
  /** `cli`, `config`, or `admin:<token id>`. */
  readonly actor: string;
  readonly action: string;
  /** Rule name or realm. */
  readonly subject: string;
  /** JSON of the new state (never a key: the routing model holds none). */
  readonly detail: string;
}

/** The whole routing model at one point, for the rule engine's cache. */
export interface RoutingSnapshot {
  readonly realms: readonly ServedRealm[];
  /** Every rule, enabled or not, ordered by name. */
  readonly rules: readonly RedirectRule[];
}

/** Options of a group move: the rule `group:<group>` is created or replaced. */
export interface GroupMove {
  readonly group: string;
  readonly targets: readonly string[];
  /** A RedirectHostUsage name or value; default ALL_USER. */
  readonly usage?: string | number;
  readonly maxCacheTimeSeconds?: number;
  readonly priority?: number;
}

/** The name of the rule that `group move` writes. */
export function groupRuleName(group: string): string {
  return `group:${group}`;
}

export const USAGE_NAMES: readonly RedirectUsageName[] = Object.keys(
  RedirectHostUsage,
) as RedirectUsageName[];

export function usageName(value: number): RedirectUsageName | undefined {
  return USAGE_NAMES.find((n) => RedirectHostUsage[n] === value);
}
