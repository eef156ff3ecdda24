import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createRedirectHook } from '../../../src/app/redirect/create-redirect-hook.js';
import { createAdminServer } from '../../../src/ops/admin/admin-server.js';
import { adminActor, registerRoutesApi } from '../../../src/ops/admin/routes-api.js';
import { silentLogger } from '../../../src/ops/logging.js';
import { openRoutingStore } from '../../../src/store/routing/open-routing-store.js';
import type { RoutingStore } from '../../../src/store/routing/routing-store.js';
import { monotonicClock } from '../../../src/util/clock.js';

const B = 'aaa://aaa.new.example:3868;transport=tcp';
const VISIBLE_WITHIN_MS = 1000;

interface Api {
  routing: RoutingStore;
  db: string;
  token: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: unknown }>;
}

async function fixture(): Promise<Api> {
  const dir = mkdtempSync(join(tmpdir(), 'eapd-routes-api-'));
  const db = join(dir, 'eapd.sqlite');
  const routing = await openRoutingStore({ url: db });
  const admin = createAdminServer({
    host: '127.0.0.1',
    port: 0,
    tokenFile: join(dir, 'admin.token'),
    metrics: { contentType: 'text/plain', metricsText: async () => '' },
    logger: silentLogger(),
  });
  registerRoutesApi(admin, { routing });
  const { port } = await admin.listen();
  after(async () => {
    await admin.close();
    await routing.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const token = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
  const call = async (method: string, path: string, body?: unknown, bearer = token) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  return { routing, db, token, call };
}

describe('admin routing API', () => {
  test('a group move through the API is visible to a running hook on another connection within a second', async () => {
    const { db, call } = await fixture();
    const serverSide = await openRoutingStore({ url: db });
    after(() => serverSide.close());
    const device = {
      identity: 'd@iot.example',
      group: 'G',
      enabled: true,
      allowedAps: [],
      allowedMacs: [],
      createdAt: '',
      updatedAt: '',
    };
    const devices = { get: async (identity: string) => (identity === device.identity ? device : undefined) };
    const hook = createRedirectHook({
      routing: serverSide,
      devices,
      clock: monotonicClock,
      logger: { debug() {}, info() {}, warn() {} },
    });
    const facts = { originHost: 'fd.example', destinationRealm: 'iot.example', userName: 'd@iot.example' };
    assert.equal(await hook(facts), undefined);
    const moved = await call('POST', '/api/groups/G/move', { targets: [B] });
    assert.equal(moved.status, 201);
    const start = performance.now();
    let decision = await hook(facts);
    while (decision === undefined && performance.now() - start < VISIBLE_WITHIN_MS) {
      await new Promise((r) => setTimeout(r, 20));
      decision = await hook(facts);
    }
    assert.ok(decision !== undefined, 'the hook did not see the change within a second');
    assert.deepEqual(decision.targets, ['aaa://aaa.new.example;transport=tcp']);
  });

  test('creates, lists, reads and deletes rules', async () => {
    const { call } = await fixture();
    const created = await call('POST', '/api/routes', {
      name: 'r1',
      match: { realm: 'iot.example' },
      targets: [B],
    });
    assert.equal(created.status, 201);
    assert.equal((created.body as { usage: string }).usage, 'REALM_AND_APPLICATION');
    const list = await call('GET', '/api/routes');
    assert.deepEqual(
      (list.body as { rules: { name: string }[] }).rules.map((r) => r.name),
      ['r1'],
    );
    assert.equal((await call('GET', '/api/routes/r1')).status, 200);
    assert.equal(
      (await call('POST', '/api/routes', { name: 'r1', match: { realm: 'x.example' }, targets: [B] })).status,
      409,
    );
    assert.equal(
      (
        await call('POST', '/api/routes?replace=true', {
          name: 'r1',
          match: { realm: 'x.example' },
          targets: [B],
        })
      ).status,
      200,
    );
    assert.equal((await call('DELETE', '/api/routes/r1')).status, 204);
    assert.equal((await call('DELETE', '/api/routes/r1')).status, 404);
    assert.equal((await call('GET', '/api/routes/r1')).status, 404);
  });

  test('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const { routing, call } = await fixture();
    const bad = await call('POST', '/api/routes', { name: 'r1', match: { group: 'G' }, targets: ['aaa://'] });
    assert.equal(bad.status, 400);
    assert.match((bad.body as { error: { message: string } }).error.message, /^targets\[0\]: /);
    const noCache = await call('POST', '/api/groups/G/move', { targets: [B], maxCacheTimeSeconds: 0 });
    assert.equal(noCache.status, 400);
    assert.match((noCache.body as { error: { message: string } }).error.message, /^maxCacheTimeSeconds: /);
    const realm = await call('POST', '/api/realms', { realm: 'bad realm' });
    assert.equal(realm.status, 400);
    assert.match((realm.body as { error: { message: string } }).error.message, /^realm: /);
    assert.deepEqual(await routing.listRules(), []);
    assert.deepEqual(await routing.listRealms(), []);
    assert.deepEqual(await routing.auditLog(), []);
  });

  test('needs the bearer token', async () => {
    const { routing, call } = await fixture();
    const res = await call('POST', '/api/realms', { realm: 'iot.example' }, 'not-the-token');
    assert.equal(res.status, 401);
    assert.deepEqual(await routing.listRealms(), []);
  });

  test('manages realms and audits every change with the token id, never the token', async () => {
    const { token, call } = await fixture();
    assert.equal((await call('POST', '/api/realms', { realm: 'IoT.Example' })).status, 201);
    assert.equal((await call('POST', '/api/realms', { realm: 'iot.example' })).status, 409);
    const realms = await call('GET', '/api/realms');
    assert.deepEqual(
      (realms.body as { realms: { realm: string }[] }).realms.map((r) => r.realm),
      ['iot.example'],
    );
    assert.equal((await call('DELETE', '/api/realms/iot.example')).status, 204);
    const audit = await call('GET', '/api/routing/audit');
    const entries = (audit.body as { entries: { actor: string; action: string; detail: string }[] }).entries;
    assert.deepEqual(
      entries.map((e) => e.action),
      ['realm.remove', 'realm.add'],
    );
    const actor = adminActor(`Bearer ${token}`);
    assert.match(actor, /^admin:[0-9a-f]{12}$/);
    assert.ok(entries.every((e) => e.actor === actor));
    assert.ok(!JSON.stringify(audit.body).includes(token));
  });
});
