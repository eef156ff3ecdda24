import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminServer, type AdminServer } from '../../../src/ops/admin/admin-server.js';
import { AdminHttpError } from '../../../src/ops/admin/admin-error.js';
import { TOKEN_FILE_MODE } from '../../../src/ops/admin/token-file.js';
import { createMetrics, type Metrics } from '../../../src/ops/metrics/create-metrics.js';
import { silentLogger } from '../../../src/ops/logging.js';

const LOOPBACK = '127.0.0.1';
const PERMISSION_BITS = 0o777;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function call(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: LOOPBACK, port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function json(r: Reply): Record<string, unknown> {
  return JSON.parse(r.text) as Record<string, unknown>;
}

describe('admin HTTP listener on a loopback port', () => {
  let dir: string;
  let tokenFile: string;
  let metrics: Metrics;
  let admin: AdminServer;
  let port: number;
  let token: string;
  let storeUp = false;
  const echoed: unknown[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eapd-admin-'));
    tokenFile = join(dir, 'var', 'admin.token');
    metrics = createMetrics({ buildInfo: { version: '0.0.0-admin-test' }, processMetrics: false });
    admin = createAdminServer({
      host: LOOPBACK,
      port: 0,
      tokenFile,
      metrics,
      logger: silentLogger(),
      maxBodyBytes: 1024,
      readinessTimeoutMs: 200,
    });
    admin.addReadinessCheck('store reachable', () => storeUp);
    admin.addReadinessCheck('listeners up', async () => true);
    admin.route('POST', '/api/v1/echo/:name', (r) => {
      echoed.push(r.body);
      return { status: 201, body: { name: r.params['name'], body: r.body } };
    });
    admin.route('GET', '/api/v1/teapot', () => {
      throw new AdminHttpError(418, 'teapot', 'short and stout');
    });
    admin.route('GET', '/api/v1/boom', () => {
      throw new Error('unexpected');
    });
    admin.route('GET', '/api/v1/public', () => ({ status: 200, body: { ok: true } }), { auth: false });
    ({ port } = await admin.listen());
    token = readFileSync(tokenFile, 'utf8').trim();
  });

  after(async () => {
    await admin.close();
    await admin.close();
    metrics.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates the token file with mode 0600 and a 256-bit random token on first start', () => {
    assert.equal(statSync(tokenFile).mode & PERMISSION_BITS, TOKEN_FILE_MODE);
    assert.match(token, /^[0-9a-f]{64}$/);
  });

  test('GET /healthz answers 200 while the process runs', async () => {
    const r = await call(port, 'GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(json(r), { status: 'ok' });
  });

  test('GET /metrics serves Prometheus text without a token', async () => {
    const r = await call(port, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(r.text, /^eapd_build_info\{version="0\.0\.0-admin-test"/m);
    assert.match(
      r.text,
      /^eapd_eap_authentications_total\{method="psk",result="success",transport="diameter"\} 0$/m,
    );
  });

  test('GET /readyz answers 503 naming the failing check, then 200 once every check passes', async () => {
    storeUp = false;
    const down = await call(port, 'GET', '/readyz');
    assert.equal(down.status, 503);
    const body = json(down) as {
      checks: { name: string; ok: boolean }[];
      error: { code: string; message: string };
    };
    assert.equal(body.error.code, 'not_ready');
    assert.match(body.error.message, /store reachable/);
    assert.doesNotMatch(body.error.message, /listeners up/);
    assert.deepEqual(body.checks, [
      { name: 'store reachable', ok: false },
      { name: 'listeners up', ok: true },
    ]);
    storeUp = true;
    const up = await call(port, 'GET', '/readyz');
    assert.equal(up.status, 200);
    assert.equal(json(up)['status'], 'ready');
  });

  test('a readiness check that throws or hangs counts as failing', async () => {
    const other = createAdminServer({
      host: LOOPBACK,
      port: 0,
      tokenFile,
      metrics,
      logger: silentLogger(),
      readinessTimeoutMs: 50,
    });
    other.addReadinessCheck('store reachable', () => {
      throw new Error('database is locked');
    });
    other.addReadinessCheck('listeners up', () => new Promise<boolean>(() => undefined));
    const { port: p } = await other.listen();
    try {
      const r = await call(p, 'GET', '/readyz');
      assert.equal(r.status, 503);
      assert.match(r.text, /store reachable, listeners up/);
      assert.doesNotMatch(r.text, /database is locked/);
    } finally {
      await other.close();
    }
  });

  test('an API route without a token answers 401 with a WWW-Authenticate challenge', async () => {
    const r = await call(port, 'POST', '/api/v1/echo/x', {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="eapd-admin"');
    assert.equal((json(r)['error'] as { code: string }).code, 'unauthorized');
    assert.equal(echoed.length, 0);
  });

  test('a wrong token answers 401 with error="invalid_token"', async () => {
    for (const authorization of [
      `Bearer ${'0'.repeat(64)}`,
      `Bearer ${token}x`,
      `Basic ${token}`,
      'Bearer',
      `Bearer ${token.slice(1)}`,
    ]) {
      const r = await call(port, 'GET', '/api/v1/teapot', { headers: { authorization } });
      assert.equal(r.status, 401, authorization);
      assert.equal(r.headers['www-authenticate'], 'Bearer realm="eapd-admin", error="invalid_token"');
    }
  });

  test('the right token reaches the handler with path parameters and the parsed JSON body', async () => {
    const r = await call(port, 'POST', '/api/v1/echo/rule%201', {
      headers: { authorization: `bearer ${token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ usage: 'ALL_USER' }),
    });
    assert.equal(r.status, 201);
    assert.deepEqual(json(r), { name: 'rule 1', body: { usage: 'ALL_USER' } });
  });

  test('a route declared public needs no token', async () => {
    assert.equal((await call(port, 'GET', '/api/v1/public')).status, 200);
  });

  test('handler errors become JSON errors; an unexpected throw is a 500 without details', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const teapot = await call(port, 'GET', '/api/v1/teapot', { headers: auth });
    assert.equal(teapot.status, 418);
    assert.deepEqual(json(teapot), { error: { code: 'teapot', message: 'short and stout' } });
    const boom = await call(port, 'GET', '/api/v1/boom', { headers: auth });
    assert.equal(boom.status, 500);
    assert.deepEqual(json(boom), { error: { code: 'internal_error', message: 'internal error' } });
  });

  test('unknown paths answer 404 and wrong methods 405 with Allow', async () => {
    const missing = await call(port, 'GET', '/nope');
    assert.equal(missing.status, 404);
    assert.equal((json(missing)['error'] as { code: string }).code, 'not_found');
    const wrong = await call(port, 'DELETE', '/metrics');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers['allow'], 'GET, HEAD');
  });

  test('HEAD /healthz answers 200 without a body', async () => {
    const r = await call(port, 'HEAD', '/healthz');
    assert.equal(r.status, 200);
    assert.equal(r.text, '');
  });

  test('refuses bodies over the limit (413), non-JSON (415) and malformed JSON (400)', async () => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const big = await call(port, 'POST', '/api/v1/echo/x', { headers, body: `"${'a'.repeat(2048)}"` });
    assert.equal(big.status, 413);
    assert.equal((json(big)['error'] as { code: string }).code, 'payload_too_large');
    const text = await call(port, 'POST', '/api/v1/echo/x', {
      headers: { ...headers, 'content-type': 'text/plain' },
      body: 'hi',
    });
    assert.equal(text.status, 415);
    const broken = await call(port, 'POST', '/api/v1/echo/x', { headers, body: '{"usage":' });
    assert.equal(broken.status, 400);
    assert.equal((json(broken)['error'] as { code: string }).code, 'bad_request');
  });

  test('survives garbage on the socket and keeps serving', async () => {
    const { connect } = await import('node:net');
    await new Promise<void>((resolve) => {
      const s = connect(port, LOOPBACK, () => s.end('\x00\x01GARBAGE / HTTP/9\r\n\r\n'));
      s.on('data', () => undefined);
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    assert.equal((await call(port, 'GET', '/healthz')).status, 200);
  });

  test('reuses an existing token file and refuses one that others can read', async () => {
    const shared = join(dir, 'shared.token');
    writeFileSync(shared, `${'b'.repeat(40)}\n`, { mode: 0o644 });
    chmodSync(shared, 0o644);
    const refused = createAdminServer({
      host: LOOPBACK,
      port: 0,
      tokenFile: shared,
      metrics,
      logger: silentLogger(),
    });
    await assert.rejects(refused.listen(), /chmod 600/);
    chmodSync(shared, 0o600);
    const ok = createAdminServer({
      host: LOOPBACK,
      port: 0,
      tokenFile: shared,
      metrics,
      logger: silentLogger(),
    });
    ok.route('GET', '/api/v1/who', () => ({ status: 200, body: { ok: true } }));
    const { port: p } = await ok.listen();
    try {
      assert.equal(
        (await call(p, 'GET', '/api/v1/who', { headers: { authorization: `Bearer ${'b'.repeat(40)}` } }))
          .status,
        200,
      );
      assert.equal(
        (await call(p, 'GET', '/api/v1/who', { headers: { authorization: `Bearer ${token}` } })).status,
        401,
      );
      assert.equal(readFileSync(shared, 'utf8').trim(), 'b'.repeat(40), 'the existing token is kept');
    } finally {
      await ok.close();
    }
  });
});
