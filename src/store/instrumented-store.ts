import { performance } from 'node:perf_hooks';
import type { MasterKey } from './crypto/master-key.js';
import type { DeviceStore, ExportOptions, ListFilter } from './device-store.js';
import type { Device, DeviceCredentials, ExportedDevice, NewDevice } from './device.js';
import { storeChannels } from './events.js';
import { StoreError, StoreErrorCode } from './store-error.js';

const MS_PER_S = 1000;

/** Refusals the store is meant to give (bad input, unknown or duplicate device): not a failure. */
const REFUSALS: ReadonlySet<string> = new Set([
  StoreErrorCode.DeviceExists,
  StoreErrorCode.DeviceNotFound,
  StoreErrorCode.BadIdentity,
  StoreErrorCode.BadPsk,
  StoreErrorCode.BadGroup,
  StoreErrorCode.BadMac,
  StoreErrorCode.BadAccessPoint,
  StoreErrorCode.ImportConflict,
  StoreErrorCode.ImportInvalid,
]);

/**
 * True when `error` means the store failed (I/O, a locked or corrupt database, a PSK that cannot
 * be decrypted, a closed store), false for an expected refusal such as a duplicate identity.
 */
export function isStoreFailure(error: unknown): boolean {
  return !(error instanceof StoreError && REFUSALS.has(error.code));
}

function publish(operation: string, start: number, ok: boolean): void {
  storeChannels.operation.publish({
    operation,
    durationSeconds: (performance.now() - start) / MS_PER_S,
    ok,
  });
}

/**
 * Any DeviceStore, with each operation published on `storeChannels.operation` (its duration and
 * whether the store failed) for the `eapd_store_operation_duration_seconds` histogram and the
 * EapdStoreErrors alert. Results and errors pass through unchanged; with nobody subscribed a call
 * costs one check.
 */
export class InstrumentedDeviceStore implements DeviceStore {
  readonly #inner: DeviceStore;

  constructor(inner: DeviceStore) {
    this.#inner = inner;
  }

  async #timed<T>(operation: string, run: (store: DeviceStore) => Promise<T>): Promise<T> {
    if (!storeChannels.operation.hasSubscribers) return run(this.#inner);
    const start = performance.now();
    try {
      const result = await run(this.#inner);
      publish(operation, start, true);
      return result;
    } catch (error) {
      publish(operation, start, !isStoreFailure(error));
      throw error;
    }
  }

  add(device: NewDevice): Promise<Device> {
    return this.#timed('add', (s) => s.add(device));
  }

  get(identity: string): Promise<Device | undefined> {
    return this.#timed('get', (s) => s.get(identity));
  }

  /** The authentication path: no closure per call. */
  async getCredentials(identity: string): Promise<DeviceCredentials | undefined> {
    if (!storeChannels.operation.hasSubscribers) return this.#inner.getCredentials(identity);
    const start = performance.now();
    try {
      const credentials = await this.#inner.getCredentials(identity);
      publish('get_credentials', start, true);
      return credentials;
    } catch (error) {
      publish('get_credentials', start, !isStoreFailure(error));
      throw error;
    }
  }

  list(filter?: ListFilter): Promise<Device[]> {
    return this.#timed('list', (s) => s.list(filter));
  }

  setEnabled(identity: string, enabled: boolean): Promise<Device> {
    return this.#timed('set_enabled', (s) => s.setEnabled(identity, enabled));
  }

  remove(identity: string): Promise<void> {
    return this.#timed('remove', (s) => s.remove(identity));
  }

  importAtomic(devices: readonly NewDevice[]): Promise<number> {
    return this.#timed('import', (s) => s.importAtomic(devices));
  }

  export(options?: ExportOptions): Promise<ExportedDevice[]> {
    return this.#timed('export', (s) => s.export(options));
  }

  rotateMasterKey(newKey: MasterKey): Promise<number> {
    return this.#timed('rotate_master_key', (s) => s.rotateMasterKey(newKey));
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
