import type { Database, Statement } from 'better-sqlite3';
import { openDatabase } from '../sqlite/open-database.js';
import type { StoreLogger } from '../store-logger.js';
import { normalizeRealm } from './realm.js';
import { RoutingError, RoutingErrorCode } from './routing-error.js';
import {
  DEFAULT_GROUP_MOVE_PRIORITY,
  groupRuleName,
  RoutingSource,
  type GroupMove,
  type NewRedirectRule,
  type RealmSource,
  type RedirectRule,
  type RedirectUsageValue,
  type RoutingAuditEntry,
  type RoutingSnapshot,
  type RuleMatch,
  type ServedRealm,
} from './routing-model.js';
import type { AddRuleOptions, ConfigRouting, RoutingStore } from './routing-store.js';
import { validateRule, type ValidRule } from './rule-input.js';

export interface SqliteRoutingStoreOptions {
  readonly path: string;
  readonly logger?: StoreLogger;
  readonly busyTimeoutMs?: number;
  readonly now?: () => Date;
}

export const DEFAULT_AUDIT_LIMIT = 100;
const SQLITE_TRUE = 1;
const SQLITE_FALSE = 0;

interface RuleRow {
  name: string;
  priority: number;
  realm: string | null;
  realm_from: string | null;
  device_group: string | null;
  identity_glob: string | null;
  calling_station_glob: string | null;
  called_station_glob: string | null;
  host_usage: number;
  max_cache_time: number;
  enabled: number;
  source: string;
  created_at: string;
  updated_at: string;
}

interface TargetRow {
  rule_name: string;
  uri: string;
}

interface RealmRow {
  realm: string;
  source: string;
  created_at: string;
}

interface AuditRow {
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

const RULE_COLUMNS =
  'name, priority, realm, realm_from, device_group, identity_glob, calling_station_glob, called_station_glob, host_usage, max_cache_time, enabled, source, created_at, updated_at';

/**
 * The routing model in the same SQLite file as the devices (its own connection; the schema is
 * migration 2 of src/store/sqlite/migrations.ts). Other processes' commits (the CLI, the admin
 * API of another instance) are seen through `PRAGMA data_version`, which changes whenever another
 * connection commits; this connection's own writes bump a local counter. Together they form
 * `changeToken()`: an in-memory read, no I/O.
 */
export class SqliteRoutingStore implements RoutingStore {
  readonly #db: Database;
  readonly #logger: StoreLogger | undefined;
  readonly #now: () => Date;
  #localWrites = 0;

  readonly #dataVersion: Statement<[], number>;
  readonly #selectRealms: Statement<[], RealmRow>;
  readonly #selectRealm: Statement<[string], RealmRow>;
  readonly #insertRealm: Statement<[string, string, string]>;
  readonly #deleteRealm: Statement<[string]>;
  readonly #selectRules: Statement<[], RuleRow>;
  readonly #selectRule: Statement<[string], RuleRow>;
  readonly #selectTargets: Statement<[], TargetRow>;
  readonly #selectRuleTargets: Statement<[string], TargetRow>;
  readonly #insertRule: Statement<unknown[]>;
  readonly #deleteRule: Statement<[string]>;
  readonly #deleteTargets: Statement<[string]>;
  readonly #insertTarget: Statement<[string, number, string]>;
  readonly #selectConfigRules: Statement<[], string>;
  readonly #deleteConfigRealms: Statement<[]>;
  readonly #insertAudit: Statement<[string, string, string, string, string]>;
  readonly #selectAudit: Statement<[number], AuditRow>;

  private constructor(db: Database, options: SqliteRoutingStoreOptions) {
    this.#db = db;
    this.#logger = options.logger;
    this.#now = options.now ?? ((): Date => new Date());
    this.#dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.#selectRealms = db.prepare('SELECT realm, source, created_at FROM served_realms ORDER BY realm');
    this.#selectRealm = db.prepare('SELECT realm, source, created_at FROM served_realms WHERE realm = ?');
    this.#insertRealm = db.prepare('INSERT INTO served_realms (realm, source, created_at) VALUES (?, ?, ?)');
    this.#deleteRealm = db.prepare('DELETE FROM served_realms WHERE realm = ?');
    this.#selectRules = db.prepare(`SELECT ${RULE_COLUMNS} FROM redirect_rules ORDER BY name`);
    this.#selectRule = db.prepare(`SELECT ${RULE_COLUMNS} FROM redirect_rules WHERE name = ?`);
    this.#selectTargets = db.prepare(
      'SELECT rule_name, uri FROM redirect_targets ORDER BY rule_name, position',
    );
    this.#selectRuleTargets = db.prepare(
      'SELECT rule_name, uri FROM redirect_targets WHERE rule_name = ? ORDER BY position',
    );
    this.#insertRule = db.prepare(
      `INSERT INTO redirect_rules (${RULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#deleteRule = db.prepare('DELETE FROM redirect_rules WHERE name = ?');
    this.#deleteTargets = db.prepare('DELETE FROM redirect_targets WHERE rule_name = ?');
    this.#insertTarget = db.prepare(
      'INSERT INTO redirect_targets (rule_name, position, uri) VALUES (?, ?, ?)',
    );
    this.#selectConfigRules = db
      .prepare<[], string>(`SELECT name FROM redirect_rules WHERE source = '${RoutingSource.CONFIG}'`)
      .pluck();
    this.#deleteConfigRealms = db.prepare(
      `DELETE FROM served_realms WHERE source = '${RoutingSource.CONFIG}'`,
    );
    this.#insertAudit = db.prepare(
      `INSERT INTO routing_audit (seq, at, actor, action, subject, detail)
       VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM routing_audit), ?, ?, ?, ?, ?)`,
    );
    this.#selectAudit = db.prepare(
      'SELECT at, actor, action, subject, detail FROM routing_audit ORDER BY seq DESC LIMIT ?',
    );
  }

  /** Opens (creating if absent) and migrates the database shared with the device store. */
  static open(options: SqliteRoutingStoreOptions): SqliteRoutingStore {
    return new SqliteRoutingStore(openDatabase(options), options);
  }

  async listRealms(): Promise<ServedRealm[]> {
    this.#assertOpen();
    return this.#selectRealms.all().map(toRealm);
  }

  async addRealm(text: string, actor: string): Promise<ServedRealm> {
    this.#assertOpen();
    const realm = normalizeRealm(text);
    const stamp = this.#stamp();
    this.#write(() => {
      if (this.#selectRealm.get(realm) !== undefined) {
        throw new RoutingError(
          RoutingErrorCode.RealmExists,
          `realm ${realm} is already served here`,
          'realm',
        );
      }
      this.#insertRealm.run(realm, RoutingSource.OPERATOR, stamp);
      this.#audit(stamp, actor, 'realm.add', realm, { realm });
    });
    return { realm, source: RoutingSource.OPERATOR, createdAt: stamp };
  }

  async removeRealm(text: string, actor: string): Promise<void> {
    this.#assertOpen();
    const realm = normalizeRealm(text);
    const stamp = this.#stamp();
    this.#write(() => {
      if (this.#deleteRealm.run(realm).changes === 0) {
        throw new RoutingError(RoutingErrorCode.RealmNotFound, `realm ${realm} is not served here`, 'realm');
      }
      this.#audit(stamp, actor, 'realm.remove', realm, { realm });
    });
  }

  async listRules(): Promise<RedirectRule[]> {
    this.#assertOpen();
    return this.#readRules();
  }

  async getRule(name: string): Promise<RedirectRule | undefined> {
    this.#assertOpen();
    const row = this.#selectRule.get(name);
    return row === undefined
      ? undefined
      : toRule(
          row,
          this.#selectRuleTargets.all(name).map((t) => t.uri),
        );
  }

  async addRule(input: NewRedirectRule, actor: string, options: AddRuleOptions = {}): Promise<RedirectRule> {
    this.#assertOpen();
    const rule = validateRule(input);
    const stamp = this.#stamp();
    this.#write(() => {
      const existing = this.#selectRule.get(rule.name);
      if (existing !== undefined && existing.source !== RoutingSource.OPERATOR) {
        throw sourceConflict(rule.name);
      }
      if (existing !== undefined && options.replace !== true) {
        throw new RoutingError(
          RoutingErrorCode.RuleExists,
          `rule ${rule.name} already exists (replace it explicitly or remove it first)`,
          'name',
        );
      }
      this.#putRule(rule, RoutingSource.OPERATOR, existing?.created_at ?? stamp, stamp);
      this.#audit(stamp, actor, existing === undefined ? 'rule.add' : 'rule.replace', rule.name, rule);
    });
    return this.#mustGetRule(rule.name);
  }

  async removeRule(name: string, actor: string): Promise<void> {
    this.#assertOpen();
    const stamp = this.#stamp();
    this.#write(() => {
      const existing = this.#selectRule.get(name);
      if (existing === undefined) {
        throw new RoutingError(RoutingErrorCode.RuleNotFound, `no rule ${JSON.stringify(name)}`, 'name');
      }
      if (existing.source !== RoutingSource.OPERATOR) throw sourceConflict(name);
      this.#deleteRule.run(name);
      this.#audit(stamp, actor, 'rule.remove', name, { name });
    });
  }

  async moveGroup(move: GroupMove, actor: string): Promise<{ rule: RedirectRule; created: boolean }> {
    this.#assertOpen();
    const name = groupRuleName(move.group);
    const previous = await this.getRule(name);
    const rule = await this.addRule(
      {
        name,
        match: { group: move.group },
        targets: move.targets,
        ...(move.usage === undefined ? {} : { usage: move.usage }),
        ...(move.maxCacheTimeSeconds === undefined ? {} : { maxCacheTimeSeconds: move.maxCacheTimeSeconds }),
        priority: move.priority ?? previous?.priority ?? DEFAULT_GROUP_MOVE_PRIORITY,
      },
      actor,
      { replace: true },
    );
    return { rule, created: previous === undefined };
  }

  async replaceConfigRouting(
    config: ConfigRouting,
    actor: string,
  ): Promise<{ rules: number; realms: number }> {
    this.#assertOpen();
    const realms = [...new Set(config.realms.map((r, i) => normalizeRealm(r, `realms[${i}]`)))];
    const rules: ValidRule[] = config.rules.map((r, i) => {
      try {
        return validateRule(r);
      } catch (e) {
        if (e instanceof RoutingError && e.field !== undefined) {
          throw new RoutingError(e.code, `rules[${i}].${e.message}`, `rules[${i}].${e.field}`);
        }
        throw e;
      }
    });
    const names = new Set<string>();
    for (const r of rules) {
      if (names.has(r.name)) {
        throw new RoutingError(
          RoutingErrorCode.RuleExists,
          `rule ${r.name} appears twice in the config`,
          'name',
        );
      }
      names.add(r.name);
    }
    const stamp = this.#stamp();
    let realmCount = 0;
    this.#write(() => {
      for (const r of rules) {
        const existing = this.#selectRule.get(r.name);
        if (existing !== undefined && existing.source !== RoutingSource.CONFIG) {
          throw new RoutingError(
            RoutingErrorCode.SourceConflict,
            `config rule ${r.name} has the name of a rule added by an operator: rename one of them`,
            'name',
          );
        }
      }
      for (const old of this.#selectConfigRules.all()) this.#deleteRule.run(old);
      this.#deleteConfigRealms.run();
      for (const r of rules) this.#putRule(r, RoutingSource.CONFIG, stamp, stamp);
      for (const realm of realms) {
        if (this.#selectRealm.get(realm) !== undefined) continue;
        this.#insertRealm.run(realm, RoutingSource.CONFIG, stamp);
        realmCount++;
      }
      this.#audit(stamp, actor, 'config.reload', 'config', { realms, rules: rules.map((r) => r.name) });
    });
    return { rules: rules.length, realms: realmCount };
  }

  async snapshot(): Promise<RoutingSnapshot> {
    this.#assertOpen();
    // One read transaction: realms and rules from the same commit.
    return this.#db.transaction(() => ({
      realms: this.#selectRealms.all().map(toRealm),
      rules: this.#readRules(),
    }))();
  }

  async changeToken(): Promise<string> {
    this.#assertOpen();
    return `${this.#dataVersion.get() ?? 0}.${this.#localWrites}`;
  }

  async auditLog(limit = DEFAULT_AUDIT_LIMIT): Promise<RoutingAuditEntry[]> {
    this.#assertOpen();
    return this.#selectAudit.all(limit).map((r) => ({ ...r }));
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #readRules(): RedirectRule[] {
    const targets = new Map<string, string[]>();
    for (const t of this.#selectTargets.all()) {
      const list = targets.get(t.rule_name);
      if (list === undefined) targets.set(t.rule_name, [t.uri]);
      else list.push(t.uri);
    }
    return this.#selectRules.all().map((row) => toRule(row, targets.get(row.name) ?? []));
  }

  #putRule(r: ValidRule, source: RoutingSource, createdAt: string, updatedAt: string): void {
    this.#deleteRule.run(r.name);
    this.#insertRule.run(
      r.name,
      r.priority,
      r.match.realm ?? null,
      r.match.realmFrom ?? null,
      r.match.group ?? null,
      r.match.identity ?? null,
      r.match.callingStation ?? null,
      r.match.calledStation ?? null,
      r.usage,
      r.maxCacheTimeSeconds,
      r.enabled ? SQLITE_TRUE : SQLITE_FALSE,
      source,
      createdAt,
      updatedAt,
    );
    this.#deleteTargets.run(r.name);
    r.targets.forEach((uri, i) => this.#insertTarget.run(r.name, i, uri));
  }

  #audit(at: string, actor: string, action: string, subject: string, what: unknown): void {
    const detail = JSON.stringify(what);
    this.#insertAudit.run(at, actor, action, subject, detail);
    this.#logger?.info('routing change', { audit: true, actor, action, subject, at, detail });
  }

  /** Runs `fn` in an IMMEDIATE transaction (one writer at a time across processes). */
  #write(fn: () => void): void {
    this.#db.transaction(fn).immediate();
    this.#localWrites++;
  }

  #mustGetRule(name: string): RedirectRule {
    const row = this.#selectRule.get(name);
    if (row === undefined)
      throw new RoutingError(RoutingErrorCode.RuleNotFound, `no rule ${JSON.stringify(name)}`, 'name');
    return toRule(
      row,
      this.#selectRuleTargets.all(name).map((t) => t.uri),
    );
  }

  #stamp(): string {
    return this.#now().toISOString();
  }

  #assertOpen(): void {
    if (!this.#db.open) throw new RoutingError(RoutingErrorCode.StoreClosed, 'the routing store is closed');
  }
}

function sourceConflict(name: string): RoutingError {
  return new RoutingError(
    RoutingErrorCode.SourceConflict,
    `rule ${name} comes from the config file: change it there and reload (SIGHUP)`,
    'name',
  );
}

function toRealm(row: RealmRow): ServedRealm {
  return { realm: row.realm, source: row.source as RoutingSource, createdAt: row.created_at };
}

function toRule(row: RuleRow, targets: readonly string[]): RedirectRule {
  const match: RuleMatch = {
    ...(row.realm === null ? {} : { realm: row.realm }),
    ...(row.realm_from === null ? {} : { realmFrom: row.realm_from as RealmSource }),
    ...(row.device_group === null ? {} : { group: row.device_group }),
    ...(row.identity_glob === null ? {} : { identity: row.identity_glob }),
    ...(row.calling_station_glob === null ? {} : { callingStation: row.calling_station_glob }),
    ...(row.called_station_glob === null ? {} : { calledStation: row.called_station_glob }),
  };
  return Object.freeze({
    name: row.name,
    priority: row.priority,
    match: Object.freeze(match),
    targets: Object.freeze([...targets]),
    usage: row.host_usage as RedirectUsageValue,
    maxCacheTimeSeconds: row.max_cache_time,
    enabled: row.enabled === SQLITE_TRUE,
    source: row.source as RoutingSource,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
