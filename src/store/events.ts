import { channel } from 'node:diagnostics_channel';

/**
 * What the device store publishes for observers (metrics). Publishing costs nothing when nobody
 * subscribes (check `hasSubscribers` first). Only `src/ops` subscribes. Never an identity, a key
 * or a query text.
 */

/** One store operation finished. `operation` is the DeviceStore method in snake_case. */
export interface StoreOperationEvent {
  /** `get`, `get_credentials`, `list`, `add`, `set_enabled`, `remove`, `import`, `export`, `rotate_master_key`, `ping`. */
  readonly operation: string;
  readonly durationSeconds: number;
  /** False when the store failed (I/O error, database locked or corrupt); an expected refusal such as a duplicate identity is ok. */
  readonly ok: boolean;
}

export const storeChannels = {
  operation: channel('eapd:store:operation'),
} as const;
