import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  keyFileExists,
  loadMasterKeyFile,
  PENDING_KEY_SUFFIX,
  writeMasterKeyFile,
} from './crypto/master-key-file.js';
import { MasterKey } from './crypto/master-key.js';
import type { DeviceStore } from './device-store.js';
import { InstrumentedDeviceStore } from './instrumented-store.js';
import { SqliteDeviceStore } from './sqlite/sqlite-device-store.js';
import { StoreError, StoreErrorCode } from './store-error.js';
import type { StoreLogger } from './store-logger.js';

export interface OpenStoreOptions {
  /** A file path, `sqlite:PATH`, or (later) `postgres://…`. */
  readonly url: string;
  /** Outside the database; created 0600 (directory 0700) on first start if absent. */
  readonly masterKeyFile: string;
  readonly logger?: StoreLogger;
  /** Bound of the getCredentials cache; 0 disables it. */
  readonly cacheSize?: number;
}

const SQLITE_SCHEME = 'sqlite:';
const POSTGRES_SCHEMES = ['postgres://', 'postgresql://'] as const;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export type StoreLocation =
  { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres' };

/** `sqlite:PATH` or a bare path → SQLite; postgres URLs are recognised but not implemented yet. */
export function parseStoreUrl(url: string): StoreLocation {
  if (POSTGRES_SCHEMES.some((s) => url.startsWith(s))) return { kind: 'postgres' };
  const path = url.startsWith(SQLITE_SCHEME) ? url.substring(SQLITE_SCHEME.length) : url;
  if (path === '' || URL_SCHEME.test(url)) {
    throw new StoreError(
      StoreErrorCode.StoreUrlInvalid,
      `bad store url ${JSON.stringify(url)}: use a file path or sqlite:PATH`,
    );
  }
  return { kind: 'sqlite', path };
}

/**
 * Opens the device store, every operation published for metrics (InstrumentedDeviceStore). The
 * master key file is loaded (refused if group/world accessible) or, when absent and the database
 * holds no device, created. A database whose rows are under another key is refused with a message
 * that says which key it needs.
 */
export async function openStore(options: OpenStoreOptions): Promise<DeviceStore> {
  const location = parseStoreUrl(options.url);
  if (location.kind === 'postgres') {
    throw new StoreError(
      StoreErrorCode.StoreNotImplemented,
      'the PostgreSQL store is not implemented yet: use sqlite:PATH',
    );
  }
  if (location.path !== ':memory:') {
    // First start with the default config: create the data directory, private to us.
    mkdirSync(dirname(location.path), { recursive: true, mode: 0o700 });
  }
  const keyFile = options.masterKeyFile;
  const existing = keyFileExists(keyFile) ? loadMasterKeyFile(keyFile) : undefined;
  const key = existing ?? MasterKey.generate();
  const store = SqliteDeviceStore.open({
    path: location.path,
    masterKey: key,
    resolveKey: (keyId) => findKey(keyFile, keyId),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
  });
  try {
    if (existing === undefined) {
      if (store.deviceCount() > 0) {
        throw new StoreError(
          StoreErrorCode.MasterKeyMissing,
          `master key file ${keyFile} is missing but ${location.path} holds encrypted devices: restore the key file from backup`,
        );
      }
      try {
        writeMasterKeyFile(keyFile, key);
        options.logger?.info('store: created master key file', { file: keyFile, keyId: key.id });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        // Another process created the key first: start over with theirs.
        await store.close();
        return await openStore(options);
      }
    }
    checkKey(store, keyFile);
    return new InstrumentedDeviceStore(store);
  } catch (e) {
    await store.close();
    throw e;
  }
}

function checkKey(store: SqliteDeviceStore, keyFile: string): void {
  const wanted = store.foreignKeyId();
  if (wanted === undefined) return;
  const pending = keyFile + PENDING_KEY_SUFFIX;
  if (keyFileExists(pending) && loadMasterKeyFile(pending).id === wanted) {
    throw new StoreError(
      StoreErrorCode.MasterKeyMismatch,
      `a master key rotation did not finish: the database uses the key in ${pending}; fix: mv ${pending} ${keyFile}`,
    );
  }
  throw new StoreError(
    StoreErrorCode.MasterKeyMismatch,
    `wrong master key: the database is encrypted under key ${wanted} but ${keyFile} holds key ${store.masterKeyId}`,
  );
}

function findKey(keyFile: string, keyId: string): MasterKey | undefined {
  for (const path of [keyFile, keyFile + PENDING_KEY_SUFFIX]) {
    if (!keyFileExists(path)) continue;
    const key = loadMasterKeyFile(path);
    if (key.id === keyId) return key;
  }
  return undefined;
}
