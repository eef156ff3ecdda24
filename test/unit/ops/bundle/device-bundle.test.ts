import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { BUNDLE_MAGIC, decodeBundle } from '../../../../src/ops/bundle/bundle-format.js';
import { openDeviceBundle, sealDeviceBundle } from '../../../../src/ops/bundle/device-bundle.js';
import { runGroupCommand } from '../../../../src/ops/cli/group-command.js';
import type { ExportedDevice } from '../../../../src/store/device.js';
import type { DeviceStore } from '../../../../src/store/device-store.js';
import { openStore } from '../../../../src/store/open-store.js';
import { openRoutingStore } from '../../../../src/store/routing/open-routing-store.js';
import type { RoutingStore } from '../../../../src/store/routing/routing-store.js';

const PSK_HEX = '000102030405060708090a0b0c0d0e0f';
const PASS = Buffer.from('correct horse battery staple');

function device(identity: string): ExportedDevice {
  return {
    identity,
    group: 'G',
    enabled: true,
    allowedAps: ['00-10-A4-23-19-C0:Meters'],
    allowedMacs: [],
    createdAt: '',
    updatedAt: '',
    psk: Buffer.from(PSK_HEX, 'hex'),
  };
}

describe('device bundle', () => {
  test('round trip with a passphrase: same devices and PSKs, no plaintext PSK in the file', () => {
    const file = sealDeviceBundle('G', [device('d1@iot.example'), device('d2@iot.example')], {
      kind: 'passphrase',
      passphrase: PASS,
    });
    assert.ok(file.subarray(0, BUNDLE_MAGIC.length).equals(BUNDLE_MAGIC));
    assert.ok(!file.includes(Buffer.from(PSK_HEX)) && !file.includes(Buffer.from(PSK_HEX, 'hex')));
    assert.ok(!file.includes(Buffer.from('d1@iot.example')));
    const opened = openDeviceBundle(file, { kind: 'passphrase', passphrase: PASS });
    assert.equal(opened.header.devices, 2);
    assert.deepEqual(
      opened.devices.map((d) => [d.identity, d.psk.toString('hex'), d.group, d.allowedAps]),
      [
        ['d1@iot.example', PSK_HEX, 'G', ['00-10-A4-23-19-C0:Meters']],
        ['d2@iot.example', PSK_HEX, 'G', ['00-10-A4-23-19-C0:Meters']],
      ],
    );
  });

  test('round trip for an X25519 recipient key; another key is refused naming the key ids', () => {
    const mine = generateKeyPairSync('x25519');
    const other = generateKeyPairSync('x25519');
    const file = sealDeviceBundle('G', [device('d1@iot.example')], {
      kind: 'x25519',
      publicKey: mine.publicKey,
    });
    assert.equal(decodeBundle(file).header.kdf.name, 'X25519-HKDF-SHA256');
    assert.equal(
      openDeviceBundle(file, { kind: 'x25519', privateKey: mine.privateKey }).devices[0]?.identity,
      'd1@iot.example',
    );
    assert.throws(
      () => openDeviceBundle(file, { kind: 'x25519', privateKey: other.privateKey }),
      /this bundle is for key [0-9a-f]{16}/,
    );
    assert.throws(
      () => openDeviceBundle(file, { kind: 'passphrase', passphrase: PASS }),
      /sealed for an X25519 key/,
    );
  });

  test('a wrong passphrase is refused', () => {
    const file = sealDeviceBundle('G', [device('d1@iot.example')], { kind: 'passphrase', passphrase: PASS });
    assert.throws(
      () =>
        openDeviceBundle(file, { kind: 'passphrase', passphrase: Buffer.from('wrong horse battery staple') }),
      /authentication failed/,
    );
  });

  test('any changed byte — header, ciphertext or tag — is refused', () => {
    const keys = generateKeyPairSync('x25519');
    const sealed = sealDeviceBundle('G', [device('d1@iot.example')], {
      kind: 'x25519',
      publicKey: keys.publicKey,
    });
    const headerEnd = sealed.length - decodeBundle(sealed).ciphertext.length - 16;
    const countAt = sealed.indexOf(Buffer.from('"devices":1'));
    assert.ok(countAt > 0 && countAt < headerEnd);
    for (const at of [countAt + '"devices":'.length, headerEnd + 1, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] = tampered[at]! ^ (at === countAt + '"devices":'.length ? 0x03 : 0x01);
      assert.throws(
        () => openDeviceBundle(tampered, { kind: 'x25519', privateKey: keys.privateKey }),
        /authentication failed|damaged/,
      );
    }
    assert.throws(
      () => openDeviceBundle(sealed.subarray(0, 10), { kind: 'x25519', privateKey: keys.privateKey }),
      /damaged|not an eapd bundle/,
    );
  });

  test('a short passphrase is refused when sealing', () => {
    assert.throws(
      () => sealDeviceBundle('G', [device('d@x')], { kind: 'passphrase', passphrase: Buffer.from('short') }),
      /passphrase/,
    );
  });
});

describe('eapd group export / import', () => {
  async function eapd(
    dir: string,
    name: string,
  ): Promise<{
    devices: DeviceStore;
    routing: RoutingStore;
    run: (...a: string[]) => Promise<{ code: number; out: string; err: string }>;
  }> {
    const url = `sqlite:${join(dir, `${name}.sqlite`)}`;
    const devices = await openStore({ url, masterKeyFile: join(dir, `${name}.key`) });
    const routing = await openRoutingStore({ url });
    after(async () => {
      await routing.close();
      await devices.close();
    });
    const run = async (...args: string[]) => {
      let out = '';
      let err = '';
      const code = await runGroupCommand(args, {
        devices,
        routing,
        out: (s) => (out += s),
        err: (s) => (err += s),
      });
      return { code, out, err };
    };
    return { devices, routing, run };
  }

  test('moves a group from A to B: export 0600, import atomic, conflict writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eapd-bundle-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const a = await eapd(dir, 'a');
    const b = await eapd(dir, 'b');
    await a.devices.add({ identity: 'd1@iot.example', psk: Buffer.from(PSK_HEX, 'hex'), group: 'G' });
    await a.devices.add({ identity: 'd2@iot.example', psk: Buffer.from(PSK_HEX, 'hex'), group: 'G' });
    await a.devices.add({ identity: 'other@iot.example', psk: Buffer.from(PSK_HEX, 'hex'), group: 'H' });
    const passFile = join(dir, 'pass');
    writeFileSync(passFile, 'correct horse battery staple\n');
    const bundle = join(dir, 'g.bundle');
    const exp = await a.run('export', 'G', '--out', bundle, '--passphrase-file', passFile);
    assert.equal(exp.code, 0, exp.err);
    assert.equal(statSync(bundle).mode & 0o777, 0o600);
    assert.ok(!readFileSync(bundle).includes(Buffer.from(PSK_HEX, 'hex')));

    await b.devices.add({ identity: 'd2@iot.example', psk: Buffer.from(PSK_HEX, 'hex'), group: 'X' });
    const conflict = await b.run('import', bundle, '--passphrase-file', passFile);
    assert.equal(conflict.code, 1);
    assert.match(conflict.err, /device "d2@iot\.example" already exists here/);
    assert.match(conflict.err, /nothing written/);
    assert.deepEqual(
      (await b.devices.list()).map((d) => d.identity),
      ['d2@iot.example'],
    );

    await b.devices.remove('d2@iot.example');
    const ok = await b.run('import', bundle, '--passphrase-file', passFile);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /imported 2 devices \(group G\)/);
    const creds = await b.devices.getCredentials('d1@iot.example');
    assert.equal(creds?.psk.toString('hex'), PSK_HEX);
    assert.equal(creds?.group, 'G');
  });

  test('export with a recipient key, import with the private key; wrong passphrase exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eapd-bundle-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const a = await eapd(dir, 'a');
    const b = await eapd(dir, 'b');
    await a.devices.add({ identity: 'd1@iot.example', psk: Buffer.from(PSK_HEX, 'hex'), group: 'G' });
    const keys = generateKeyPairSync('x25519');
    writeFileSync(join(dir, 'pub.pem'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'key.pem'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'pass'), 'some other passphrase');
    const bundle = join(dir, 'g.bundle');
    assert.equal(
      (await a.run('export', 'G', '--out', bundle, '--recipient-key', join(dir, 'pub.pem'))).code,
      0,
    );
    const wrong = await b.run('import', bundle, '--passphrase-file', join(dir, 'pass'));
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /sealed for an X25519 key/);
    const ok = await b.run('import', bundle, '--key', join(dir, 'key.pem'));
    assert.equal(ok.code, 0, ok.err);
    assert.equal((await b.devices.list()).length, 1);
    assert.equal((await a.run('export', 'G', '--out', bundle)).code, 2);
    assert.equal(
      (
        await a.run(
          'export',
          'EMPTY',
          '--out',
          join(dir, 'e.bundle'),
          '--recipient-key',
          join(dir, 'pub.pem'),
        )
      ).code,
      1,
    );
  });
});
