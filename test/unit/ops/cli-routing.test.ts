import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runGroupCommand } from '../../../src/ops/cli/group-command.js';
import { runRealmCommand } from '../../../src/ops/cli/realm-command.js';
import { runRouteCommand } from '../../../src/ops/cli/route-command.js';
import type { DeviceStore } from '../../../src/store/device-store.js';
import { openStore } from '../../../src/store/open-store.js';
import { openRoutingStore } from '../../../src/store/routing/open-routing-store.js';
import type { RoutingStore } from '../../../src/store/routing/routing-store.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function fixture(): Promise<{
  routing: RoutingStore;
  devices: DeviceStore;
  route: (...a: string[]) => Promise<Run>;
  realm: (...a: string[]) => Promise<Run>;
  group: (...a: string[]) => Promise<Run>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'eapd-cli-routing-'));
  const url = `sqlite:${join(dir, 'eapd.sqlite')}`;
  const devices = await openStore({ url, masterKeyFile: join(dir, 'master.key') });
  const routing = await openRoutingStore({ url });
  after(async () => {
    await routing.close();
    await devices.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const runner =
    (
      fn: (
        a: string[],
        io: {
          routing: RoutingStore;
          devices: DeviceStore;
          out: (s: string) => void;
          err: (s: string) => void;
        },
      ) => Promise<number>,
    ) =>
    async (...args: string[]): Promise<Run> => {
      let out = '';
      let err = '';
      const code = await fn(args, { routing, devices, out: (s) => (out += s), err: (s) => (err += s) });
      return { code, out, err };
    };
  return {
    routing,
    devices,
    route: runner(runRouteCommand),
    realm: runner(runRealmCommand),
    group: runner(runGroupCommand),
  };
}

describe('eapd route', () => {
  test('adds, lists and removes a rule', async () => {
    const { routing, route } = await fixture();
    const add = await route(
      'add',
      'north',
      '--realm',
      'north.example',
      '--to',
      'aaa://b.example:3868;transport=tcp',
      '--priority',
      '10',
    );
    assert.equal(add.code, 0, add.err);
    assert.match(
      add.out,
      /^added rule north \(realm=north\.example → aaa:\/\/b\.example;transport=tcp; REALM_AND_APPLICATION, cache 3600s; priority 10\)/,
    );
    const list = await route('list');
    assert.match(list.out, /^NAME +PRIO +ENABLED/);
    assert.match(
      list.out,
      /north +10 +yes +realm=north\.example +REALM_AND_APPLICATION +3600 +aaa:\/\/b\.example;transport=tcp/,
    );
    const json = JSON.parse((await route('list', '--json')).out) as { name: string; source: string }[];
    assert.deepEqual(
      json.map((r) => [r.name, r.source]),
      [['north', 'operator']],
    );
    assert.equal((await route('remove', 'north')).code, 0);
    assert.deepEqual(await routing.listRules(), []);
    assert.equal((await route('remove', 'north')).code, 1);
  });

  test('bad input: exit 1, a message naming the flag, nothing written', async () => {
    const { routing, route } = await fixture();
    const badUri = await route('add', 'r', '--group', 'G', '--to', 'http://b.example');
    assert.equal(badUri.code, 1);
    assert.match(
      badUri.err,
      /--to\[0\]: DiameterURI "http:\/\/b\.example": must start with aaa:\/\/ or aaas:\/\//,
    );
    const badCache = await route(
      'add',
      'r',
      '--group',
      'G',
      '--to',
      'aaa://b.example',
      '--max-cache-time',
      '0',
    );
    assert.equal(badCache.code, 1);
    assert.match(badCache.err, /--max-cache-time: /);
    const badNum = await route('add', 'r', '--group', 'G', '--to', 'aaa://b.example', '--priority', 'high');
    assert.equal(badNum.code, 1);
    assert.match(badNum.err, /--priority: "high" is not a non-negative integer/);
    const noMatch = await route('add', 'r', '--to', 'aaa://b.example');
    assert.equal(noMatch.code, 1);
    assert.match(noMatch.err, /^eapd route add: match /);
    assert.deepEqual(await routing.listRules(), []);
    assert.deepEqual(await routing.auditLog(), []);
  });

  test('usage errors exit 2', async () => {
    const { route } = await fixture();
    assert.equal((await route('add', 'r', '--group', 'G')).code, 2);
    assert.equal((await route('frobnicate')).code, 2);
    assert.equal((await route('add', 'r', '--bogus')).code, 2);
    assert.equal((await route()).code, 2);
  });
});

describe('eapd group move', () => {
  test('creates then updates rule group:<g>, audited as cli', async () => {
    const { routing, group } = await fixture();
    const first = await group('move', 'meters', '--to', 'aaa://b.example;transport=tcp');
    assert.equal(first.code, 0, first.err);
    assert.match(
      first.out,
      /^added rule group:meters \(group=meters → aaa:\/\/b\.example;transport=tcp; ALL_USER, cache 3600s; priority 50\)/,
    );
    assert.match(first.err, /warning: this server holds no device of group meters/);
    const second = await group(
      'move',
      'meters',
      '--to',
      'aaa://c.example',
      '--to',
      'aaa://d.example',
      '--usage',
      'ALL_SESSION',
      '--max-cache-time',
      '60',
    );
    assert.equal(second.code, 0, second.err);
    const rule = await routing.getRule('group:meters');
    assert.deepEqual(rule?.targets, ['aaa://c.example', 'aaa://d.example']);
    assert.equal(rule?.maxCacheTimeSeconds, 60);
    assert.ok((await routing.auditLog()).every((e) => e.actor === 'cli'));
  });

  test('needs --to', async () => {
    const { group } = await fixture();
    assert.equal((await group('move', 'meters')).code, 2);
  });
});

describe('eapd realm', () => {
  test('adds, lists and removes served realms; refuses a bad one naming the field', async () => {
    const { realm } = await fixture();
    assert.equal((await realm('add', 'IoT.Example')).out, 'serving realm iot.example\n');
    assert.match((await realm('list')).out, /iot\.example +operator/);
    const bad = await realm('add', 'not a realm');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /realm: "not a realm" is not a realm/);
    assert.equal((await realm('add', 'iot.example')).code, 1);
    assert.equal((await realm('remove', 'iot.example')).code, 0);
    assert.equal((await realm('remove', 'iot.example')).code, 1);
  });
});
