import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  createRedirectHook,
  type RedirectEngine,
} from '../../../../src/app/redirect/create-redirect-hook.js';
import type { FirstDerFacts } from '../../../../src/app/redirect-hook.js';
import { RedirectHostUsage } from '../../../../src/diameter/dict/constants.gen.js';
import type { Device } from '../../../../src/store/device.js';
import { openRoutingStore } from '../../../../src/store/routing/open-routing-store.js';
import type { RoutingStore } from '../../../../src/store/routing/routing-store.js';
import { ManualClock } from '../../../../src/util/manual-clock.js';

const A = 'aaa://a.example;transport=tcp';
const B = 'aaa://b.example;transport=tcp';
const C = 'aaa://c.example;transport=tcp';
const quiet = { debug() {}, info() {}, warn() {} };

const GROUPS: Record<string, string> = { 'meter-1@iot.example': 'meters', 'cam-1@iot.example': 'cameras' };
const devices = {
  get: async (identity: string): Promise<Device | undefined> => {
    const group = GROUPS[identity];
    return group === undefined
      ? undefined
      : { identity, group, enabled: true, allowedAps: [], allowedMacs: [], createdAt: '', updatedAt: '' };
  },
};

async function fixture(): Promise<{
  routing: RoutingStore;
  db: string;
  clock: ManualClock;
  hook: RedirectEngine;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'eapd-redirect-'));
  const db = join(dir, 'eapd.sqlite');
  const routing = await openRoutingStore({ url: db });
  after(async () => {
    await routing.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new ManualClock(1_000);
  const hook = createRedirectHook({ routing, devices, clock, logger: quiet });
  return { routing, db, clock, hook };
}

function der(over: Partial<FirstDerFacts> = {}): FirstDerFacts {
  return {
    originHost: 'nas.example',
    destinationRealm: 'iot.example',
    userName: 'meter-1@iot.example',
    ...over,
  };
}

describe('redirect rule matching', () => {
  test('no rule: no redirect', async () => {
    const { hook } = await fixture();
    assert.equal(await hook(der()), undefined);
  });

  test('a group rule matches the device group looked up by User-Name and answers its decision', async () => {
    const { routing, hook } = await fixture();
    await routing.moveGroup({ group: 'meters', targets: [B] }, 'cli');
    assert.deepEqual(await hook(der()), {
      rule: 'group:meters',
      targets: [B],
      usage: RedirectHostUsage.ALL_USER,
      maxCacheTimeSeconds: 3600,
    });
    assert.equal(await hook(der({ userName: 'cam-1@iot.example' })), undefined);
    assert.equal(await hook(der({ userName: 'unknown@iot.example' })), undefined);
  });

  test('the group is found by EAP identity when User-Name is absent', async () => {
    const { routing, hook } = await fixture();
    await routing.moveGroup({ group: 'meters', targets: [B] }, 'cli');
    const facts: FirstDerFacts = {
      originHost: 'nas.example',
      destinationRealm: 'iot.example',
      eapIdentity: 'meter-1@iot.example',
    };
    assert.equal((await hook(facts))?.rule, 'group:meters');
  });

  test('realm rules compare the User-Name realm, Destination-Realm, or either, without case', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule(
      { name: 'by-user', match: { realm: 'user.example', realmFrom: 'user-name' }, targets: [A] },
      'cli',
    );
    await routing.addRule(
      { name: 'by-dest', match: { realm: 'dest.example', realmFrom: 'destination-realm' }, targets: [B] },
      'cli',
    );
    await routing.addRule({ name: 'by-any', match: { realm: 'any.example' }, targets: [C] }, 'cli');
    assert.equal((await hook(der({ userName: 'x@User.Example' })))?.rule, 'by-user');
    assert.equal(await hook(der({ userName: 'x@iot.example', destinationRealm: 'user.example' })), undefined);
    assert.equal((await hook(der({ destinationRealm: 'DEST.example' })))?.rule, 'by-dest');
    assert.equal(await hook(der({ userName: 'x@dest.example' })), undefined);
    assert.equal((await hook(der({ userName: 'x@any.example' })))?.rule, 'by-any');
    assert.equal(
      (await hook(der({ destinationRealm: 'any.example' })))?.usage,
      RedirectHostUsage.REALM_AND_APPLICATION,
    );
  });

  test('station patterns match the RFC 3580 normal form whatever spelling the NAS used', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule({ name: 'mac', match: { callingStation: 'AA-BB-CC-*' }, targets: [A] }, 'cli');
    await routing.addRule({ name: 'ssid', match: { calledStation: '*:Meters' }, targets: [B] }, 'cli');
    assert.equal((await hook(der({ callingStationId: 'aa:bb:cc:00:11:22' })))?.rule, 'mac');
    assert.equal((await hook(der({ callingStationId: 'aabbcc001122' })))?.rule, 'mac');
    assert.equal((await hook(der({ calledStationId: '00:10:a4:23:19:c0:Meters' })))?.rule, 'ssid');
    assert.equal(await hook(der({ calledStationId: '00-10-A4-23-19-C0:Office' })), undefined);
    assert.equal(await hook(der()), undefined);
  });

  test('identity globs match User-Name or the EAP identity', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule({ name: 'id', match: { identity: 'cam-*@iot.example' }, targets: [A] }, 'cli');
    assert.equal((await hook(der({ userName: 'cam-7@iot.example' })))?.rule, 'id');
    assert.equal(
      (await hook(der({ userName: 'anon@iot.example', eapIdentity: 'cam-7@iot.example' })))?.rule,
      'id',
    );
    assert.equal(await hook(der({ userName: 'Cam-7@iot.example' })), undefined);
  });

  test('all criteria of a rule must match', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule(
      { name: 'both', match: { group: 'meters', realm: 'other.example' }, targets: [A] },
      'cli',
    );
    assert.equal(await hook(der()), undefined);
    assert.equal((await hook(der({ destinationRealm: 'other.example' })))?.rule, 'both');
  });

  test('disabled rules never match', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule({ name: 'off', match: { group: 'meters' }, targets: [A], enabled: false }, 'cli');
    assert.equal(await hook(der()), undefined);
  });

  test('DONT_CACHE decisions carry a cache time of 0', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule(
      { name: 'nc', match: { group: 'meters' }, targets: [A], usage: 'DONT_CACHE' },
      'cli',
    );
    assert.deepEqual(await hook(der()), {
      rule: 'nc',
      targets: [A],
      usage: RedirectHostUsage.DONT_CACHE,
      maxCacheTimeSeconds: 0,
    });
  });
});

describe('redirect rule precedence', () => {
  test('a lower priority number wins over a more specific rule', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule(
      { name: 'specific', match: { identity: 'meter-1@iot.example' }, targets: [A], priority: 100 },
      'cli',
    );
    await routing.addRule(
      { name: 'realm-first', match: { realm: 'iot.example' }, targets: [B], priority: 10 },
      'cli',
    );
    assert.equal((await hook(der()))?.rule, 'realm-first');
  });

  test('at equal priority: identity > station > group > realm', async () => {
    const { routing, clock, hook } = await fixture();
    const facts = der({ callingStationId: 'AA-BB-CC-DD-EE-FF' });
    const next = async (): Promise<string | undefined> => {
      clock.advance(250);
      return (await hook(facts))?.rule;
    };
    await routing.addRule({ name: 'd-realm', match: { realm: 'iot.example' }, targets: [A] }, 'cli');
    assert.equal(await next(), 'd-realm');
    await routing.addRule({ name: 'c-group', match: { group: 'meters' }, targets: [A] }, 'cli');
    await routing.addRule(
      { name: 'c-group-realm', match: { group: 'meters', realm: 'iot.example' }, targets: [A] },
      'cli',
    );
    assert.equal(await next(), 'c-group-realm');
    await routing.addRule({ name: 'b-station', match: { callingStation: 'AA-BB-*' }, targets: [A] }, 'cli');
    assert.equal(await next(), 'b-station');
    await routing.addRule({ name: 'z-identity', match: { identity: 'meter-*' }, targets: [A] }, 'cli');
    assert.equal(await next(), 'z-identity');
  });

  test('at equal priority and specificity the name decides, whatever the insertion order', async () => {
    const { routing, hook } = await fixture();
    await routing.addRule({ name: 'b', match: { group: 'meters' }, targets: [B] }, 'cli');
    await routing.addRule({ name: 'a', match: { group: 'meters' }, targets: [A] }, 'cli');
    assert.equal((await hook(der()))?.rule, 'a');
  });
});

describe('redirect rule freshness', () => {
  test('a change by another connection is seen once the check interval has passed', async () => {
    const { db, clock, hook } = await fixture();
    assert.equal(await hook(der()), undefined);
    const cli = await openRoutingStore({ url: db });
    after(() => cli.close());
    await cli.moveGroup({ group: 'meters', targets: [B] }, 'cli');
    assert.equal(await hook(der()), undefined, 'within the interval the cached model answers');
    clock.advance(250);
    assert.equal((await hook(der()))?.rule, 'group:meters');
    await cli.removeRule('group:meters', 'cli');
    clock.advance(250);
    assert.equal(await hook(der()), undefined);
  });

  test('idle only while no rule is loaded and the last check is fresh', async () => {
    const { db, clock, hook } = await fixture();
    assert.equal(hook.idle?.(), false, 'nothing loaded yet: ask');
    assert.equal(await hook(der()), undefined);
    assert.equal(hook.idle?.(), true, 'no rule, checked just now');
    clock.advance(250);
    assert.equal(hook.idle?.(), false, 'the check is stale: ask, which looks for changes');
    const cli = await openRoutingStore({ url: db });
    after(() => cli.close());
    await cli.moveGroup({ group: 'meters', targets: [B] }, 'cli');
    assert.equal((await hook(der()))?.rule, 'group:meters');
    assert.equal(hook.idle?.(), false, 'a rule is loaded');
  });

  test('servedRealms includes realms added at run time', async () => {
    const { routing, clock, hook } = await fixture();
    assert.deepEqual([...(await hook.servedRealms())], []);
    await routing.addRealm('IoT.Example', 'cli');
    clock.advance(250);
    assert.deepEqual([...(await hook.servedRealms())], ['iot.example']);
  });

  test('keeps answering from the last loaded rules when the store fails', async () => {
    const { routing, hook } = await fixture();
    await routing.moveGroup({ group: 'meters', targets: [B] }, 'cli');
    await hook.refresh();
    await routing.close();
    await hook.refresh();
    assert.equal((await hook(der()))?.rule, 'group:meters');
  });

  test('without a device store (redirect-agent mode) group rules never match but others do', async () => {
    const { routing, clock } = await fixture();
    const hook = createRedirectHook({ routing, clock, logger: quiet });
    await routing.moveGroup({ group: 'meters', targets: [B] }, 'cli');
    await routing.addRule({ name: 'realm', match: { realm: 'iot.example' }, targets: [A] }, 'cli');
    assert.equal((await hook(der()))?.rule, 'realm');
  });
});
