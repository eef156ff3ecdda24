import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import type { StoreOperationEvent } from '../../../src/store/events.js';
import { storeChannels } from '../../../src/store/events.js';
import { isStoreFailure } from '../../../src/store/instrumented-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { StoreError, StoreErrorCode } from '../../../src/store/store-error.js';
import { PSK, tempDir } from './temp-store.js';

/** Runs `body` with every store operation event collected. */
async function recorded(body: () => Promise<void>): Promise<StoreOperationEvent[]> {
  const events: StoreOperationEvent[] = [];
  const listener = (message: unknown): void => {
    events.push(message as StoreOperationEvent);
  };
  subscribe(storeChannels.operation.name, listener);
  try {
    await body();
  } finally {
    unsubscribe(storeChannels.operation.name, listener);
  }
  return events;
}

describe('the store opened by openStore publishes every operation (eapd_store_operation_duration_seconds)', () => {
  test('each DeviceStore method is published under its metric name, with a duration, ok when it worked', async () => {
    const dir = tempDir();
    const store = await openStore({ url: join(dir, 'eapd.sqlite'), masterKeyFile: join(dir, 'master.key') });
    const events = await recorded(async () => {
      await store.add({ identity: 'sensor-1@iot.example', psk: PSK });
      await store.get('sensor-1@iot.example');
      await store.getCredentials('sensor-1@iot.example');
      await store.getCredentials('nobody@iot.example');
      await store.list();
      await store.setEnabled('sensor-1@iot.example', false);
      await store.export();
      await store.importAtomic([{ identity: 'sensor-2@iot.example', psk: PSK }]);
      await store.remove('sensor-2@iot.example');
    });
    await store.close();
    assert.deepEqual(
      events.map((e) => [e.operation, e.ok]),
      [
        ['add', true],
        ['get', true],
        ['get_credentials', true],
        ['get_credentials', true],
        ['list', true],
        ['set_enabled', true],
        ['export', true],
        ['import', true],
        ['remove', true],
      ],
    );
    for (const e of events)
      assert.ok(e.durationSeconds >= 0 && e.durationSeconds < 10, String(e.durationSeconds));
  });

  test('an expected refusal is ok (the error still reaches the caller); a closed store is a failure', async () => {
    const dir = tempDir();
    const store = await openStore({ url: join(dir, 'eapd.sqlite'), masterKeyFile: join(dir, 'master.key') });
    await store.add({ identity: 'sensor-1@iot.example', psk: PSK });
    const events = await recorded(async () => {
      await assert.rejects(
        store.add({ identity: 'sensor-1@iot.example', psk: PSK }),
        (e: unknown) => e instanceof StoreError && e.code === StoreErrorCode.DeviceExists,
      );
      await assert.rejects(
        store.remove('nobody@iot.example'),
        (e: unknown) => e instanceof StoreError && e.code === StoreErrorCode.DeviceNotFound,
      );
      await store.close();
      await assert.rejects(store.getCredentials('sensor-1@iot.example'));
    });
    assert.deepEqual(
      events.map((e) => [e.operation, e.ok]),
      [
        ['add', true],
        ['remove', true],
        ['get_credentials', false],
      ],
    );
  });

  test('classifies store errors: refusals of input are not failures, anything else is', () => {
    assert.equal(isStoreFailure(new StoreError(StoreErrorCode.BadPsk, 'bad psk')), false);
    assert.equal(isStoreFailure(new StoreError(StoreErrorCode.ImportConflict, 'conflict')), false);
    assert.equal(isStoreFailure(new StoreError(StoreErrorCode.PskUnreadable, 'unreadable')), true);
    assert.equal(isStoreFailure(new StoreError(StoreErrorCode.StoreClosed, 'closed')), true);
    assert.equal(isStoreFailure(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })), true);
  });
});
