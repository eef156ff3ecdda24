import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../../src/ops/config/load.js';
import { configReference } from '../../../src/ops/config/doc.js';

function tempFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eapd-config-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, content);
  return file;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return [...e.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  test('defaults load without any file or environment', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.diameter.port, 3868);
    assert.equal(c.diameter.unknownPeers, 'loopback-only');
    assert.equal(c.admin.host, '127.0.0.1');
    assert.equal(c.admin.port, 9464);
  });

  test('the interface environment variables set their keys', () => {
    const c = loadConfig({
      env: {
        EAPD_DIAMETER_PORT: '13868',
        EAPD_ORIGIN_HOST: 'aaa.home.example',
        EAPD_ORIGIN_REALM: 'home.example',
        EAPD_STORE: '/tmp/x.sqlite',
        EAPD_ADMIN_PORT: '19464',
        EAPD_LOG_LEVEL: 'debug',
      },
    });
    assert.equal(c.diameter.port, 13868);
    assert.equal(c.node.originHost, 'aaa.home.example');
    assert.equal(c.node.originRealm, 'home.example');
    assert.equal(c.store.url, '/tmp/x.sqlite');
    assert.equal(c.admin.port, 19464);
    assert.equal(c.log.level, 'debug');
  });

  test('list variables (EAPD_PEERS, EAPD_REDIRECT_RULES, EAPD_SERVED_REALMS) take JSON lists', () => {
    const c = loadConfig({
      env: {
        EAPD_PEERS: '[{"originHost":"dea.edge.example"}]',
        EAPD_REDIRECT_RULES:
          '[{"name":"meters-to-b","match":{"group":"meters"},"targets":["aaa://aaa.b.example"]}]',
        EAPD_SERVED_REALMS: '["iot.example"]',
      },
    });
    assert.deepEqual(c.diameter.peers, [{ originHost: 'dea.edge.example' }]);
    assert.equal(c.redirect.rules.length, 1);
    assert.deepEqual(c.node.servedRealms, ['iot.example']);
  });

  test('a list variable that is not JSON is refused naming the variable', () => {
    const p = problems(() => loadConfig({ env: { EAPD_PEERS: 'dea.edge.example' } }));
    assert.ok(
      p.some((m) => m.includes('diameter.peers') && m.includes('EAPD_PEERS')),
      p.join('\n'),
    );
  });

  test('environment wins over the config file', () => {
    const file = tempFile(
      JSON.stringify({ diameter: { port: 4000 }, node: { originRealm: 'file.example' } }),
    );
    const c = loadConfig({ file, env: { EAPD_DIAMETER_PORT: '5000' } });
    assert.equal(c.diameter.port, 5000);
    assert.equal(c.node.originRealm, 'file.example');
  });

  test('a bad value names the key, the value, what is allowed and the variable', () => {
    const p = problems(() => loadConfig({ env: { EAPD_DIAMETER_PORT: '70000' } }));
    assert.equal(p.length, 1);
    assert.match(p[0]!, /^diameter\.port: .*65535.*70000.*EAPD_DIAMETER_PORT/);
  });

  test('a watchdog interval under 6 s is refused citing RFC 3539', () => {
    const p = problems(() => loadConfig({ env: { EAPD_WATCHDOG_SECONDS: '5' } }));
    assert.match(p[0]!, /diameter\.watchdogSeconds: must be a number of seconds ≥ 6 \(RFC 3539/);
  });

  test('an unknown key in the file is an error naming the key', () => {
    const file = tempFile(JSON.stringify({ diameter: { prot: 3868 } }));
    const p = problems(() => loadConfig({ file, env: {} }));
    assert.match(p[0]!, /^diameter\.prot: unknown key/);
  });

  test('a file that is not JSON is an error naming the file', () => {
    const file = tempFile('{ not json');
    const p = problems(() => loadConfig({ file, env: {} }));
    assert.match(p[0]!, new RegExp(`--config ${file}: not valid JSON`));
  });

  test('a missing file is an error naming the file', () => {
    const p = problems(() => loadConfig({ file: '/nonexistent/eapd.json', env: {} }));
    assert.match(p[0]!, /--config \/nonexistent\/eapd\.json: cannot read the file/);
  });

  test('a peer entry with an unknown field is refused with its index', () => {
    const file = tempFile(
      JSON.stringify({ diameter: { peers: [{ originHost: 'dea.edge.example', realms: 'x' }] } }),
    );
    const p = problems(() => loadConfig({ file, env: {} }));
    assert.match(p[0]!, /diameter\.peers: entry 0: unknown field "realms"/);
  });

  test('an Origin-Host that is not an FQDN is refused', () => {
    const p = problems(() => loadConfig({ env: { EAPD_ORIGIN_HOST: 'not a host' } }));
    assert.match(p[0]!, /^node\.originHost: must be a fully qualified domain name/);
  });

  test('the generated reference lists every environment variable of the interface', () => {
    const doc = configReference();
    for (const v of [
      'EAPD_DIAMETER_PORT',
      'EAPD_ORIGIN_HOST',
      'EAPD_ORIGIN_REALM',
      'EAPD_STORE',
      'EAPD_ADMIN_PORT',
      'EAPD_LOG_LEVEL',
    ]) {
      assert.ok(doc.includes(`\`${v}\``), v);
    }
  });
});
