import type {
  GroupMove,
  NewRedirectRule,
  RedirectRule,
  RoutingAuditEntry,
  RoutingSnapshot,
  ServedRealm,
} from './routing-model.js';

/** Routing entries that the config file declares (replaced as a whole on SIGHUP). */
export interface ConfigRouting {
  readonly realms: readonly string[];
  readonly rules: readonly NewRedirectRule[];
}

export interface AddRuleOptions {
  /** Replace an existing operator rule of that name instead of refusing EAPD_RULE_EXISTS. */
  readonly replace?: boolean;
}

/**
 * The routing model: realms served here and redirect rules (RFC 6733 §6.1.8). Every write is
 * validated (RoutingError naming the field), persisted, and recorded with `actor` (`cli`,
 * `config`, `admin:<token id>`) in the audit trail, in the same transaction. Async so that a
 * networked backend can implement it too.
 */
export interface RoutingStore {
  /** Ordered by realm. */
  listRealms(): Promise<ServedRealm[]>;
  /** Refuses EAPD_ROUTING_INVALID, EAPD_REALM_EXISTS. */
  addRealm(realm: string, actor: string): Promise<ServedRealm>;
  /** Refuses EAPD_REALM_NOT_FOUND. */
  removeRealm(realm: string, actor: string): Promise<void>;
  /** Ordered by name. */
  listRules(): Promise<RedirectRule[]>;
  getRule(name: string): Promise<RedirectRule | undefined>;
  /** Refuses EAPD_ROUTING_INVALID, EAPD_RULE_EXISTS (unless replace), EAPD_ROUTING_SOURCE_CONFLICT (a config rule). */
  addRule(rule: NewRedirectRule, actor: string, options?: AddRuleOptions): Promise<RedirectRule>;
  /** Refuses EAPD_RULE_NOT_FOUND, EAPD_ROUTING_SOURCE_CONFLICT (a config rule: edit the config file). */
  removeRule(name: string, actor: string): Promise<void>;
  /** Creates or replaces the rule `group:<group>` matching that device group. */
  moveGroup(move: GroupMove, actor: string): Promise<{ rule: RedirectRule; created: boolean }>;
  /**
   * Replaces every config-sourced rule and realm with `config` in one transaction (SIGHUP);
   * refuses EAPD_ROUTING_SOURCE_CONFLICT when a config rule has an operator rule's name, and
   * writes nothing on any refusal.
   */
  replaceConfigRouting(config: ConfigRouting, actor: string): Promise<{ rules: number; realms: number }>;
  /** The whole model, read in one transaction. */
  snapshot(): Promise<RoutingSnapshot>;
  /**
   * Changes whenever any process committed a routing (or device) change: cheap enough to call on
   * every first DER (SQLite: PRAGMA data_version plus this connection's own write count).
   */
  changeToken(): Promise<string>;
  /** Newest first. */
  auditLog(limit?: number): Promise<RoutingAuditEntry[]>;
  close(): Promise<void>;
}
