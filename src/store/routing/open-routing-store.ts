import { parseStoreUrl } from '../open-store.js';
import { StoreError, StoreErrorCode } from '../store-error.js';
import type { StoreLogger } from '../store-logger.js';
import type { RoutingStore } from './routing-store.js';
import { SqliteRoutingStore } from './sqlite-routing-store.js';

export interface OpenRoutingStoreOptions {
  /** The same `store.url` as the device store: the routing model lives in the same database. */
  readonly url: string;
  readonly logger?: StoreLogger;
}

/** Opens the routing store on the device store's database (its own connection). */
export async function openRoutingStore(options: OpenRoutingStoreOptions): Promise<RoutingStore> {
  const location = parseStoreUrl(options.url);
  if (location.kind === 'postgres') {
    throw new StoreError(
      StoreErrorCode.StoreNotImplemented,
      'the PostgreSQL store is not implemented yet: use sqlite:PATH',
    );
  }
  return SqliteRoutingStore.open({
    path: location.path,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
