import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadMasterKeyFile, writeMasterKeyFile } from '../../../../src/store/crypto/master-key-file.js';
import { MasterKey } from '../../../../src/store/crypto/master-key.js';
import { rotateMasterKeyFile } from '../../../../src/store/crypto/rotate-master-key-file.js';
import { openStore } from '../../../../src/store/open-store.js';
import { isStoreError, StoreErrorCode } from '../../../../src/store/store-error.js';
import { OTHER_PSK, PSK, tempDir } from '../temp-store.js';

describe('master key rotation', () => {
  test('re-encrypts every row under the new key and replaces the key file', async () => {
    const dir = tempDir();
    const url = `sqlite:${join(dir, 'd.db')}`;
    const keyFile = join(dir, 'master.key');
    const store = await openStore({ url, masterKeyFile: keyFile });
    await store.add({ identity: 'a@x', psk: PSK });
    await store.add({ identity: 'b@x', psk: OTHER_PSK });
    const oldId = loadMasterKeyFile(keyFile).id;
    const result = await rotateMasterKeyFile(store, keyFile);
    assert.equal(result.rows, 2);
    assert.notEqual(result.newKeyId, oldId);
    assert.equal(loadMasterKeyFile(keyFile).id, result.newKeyId);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.equal(existsSync(keyFile + '.new'), false);
    assert.deepEqual((await store.getCredentials('b@x'))?.psk, OTHER_PSK);
    await store.close();

    const db = new BetterSqlite3(join(dir, 'd.db'));
    assert.deepEqual(db.prepare('SELECT DISTINCT psk_key_id FROM devices').pluck().all(), [result.newKeyId]);
    db.close();
    const reopened = await openStore({ url, masterKeyFile: keyFile });
    assert.deepEqual((await reopened.getCredentials('a@x'))?.psk, PSK);
    await reopened.close();
  });

  test('lets a running store adopt a key rotated by another process', async () => {
    const dir = tempDir();
    const url = `sqlite:${join(dir, 'd.db')}`;
    const keyFile = join(dir, 'master.key');
    const server = await openStore({ url, masterKeyFile: keyFile, cacheSize: 0 });
    await server.add({ identity: 'a@x', psk: PSK });
    const cli = await openStore({ url, masterKeyFile: keyFile });
    await rotateMasterKeyFile(cli, keyFile);
    await cli.close();
    assert.deepEqual((await server.getCredentials('a@x'))?.psk, PSK);
    await server.close();
  });

  test('after a crash between commit and rename, names the pending key file and the mv that fixes it', async () => {
    const dir = tempDir();
    const url = `sqlite:${join(dir, 'd.db')}`;
    const keyFile = join(dir, 'master.key');
    const store = await openStore({ url, masterKeyFile: keyFile });
    await store.add({ identity: 'a@x', psk: PSK });
    const newKey = MasterKey.generate();
    writeMasterKeyFile(keyFile + '.new', newKey); // step 1
    await store.rotateMasterKey(newKey); // step 2; "crash" before step 3
    await store.close();
    await assert.rejects(
      openStore({ url, masterKeyFile: keyFile }),
      (e) =>
        isStoreError(e, StoreErrorCode.MasterKeyMismatch) &&
        e.message.includes(`mv ${keyFile}.new ${keyFile}`),
    );
    renameSync(keyFile + '.new', keyFile);
    const fixed = await openStore({ url, masterKeyFile: keyFile });
    assert.deepEqual((await fixed.getCredentials('a@x'))?.psk, PSK);
    await fixed.close();
  });
});
