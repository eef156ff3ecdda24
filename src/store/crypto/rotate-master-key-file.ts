import { renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceStore } from '../device-store.js';
import { StoreError, StoreErrorCode } from '../store-error.js';
import { fsyncDirectory, keyFileExists, PENDING_KEY_SUFFIX, writeMasterKeyFile } from './master-key-file.js';
import { MasterKey } from './master-key.js';

export interface RotationResult {
  readonly newKeyId: string;
  readonly rows: number;
}

/**
 * Key rotation with no window in which the database and the key file disagree for good:
 * 1. write the new key to `<file>.new` (0600, fsynced);
 * 2. re-encrypt every row in one transaction (`store.rotateMasterKey`);
 * 3. rename `<file>.new` over `<file>` (atomic) and fsync the directory.
 * A crash between 2 and 3 leaves the right key in `<file>.new`; opening the store then says so.
 */
export async function rotateMasterKeyFile(
  store: DeviceStore,
  masterKeyFile: string,
  newKey: MasterKey = MasterKey.generate(),
): Promise<RotationResult> {
  const pending = masterKeyFile + PENDING_KEY_SUFFIX;
  if (keyFileExists(pending)) {
    throw new StoreError(
      StoreErrorCode.MasterKeyInvalid,
      `${pending} exists: an earlier rotation did not finish; see docs/devices.md before rotating again`,
    );
  }
  writeMasterKeyFile(pending, newKey);
  let rows: number;
  try {
    rows = await store.rotateMasterKey(newKey);
  } catch (e) {
    // The transaction rolled back: the old key is still the right one.
    unlinkSync(pending);
    throw e;
  }
  renameSync(pending, masterKeyFile);
  fsyncDirectory(dirname(masterKeyFile));
  return { newKeyId: newKey.id, rows };
}
