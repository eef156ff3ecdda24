import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../../../src/store/open-store.js';
import { LATEST_SCHEMA_VERSION } from '../../../../src/store/sqlite/migrations.js';
import { isStoreError, StoreErrorCode } from '../../../../src/store/store-error.js';
import type { DeviceStore } from '../../../../src/store/device-store.js';
import { OTHER_PSK, PSK, PSK_HEX, tempDir } from '../temp-store.js';

const ID1 = 'sensor-0001@iot.example';
const ID2 = 'sensor-0002@iot.example';

function paths(): { db: string; key: string; dir: string } {
  const dir = tempDir();
  return { dir, db: join(dir, 'devices.db'), key: join(dir, 'keys', 'master.key') };
}

async function open(p: { db: string; key: string }): Promise<DeviceStore> {
  return openStore({ url: `sqlite:${p.db}`, masterKeyFile: p.key });
}

function raw(db: string): BetterSqlite3.Database {
  return new BetterSqlite3(db);
}

describe('SQLite device store: schema and durability', () => {
  test('migrates an empty database to the latest version and records it in schema_migrations', async () => {
    const p = paths();
    const store = await open(p);
    await store.close();
    const db = raw(p.db);
    const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all();
    assert.deepEqual(
      versions,
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    assert.deepEqual(tables, [
      'device_allowed_aps',
      'device_allowed_macs',
      'devices',
      'redirect_rules',
      'redirect_targets',
      'routing_audit',
      'schema_migrations',
      'served_realms',
    ]);
    db.close();
  });

  test('reopens an existing database with its devices and applies no migration twice', async () => {
    const p = paths();
    const first = await open(p);
    await first.add({ identity: ID1, psk: PSK });
    await first.close();
    const second = await open(p);
    assert.equal((await second.get(ID1))?.identity, ID1);
    assert.deepEqual((await second.getCredentials(ID1))?.psk, PSK);
    await second.close();
    const db = raw(p.db);
    assert.equal(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get(), LATEST_SCHEMA_VERSION);
    db.close();
  });

  test('puts the database in WAL mode', async () => {
    const p = paths();
    const store = await open(p);
    const db = raw(p.db);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
    await store.close();
  });

  test('refuses to open a database migrated by a newer eapd', async () => {
    const p = paths();
    await (await open(p)).close();
    const db = raw(p.db);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')").run(
      LATEST_SCHEMA_VERSION + 1,
    );
    db.close();
    await assert.rejects(
      open(p),
      (e) => isStoreError(e, StoreErrorCode.SchemaTooNew) && e.message.includes('upgrade eapd'),
    );
  });

  test('answers a postgres:// url with "not implemented yet" and an http url as invalid', async () => {
    const p = paths();
    await assert.rejects(
      openStore({ url: 'postgres://db/eapd', masterKeyFile: p.key }),
      (e) => isStoreError(e, StoreErrorCode.StoreNotImplemented) && /not implemented yet/.test(e.message),
    );
    await assert.rejects(openStore({ url: 'http://x/y', masterKeyFile: p.key }), (e) =>
      isStoreError(e, StoreErrorCode.StoreUrlInvalid),
    );
  });

  test('accepts a bare file path as url', async () => {
    const p = paths();
    const store = await openStore({ url: p.db, masterKeyFile: p.key });
    await store.add({ identity: ID1, psk: PSK });
    await store.close();
    assert.ok(statSync(p.db).isFile());
  });
});

describe('SQLite device store: PSK encryption at rest', () => {
  test('creates the master key file 0600 in a 0700 directory on first start', async () => {
    const p = paths();
    await (await open(p)).close();
    assert.equal(statSync(p.key).mode & 0o777, 0o600);
    assert.equal(statSync(join(p.dir, 'keys')).mode & 0o777, 0o700);
  });

  test('never writes the PSK bytes or their hex to the database files', async () => {
    const p = paths();
    const store = await open(p);
    await store.add({ identity: ID1, psk: PSK });
    await store.add({ identity: ID2, psk: OTHER_PSK });
    // Read while open (WAL holds the commits) and after close (checkpointed into the main file).
    const check = (): void => {
      for (const f of readdirSync(p.dir).filter((n) => n.startsWith('devices.db'))) {
        const bytes = readFileSync(join(p.dir, f));
        for (const secret of [PSK, OTHER_PSK]) {
          assert.equal(bytes.indexOf(secret), -1, `${f} holds a PSK`);
          assert.equal(bytes.indexOf(Buffer.from(secret.toString('hex'))), -1, `${f} holds a PSK in hex`);
        }
      }
    };
    check();
    await store.close();
    check();
    assert.ok(readFileSync(p.db).includes(Buffer.from(ID1)), 'the identity itself is stored in clear');
  });

  test('refuses to open with another master key, saying which key the database needs', async () => {
    const p = paths();
    const first = await open(p);
    await first.add({ identity: ID1, psk: PSK });
    await first.close();
    const other = paths();
    await (await open(other)).close(); // creates a different key file
    await assert.rejects(
      openStore({ url: `sqlite:${p.db}`, masterKeyFile: other.key }),
      (e) =>
        isStoreError(e, StoreErrorCode.MasterKeyMismatch) &&
        e.message.includes('wrong master key') &&
        e.message.includes(other.key),
    );
  });

  test('refuses to create a new key when the key file is missing but devices exist', async () => {
    const p = paths();
    const first = await open(p);
    await first.add({ identity: ID1, psk: PSK });
    await first.close();
    await assert.rejects(openStore({ url: `sqlite:${p.db}`, masterKeyFile: join(p.dir, 'lost.key') }), (e) =>
      isStoreError(e, StoreErrorCode.MasterKeyMissing),
    );
    assert.throws(() => statSync(join(p.dir, 'lost.key')), { code: 'ENOENT' });
  });

  test('detects a ciphertext swapped between two rows', async () => {
    const p = paths();
    const store = await open(p);
    await store.add({ identity: ID1, psk: PSK });
    await store.add({ identity: ID2, psk: OTHER_PSK });
    const db = raw(p.db);
    const cols = 'psk_nonce, psk_ciphertext, psk_tag';
    const get = db.prepare<[string], { psk_nonce: Buffer; psk_ciphertext: Buffer; psk_tag: Buffer }>(
      `SELECT ${cols} FROM devices WHERE identity = ?`,
    );
    const a = get.get(ID1)!;
    const b = get.get(ID2)!;
    const put = db.prepare(
      'UPDATE devices SET psk_nonce = ?, psk_ciphertext = ?, psk_tag = ? WHERE identity = ?',
    );
    put.run(b.psk_nonce, b.psk_ciphertext, b.psk_tag, ID1);
    put.run(a.psk_nonce, a.psk_ciphertext, a.psk_tag, ID2);
    db.close();
    await assert.rejects(
      store.getCredentials(ID1),
      (e) => isStoreError(e, StoreErrorCode.PskUnreadable) && e.message.includes(ID1),
    );
    await assert.rejects(store.export({ withPsk: true }), (e) =>
      isStoreError(e, StoreErrorCode.PskUnreadable),
    );
    await store.close();
  });
});

describe('SQLite device store: operations', () => {
  test('adds a device with defaults and normalised allow-lists, without exposing the PSK in get', async () => {
    const p = paths();
    const store = await open(p);
    const added = await store.add({
      identity: ID1,
      psk: PSK,
      allowedMacs: ['aa:bb:cc:dd:ee:ff', 'AABBCCDDEEFF'],
      allowedAps: ['00:10:a4:23:19:c0:Office'],
    });
    assert.equal(added.group, 'default');
    assert.equal(added.enabled, true);
    assert.deepEqual(added.allowedMacs, ['AA-BB-CC-DD-EE-FF']);
    assert.deepEqual(added.allowedAps, ['00-10-A4-23-19-C0:Office']);
    assert.equal('psk' in added, false);
    assert.equal('psk' in (await store.get(ID1))!, false);
    assert.deepEqual((await store.getCredentials(ID1))?.psk, PSK);
    await store.close();
  });

  test('getCredentials hands out copies: wiping one PSK leaves the cached device whole', async () => {
    const store = await open(paths());
    const added = await store.add({ identity: ID1, psk: PSK, allowedMacs: ['aa:bb:cc:dd:ee:ff'] });
    const first = (await store.getCredentials(ID1))!;
    first.psk.fill(0);
    const second = (await store.getCredentials(ID1))!;
    assert.deepEqual(second.psk, PSK);
    assert.notEqual(second.psk, first.psk);
    assert.deepEqual({ ...second, psk: undefined }, { ...added, psk: undefined });
    await store.close();
  });

  test('refuses a second device with the same identity but treats identities case-sensitively', async () => {
    const store = await open(paths());
    await store.add({ identity: ID1, psk: PSK });
    await assert.rejects(store.add({ identity: ID1, psk: OTHER_PSK }), (e) =>
      isStoreError(e, StoreErrorCode.DeviceExists),
    );
    await store.add({ identity: ID1.toUpperCase(), psk: OTHER_PSK });
    assert.deepEqual((await store.getCredentials(ID1))?.psk, PSK);
    assert.deepEqual((await store.getCredentials(ID1.toUpperCase()))?.psk, OTHER_PSK);
    await store.close();
  });

  test('lists by group in identity order', async () => {
    const store = await open(paths());
    await store.add({ identity: 'b@x', psk: PSK, group: 'meters' });
    await store.add({ identity: 'a@x', psk: PSK, group: 'meters' });
    await store.add({ identity: 'c@x', psk: PSK });
    assert.deepEqual(
      (await store.list({ group: 'meters' })).map((d) => d.identity),
      ['a@x', 'b@x'],
    );
    assert.deepEqual(
      (await store.list()).map((d) => d.identity),
      ['a@x', 'b@x', 'c@x'],
    );
    await store.close();
  });

  test('disables, enables and removes; unknown identities are EAPD_DEVICE_NOT_FOUND', async () => {
    const p = paths();
    const store = await open(p);
    await store.add({ identity: ID1, psk: PSK, allowedMacs: ['aa:bb:cc:dd:ee:ff'] });
    assert.equal((await store.setEnabled(ID1, false)).enabled, false);
    assert.equal((await store.getCredentials(ID1))?.enabled, false);
    assert.equal((await store.setEnabled(ID1, true)).enabled, true);
    await store.remove(ID1);
    assert.equal(await store.get(ID1), undefined);
    assert.equal(await store.getCredentials(ID1), undefined);
    await assert.rejects(store.remove(ID1), (e) => isStoreError(e, StoreErrorCode.DeviceNotFound));
    await assert.rejects(store.setEnabled(ID1, true), (e) => isStoreError(e, StoreErrorCode.DeviceNotFound));
    await store.close();
    const db = raw(p.db);
    assert.equal(
      db.prepare('SELECT COUNT(*) FROM device_allowed_macs').pluck().get(),
      0,
      'allow-list rows cascade',
    );
    db.close();
  });

  test('imports all or nothing, naming every conflicting identity', async () => {
    const store = await open(paths());
    await store.add({ identity: ID1, psk: PSK });
    await assert.rejects(
      store.importAtomic([
        { identity: 'new@x', psk: PSK },
        { identity: ID1, psk: PSK },
        { identity: 'twice@x', psk: PSK },
        { identity: 'twice@x', psk: PSK },
      ]),
      (e) =>
        isStoreError(e, StoreErrorCode.ImportConflict) &&
        [...(e.details.identities ?? [])].sort().join() === `${ID1},twice@x`,
    );
    await assert.rejects(
      store.importAtomic([
        { identity: 'new@x', psk: PSK },
        { identity: 'bad@x', psk: PSK.subarray(1) },
      ]),
      (e) => isStoreError(e, StoreErrorCode.ImportInvalid) && e.details.index === 1,
    );
    assert.deepEqual(
      (await store.list()).map((d) => d.identity),
      [ID1],
    );
    assert.equal(
      await store.importAtomic([
        { identity: 'new@x', psk: OTHER_PSK, group: 'g' },
        { identity: ID2, psk: PSK },
      ]),
      2,
    );
    assert.deepEqual((await store.getCredentials('new@x'))?.psk, OTHER_PSK);
    await store.close();
  });

  test('exports without PSKs unless asked, filtered by group', async () => {
    const store = await open(paths());
    await store.add({ identity: ID1, psk: PSK, group: 'g' });
    await store.add({ identity: ID2, psk: OTHER_PSK });
    const plain = await store.export();
    assert.equal(plain.length, 2);
    assert.ok(plain.every((d) => d.psk === undefined));
    const withPsk = await store.export({ group: 'g', withPsk: true });
    assert.deepEqual(
      withPsk.map((d) => [d.identity, d.psk?.toString('hex')]),
      [[ID1, PSK_HEX]],
    );
    await store.close();
  });

  test('hands out a copy of the cached PSK, so a caller wiping it does not corrupt the cache', async () => {
    const store = await open(paths());
    await store.add({ identity: ID1, psk: PSK });
    (await store.getCredentials(ID1))!.psk.fill(0);
    assert.deepEqual((await store.getCredentials(ID1))?.psk, PSK);
    await store.close();
  });

  test('refuses every call after close with EAPD_STORE_CLOSED', async () => {
    const store = await open(paths());
    await store.close();
    await assert.rejects(store.get(ID1), (e) => isStoreError(e, StoreErrorCode.StoreClosed));
  });
});

describe('SQLite device store: cache and other writers (PRAGMA data_version)', () => {
  test('sees another instance disable, remove and re-add a device it has cached, from the next event-loop turn', async () => {
    const p = paths();
    const server = await open(p);
    const cli = await open(p);
    const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    await cli.add({ identity: ID1, psk: PSK });
    await nextTurn();
    assert.equal((await server.getCredentials(ID1))?.enabled, true); // now cached
    await cli.setEnabled(ID1, false);
    await nextTurn();
    assert.equal((await server.getCredentials(ID1))?.enabled, false);
    await cli.remove(ID1);
    await nextTurn();
    assert.equal(await server.getCredentials(ID1), undefined);
    await cli.add({ identity: ID1, psk: OTHER_PSK });
    await nextTurn();
    assert.deepEqual((await server.getCredentials(ID1))?.psk, OTHER_PSK);
    await cli.close();
    await server.close();
  });

  test('sees its own writes at once', async () => {
    const store = await open(paths());
    await store.add({ identity: ID1, psk: PSK });
    assert.equal((await store.getCredentials(ID1))?.enabled, true);
    await store.setEnabled(ID1, false);
    assert.equal((await store.getCredentials(ID1))?.enabled, false);
    await store.close();
  });
});
