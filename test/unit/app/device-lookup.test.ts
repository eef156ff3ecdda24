import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createDeviceLookup } from '../../../src/app/device-lookup.js';
import { runAuthentication } from '../../../src/app/nas-client.js';
import { derivePskKeys } from '../../../src/eap/index.js';
import type { DeviceCredentials } from '../../../src/store/device.js';
import type { DeviceStore } from '../../../src/store/device-store.js';
import { StoreError, StoreErrorCode } from '../../../src/store/store-error.js';
import {
  ALLOWED_AP,
  ALLOWED_MAC,
  AP_LOCKED,
  authResults,
  DEVICE,
  deviceStore,
  devicePeer,
  DISABLED,
  MAC_LOCKED,
  nasOptions,
  OTHER_PSK,
  PSK,
  rig,
} from './fixtures.js';

const id = (s: string): Buffer => Buffer.from(s, 'utf8');

function credentials(identity: string, psk: Buffer): DeviceCredentials {
  return {
    identity,
    psk,
    group: 'default',
    enabled: true,
    allowedAps: [],
    allowedMacs: [],
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
  };
}

/** A store double whose records the test changes between lookups. */
class MutableStore implements Pick<DeviceStore, 'getCredentials'> {
  readonly records = new Map<string, DeviceCredentials>();
  calls = 0;
  failWith: Error | undefined;
  async getCredentials(identity: string): Promise<DeviceCredentials | undefined> {
    this.calls++;
    if (this.failWith !== undefined) throw this.failWith;
    const r = this.records.get(identity);
    // A fresh PSK buffer per call, as a real store decrypts one each time.
    return r === undefined ? undefined : { ...r, psk: Buffer.from(r.psk) };
  }
}

describe('device lookup (RFC 4764 §5.2 ID_P → keys, capture policy)', () => {
  test('finds a device in the SQLite store and derives AK/KDK from its PSK', async () => {
    const lookup = createDeviceLookup({ store: await deviceStore(), keyCacheSize: 4 })({});
    const found = await lookup(id(DEVICE));
    assert.equal(found.kind, 'found');
    assert.deepEqual(found.kind === 'found' && found.keys, derivePskKeys(PSK));
  });

  test('answers unknown for an identity the store lacks, or one that is not UTF-8', async () => {
    const lookup = createDeviceLookup({ store: await deviceStore(), keyCacheSize: 4 })({});
    assert.deepEqual(await lookup(id('nobody@iot.example')), { kind: 'unknown' });
    assert.deepEqual(await lookup(Buffer.from([0xff, 0xfe, 0x41])), { kind: 'unknown' });
  });

  test('names the policy rule that refuses a known device', async () => {
    const factory = createDeviceLookup({ store: await deviceStore(), keyCacheSize: 4 });
    assert.deepEqual(await factory({})(id(DISABLED)), { kind: 'rejected', reason: 'device_disabled' });
    assert.deepEqual(await factory({ calledStationId: '66-77-88-99-AA-BB' })(id(AP_LOCKED)), {
      kind: 'rejected',
      reason: 'ap_not_allowed',
    });
    assert.deepEqual(await factory({})(id(AP_LOCKED)), { kind: 'rejected', reason: 'ap_not_allowed' });
    assert.equal((await factory({ calledStationId: `${ALLOWED_AP}:any` })(id(AP_LOCKED))).kind, 'found');
    assert.deepEqual(await factory({ callingStationId: '02-00-00-00-00-01' })(id(MAC_LOCKED)), {
      kind: 'rejected',
      reason: 'mac_not_allowed',
    });
    assert.equal(
      (await factory({ callingStationId: ALLOWED_MAC.toLowerCase() })(id(MAC_LOCKED))).kind,
      'found',
    );
  });

  test('returns the same PskKeys object while the PSK is unchanged, and fresh keys once it changes', async () => {
    const store = new MutableStore();
    store.records.set(DEVICE, credentials(DEVICE, PSK));
    const lookup = createDeviceLookup({ store, keyCacheSize: 4 })({});
    const a = await lookup(id(DEVICE));
    const b = await lookup(id(DEVICE));
    assert.ok(a.kind === 'found' && b.kind === 'found');
    assert.equal(a.keys, b.keys, 'same object: src/eap caches its ciphers on it');
    store.records.set(DEVICE, credentials(DEVICE, OTHER_PSK));
    const c = await lookup(id(DEVICE));
    assert.ok(c.kind === 'found');
    assert.notEqual(c.keys, a.keys);
    assert.deepEqual(c.keys, derivePskKeys(OTHER_PSK));
    assert.equal(store.calls, 3, 'the store is asked every time: enabled/policy are never cached');
  });

  test('keeps at most keyCacheSize devices (0 derives on every lookup)', async () => {
    const store = new MutableStore();
    store.records.set('a', credentials('a', PSK));
    store.records.set('b', credentials('b', PSK));
    const one = createDeviceLookup({ store, keyCacheSize: 1 })({});
    const a1 = await one(id('a'));
    await one(id('b'));
    const a2 = await one(id('a'));
    assert.ok(a1.kind === 'found' && a2.kind === 'found');
    assert.notEqual(a1.keys, a2.keys, 'a was evicted by b');
    const none = createDeviceLookup({ store, keyCacheSize: 0 })({});
    const x = await none(id('a'));
    const y = await none(id('a'));
    assert.ok(x.kind === 'found' && y.kind === 'found');
    assert.notEqual(x.keys, y.keys);
  });

  test('lets a store error propagate; the conversation then fails with lookup_error', async () => {
    const store = new MutableStore();
    store.failWith = new StoreError(StoreErrorCode.PskUnreadable, 'PSK of sensor-0001 cannot be decrypted');
    await assert.rejects(createDeviceLookup({ store, keyCacheSize: 4 })({})(id(DEVICE)), StoreError);
    const r = await rig({ lookupFor: createDeviceLookup({ store, keyCacheSize: 4 }) });
    const { value, events } = await authResults(() =>
      runAuthentication((f) => r.exchange(f), nasOptions(devicePeer())),
    );
    assert.equal(value.resultCode, 4001);
    assert.equal(events[0]!.reason, 'lookup_error');
  });
});
