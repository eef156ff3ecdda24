import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after } from 'node:test';
import { RedirectHostUsage } from '../../../../src/diameter/dict/constants.gen.js';
import { openStore } from '../../../../src/store/open-store.js';
import { openRoutingStore } from '../../../../src/store/routing/open-routing-store.js';
import { isRoutingError, RoutingErrorCode } from '../../../../src/store/routing/routing-error.js';
import type { RoutingStore } from '../../../../src/store/routing/routing-store.js';
import { tempDir } from '../temp-store.js';

const URI_B = 'aaa://aaa.new.example;transport=tcp';

async function open(db?: string): Promise<{ db: string; routing: RoutingStore }> {
  const path = db ?? join(tempDir(), 'eapd.sqlite');
  const routing = await openRoutingStore({ url: `sqlite:${path}` });
  after(() => routing.close());
  return { db: path, routing };
}

describe('SQLite routing store', () => {
  test('adds, lists and removes served realms, refusing duplicates and unknown ones', async () => {
    const { routing } = await open();
    await routing.addRealm('IoT.Example', 'cli');
    assert.deepEqual(
      (await routing.listRealms()).map((r) => r.realm),
      ['iot.example'],
    );
    await assert.rejects(routing.addRealm('iot.example', 'cli'), (e) =>
      isRoutingError(e, RoutingErrorCode.RealmExists),
    );
    await routing.removeRealm('iot.example', 'cli');
    await assert.rejects(routing.removeRealm('iot.example', 'cli'), (e) =>
      isRoutingError(e, RoutingErrorCode.RealmNotFound),
    );
  });

  test('stores a rule with its targets in order and reads it back', async () => {
    const { routing } = await open();
    const added = await routing.addRule(
      {
        name: 'r1',
        match: { realm: 'iot.example', realmFrom: 'user-name' },
        targets: [URI_B, 'aaas://b2.example'],
        priority: 7,
      },
      'cli',
    );
    assert.deepEqual(added.targets, [URI_B, 'aaas://b2.example']);
    assert.equal(added.usage, RedirectHostUsage.REALM_AND_APPLICATION);
    assert.deepEqual(await routing.getRule('r1'), added);
    assert.deepEqual(await routing.listRules(), [added]);
  });

  test('refuses an existing rule name unless asked to replace, and invalid input writes nothing', async () => {
    const { routing } = await open();
    await routing.addRule({ name: 'r1', match: { group: 'g' }, targets: [URI_B] }, 'cli');
    await assert.rejects(
      routing.addRule({ name: 'r1', match: { group: 'h' }, targets: [URI_B] }, 'cli'),
      (e) => isRoutingError(e, RoutingErrorCode.RuleExists),
    );
    await assert.rejects(routing.addRule({ name: 'r2', match: { group: 'h' }, targets: ['bogus'] }, 'cli'));
    const replaced = await routing.addRule({ name: 'r1', match: { group: 'h' }, targets: [URI_B] }, 'cli', {
      replace: true,
    });
    assert.equal(replaced.match.group, 'h');
    assert.deepEqual(
      (await routing.listRules()).map((r) => r.name),
      ['r1'],
    );
  });

  test('group move creates rule group:<g> with ALL_USER, then replaces its targets', async () => {
    const { routing } = await open();
    const first = await routing.moveGroup({ group: 'meters', targets: [URI_B] }, 'cli');
    assert.equal(first.created, true);
    assert.equal(first.rule.name, 'group:meters');
    assert.equal(first.rule.usage, RedirectHostUsage.ALL_USER);
    const second = await routing.moveGroup({ group: 'meters', targets: ['aaa://c.example'] }, 'cli');
    assert.equal(second.created, false);
    assert.deepEqual(second.rule.targets, ['aaa://c.example']);
    assert.equal((await routing.listRules()).length, 1);
  });

  test('records who, when and what for every change in the audit trail, newest first', async () => {
    const { routing } = await open();
    await routing.addRealm('iot.example', 'cli');
    await routing.moveGroup({ group: 'meters', targets: [URI_B] }, 'admin:0123456789ab');
    await routing.removeRule('group:meters', 'cli');
    const log = await routing.auditLog();
    assert.deepEqual(
      log.map((e) => [e.actor, e.action, e.subject]),
      [
        ['cli', 'rule.remove', 'group:meters'],
        ['admin:0123456789ab', 'rule.add', 'group:meters'],
        ['cli', 'realm.add', 'iot.example'],
      ],
    );
    assert.match(log[1]!.detail, /aaa\.new\.example/);
    assert.ok(!Number.isNaN(Date.parse(log[0]!.at)));
  });

  test('config routing replaces only config entries, and refuses a name an operator rule holds', async () => {
    const { routing } = await open();
    await routing.addRule({ name: 'op', match: { group: 'g' }, targets: [URI_B] }, 'cli');
    await routing.replaceConfigRouting(
      { realms: ['a.example'], rules: [{ name: 'c1', match: { realm: 'x.example' }, targets: [URI_B] }] },
      'config',
    );
    await routing.replaceConfigRouting(
      { realms: ['b.example'], rules: [{ name: 'c2', match: { realm: 'y.example' }, targets: [URI_B] }] },
      'config',
    );
    assert.deepEqual(
      (await routing.listRules()).map((r) => [r.name, r.source]),
      [
        ['c2', 'config'],
        ['op', 'operator'],
      ],
    );
    assert.deepEqual(
      (await routing.listRealms()).map((r) => r.realm),
      ['b.example'],
    );
    await assert.rejects(
      routing.replaceConfigRouting(
        { realms: [], rules: [{ name: 'op', match: { group: 'g' }, targets: [URI_B] }] },
        'config',
      ),
      (e) => isRoutingError(e, RoutingErrorCode.SourceConflict),
    );
    assert.deepEqual(
      (await routing.listRules()).map((r) => r.name),
      ['c2', 'op'],
    );
    await assert.rejects(routing.removeRule('c2', 'cli'), (e) =>
      isRoutingError(e, RoutingErrorCode.SourceConflict),
    );
  });

  test('the change token moves on this connection’s writes and on another connection’s commits', async () => {
    const { db, routing } = await open();
    const other = (await open(db)).routing;
    const t0 = await routing.changeToken();
    assert.equal(await routing.changeToken(), t0);
    await other.addRealm('iot.example', 'cli');
    const t1 = await routing.changeToken();
    assert.notEqual(t1, t0);
    await routing.addRealm('other.example', 'cli');
    assert.notEqual(await routing.changeToken(), t1);
  });

  test('shares the database with the device store (either may create it)', async () => {
    const dir = tempDir();
    const path = join(dir, 'eapd.sqlite');
    const devices = await openStore({ url: `sqlite:${path}`, masterKeyFile: join(dir, 'master.key') });
    after(() => devices.close());
    const { routing } = await open(path);
    await routing.addRealm('iot.example', 'cli');
    assert.deepEqual(await devices.list(), []);
  });
});
