import type { Database } from 'better-sqlite3';
import { StoreError, StoreErrorCode } from '../store-error.js';
import type { StoreLogger } from '../store-logger.js';

/**
 * One schema step. Statements use portable SQL (standard DDL; `group` is reserved, hence
 * `device_group`); only the column types BLOB/INTEGER-as-boolean would differ on PostgreSQL.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'devices with encrypted PSKs and allow-lists',
    statements: [
      `CREATE TABLE devices (
        identity TEXT NOT NULL PRIMARY KEY,
        device_group TEXT NOT NULL DEFAULT 'default',
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        psk_key_id TEXT NOT NULL,
        psk_nonce BLOB NOT NULL,
        psk_ciphertext BLOB NOT NULL,
        psk_tag BLOB NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      'CREATE INDEX devices_by_group ON devices (device_group)',
      'CREATE INDEX devices_by_key_id ON devices (psk_key_id)',
      `CREATE TABLE device_allowed_aps (
        identity TEXT NOT NULL REFERENCES devices (identity) ON DELETE CASCADE,
        access_point TEXT NOT NULL,
        PRIMARY KEY (identity, access_point)
      )`,
      `CREATE TABLE device_allowed_macs (
        identity TEXT NOT NULL REFERENCES devices (identity) ON DELETE CASCADE,
        mac TEXT NOT NULL,
        PRIMARY KEY (identity, mac)
      )`,
    ],
  },
  {
    version: 2,
    name: 'routing: served realms, redirect rules and targets, routing audit trail',
    statements: [
      `CREATE TABLE served_realms (
        realm TEXT NOT NULL PRIMARY KEY,
        source TEXT NOT NULL DEFAULT 'operator' CHECK (source IN ('operator', 'config')),
        created_at TEXT NOT NULL
      )`,
      `CREATE TABLE redirect_rules (
        name TEXT NOT NULL PRIMARY KEY,
        priority INTEGER NOT NULL,
        realm TEXT,
        realm_from TEXT,
        device_group TEXT,
        identity_glob TEXT,
        calling_station_glob TEXT,
        called_station_glob TEXT,
        host_usage INTEGER NOT NULL,
        max_cache_time INTEGER NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        source TEXT NOT NULL DEFAULT 'operator' CHECK (source IN ('operator', 'config')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      )`,
      `CREATE TABLE redirect_targets (
        rule_name TEXT NOT NULL REFERENCES redirect_rules (name) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        uri TEXT NOT NULL,
        PRIMARY KEY (rule_name, position)
      )`,
      `CREATE TABLE routing_audit (
        seq INTEGER NOT NULL PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        detail TEXT NOT NULL
      )`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;
const SELECT_CURRENT = 'SELECT MAX(version) FROM schema_migrations';

/**
 * Brings the schema to LATEST_SCHEMA_VERSION, each migration in its own IMMEDIATE transaction
 * (re-checked inside it, so two processes starting at once apply it once). Refuses a database
 * that a newer eapd has migrated. Returns the versions applied.
 */
export function migrate(db: Database, now: () => Date, logger?: StoreLogger): number[] {
  db.exec(CREATE_MIGRATIONS_TABLE);
  const current = db.prepare<[], number | null>(SELECT_CURRENT).pluck();
  const version = (): number => current.get() ?? 0;
  const found = version();
  if (found > LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      StoreErrorCode.SchemaTooNew,
      `database ${db.name} has schema version ${found}, newer than this eapd knows (${LATEST_SCHEMA_VERSION}): upgrade eapd`,
    );
  }
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    const step = db.transaction(() => {
      if (version() >= m.version) return false;
      for (const sql of m.statements) db.exec(sql);
      record.run(m.version, m.name, now().toISOString());
      return true;
    });
    if (step.immediate()) {
      applied.push(m.version);
      logger?.info('store: schema migration applied', { version: m.version, name: m.name });
    }
  }
  return applied;
}
