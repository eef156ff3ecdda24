import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMasterKeyFile, writeMasterKeyFile } from '../../../../src/store/crypto/master-key-file.js';
import { MasterKey } from '../../../../src/store/crypto/master-key.js';
import { isStoreError, StoreErrorCode } from '../../../../src/store/store-error.js';
import { tempDir } from '../temp-store.js';

const PERMISSIONS = 0o777;

describe('master key file', () => {
  test('is written 0600 in a directory created 0700, and reads back as the same key', () => {
    const dir = join(tempDir(), 'keys');
    const file = join(dir, 'master.key');
    const key = MasterKey.generate();
    writeMasterKeyFile(file, key);
    assert.equal(statSync(file).mode & PERMISSIONS, 0o600);
    assert.equal(statSync(dir).mode & PERMISSIONS, 0o700);
    assert.equal(loadMasterKeyFile(file).id, key.id);
  });
  test('is never overwritten', () => {
    const file = join(tempDir(), 'master.key');
    writeMasterKeyFile(file, MasterKey.generate());
    assert.throws(() => writeMasterKeyFile(file, MasterKey.generate()), { code: 'EEXIST' });
  });
  test('is refused at mode 0644 with a message naming the file and chmod 600', () => {
    const file = join(tempDir(), 'master.key');
    writeMasterKeyFile(file, MasterKey.generate());
    chmodSync(file, 0o644);
    assert.throws(
      () => loadMasterKeyFile(file),
      (e) =>
        isStoreError(e, StoreErrorCode.MasterKeyPermissions) &&
        e.message.includes(file) &&
        e.message.includes(`chmod 600 ${file}`),
    );
  });
  test('is refused when it does not hold 64 hex digits', () => {
    const file = join(tempDir(), 'master.key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    assert.throws(
      () => loadMasterKeyFile(file),
      (e) => isStoreError(e, StoreErrorCode.MasterKeyInvalid),
    );
  });
});
