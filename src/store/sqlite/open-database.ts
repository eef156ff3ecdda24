import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { StoreError, StoreErrorCode } from '../store-error.js';
import type { StoreLogger } from '../store-logger.js';
import { migrate } from './migrations.js';

export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
const WAL = 'wal';

export interface OpenDatabaseOptions {
  readonly path: string;
  readonly busyTimeoutMs?: number;
  readonly now?: () => Date;
  readonly logger?: StoreLogger;
}

/**
 * Opens (creating if absent) eapd's SQLite database the one way every store uses it: WAL,
 * synchronous=FULL (a crash loses no committed write, docs/devices.md), foreign keys on, migrated
 * to the latest schema. The caller owns the handle; it is closed here only when opening fails.
 */
export function openDatabase(options: OpenDatabaseOptions): Database {
  let db: Database;
  try {
    db = new BetterSqlite3(options.path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  } catch (e) {
    throw new StoreError(
      StoreErrorCode.StoreOpenFailed,
      `cannot open database ${options.path}: ${String(e)}`,
      {},
      { cause: e },
    );
  }
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== WAL) {
      throw new StoreError(
        StoreErrorCode.StoreOpenFailed,
        `database ${options.path} cannot use WAL mode (got ${String(mode)})`,
      );
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.now ?? ((): Date => new Date()), options.logger);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
