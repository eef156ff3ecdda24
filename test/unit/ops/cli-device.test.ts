import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runDeviceCommand } from '../../../src/ops/cli/device-command.js';
import type { DeviceStore } from '../../../src/store/device-store.js';
import { openStore } from '../../../src/store/open-store.js';

const PSK_HEX = '000102030405060708090a0b0c0d0e0f';
const HEADER = 'identity,psk,group,enabled,allowed_aps,allowed_macs';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function fixture(): Promise<{
  dir: string;
  store: DeviceStore;
  run: (...args: string[]) => Promise<Run>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'eapd-cli-'));
  const store = await openStore({
    url: `sqlite:${join(dir, 'd.db')}`,
    masterKeyFile: join(dir, 'master.key'),
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...args: string[]): Promise<Run> => {
    let out = '';
    let err = '';
    const code = await runDeviceCommand(args, { store, out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };
  return { dir, store, run };
}

describe('eapd device add', () => {
  test('adds a device with --psk and answers 0', async () => {
    const { store, run } = await fixture();
    const r = await run(
      'add',
      'a@x',
      '--psk',
      PSK_HEX,
      '--group',
      'meters',
      '--allow-mac',
      'aa:bb:cc:dd:ee:ff',
      '--allow-mac',
      'AABBCCDDEE00',
      '--allow-ap',
      '00-10-A4-23-19-C0:Office',
      '--disabled',
    );
    assert.equal(r.code, 0, r.err);
    const creds = await store.getCredentials('a@x');
    assert.equal(creds?.psk.toString('hex'), PSK_HEX);
    assert.equal(creds?.group, 'meters');
    assert.equal(creds?.enabled, false);
    assert.deepEqual(creds?.allowedMacs, ['AA-BB-CC-DD-EE-00', 'AA-BB-CC-DD-EE-FF']);
    assert.ok(!r.out.includes(PSK_HEX), 'a given PSK is not echoed');
  });

  test('prints a generated PSK once, and it is the stored one', async () => {
    const { store, run } = await fixture();
    const r = await run('add', 'gen@x', '--generate');
    assert.equal(r.code, 0);
    const hex = /psk ([0-9a-f]{32})\n/.exec(r.out)?.[1];
    assert.ok(hex !== undefined, r.out);
    assert.equal((await store.getCredentials('gen@x'))?.psk.toString('hex'), hex);
    assert.ok(!(await run('show', 'gen@x')).out.includes(hex));
  });

  test('refuses a duplicate identity with 1 and a clear message', async () => {
    const { run } = await fixture();
    await run('add', 'a@x', '--psk', PSK_HEX);
    const r = await run('add', 'a@x', '--generate');
    assert.equal(r.code, 1);
    assert.match(r.err, /already exists: "a@x"/);
    assert.equal(r.out, '');
  });

  test('refuses bad hex and a wrong PSK length with 1 and writes nothing', async () => {
    const { store, run } = await fixture();
    for (const psk of [PSK_HEX.substring(2), PSK_HEX + '00', 'x' + PSK_HEX.substring(1)]) {
      const r = await run('add', 'a@x', '--psk', psk);
      assert.equal(r.code, 1, psk);
      assert.match(r.err, /bad PSK: must be exactly 32 hex digits \(16 bytes\)/);
    }
    assert.deepEqual(await store.list(), []);
  });

  test('refuses an empty identity and one with control characters with 1', async () => {
    const { store, run } = await fixture();
    assert.match((await run('add', '', '--generate')).err, /bad identity: it is empty/);
    const r = await run('add', 'a\u0007b@x', '--generate');
    assert.equal(r.code, 1);
    assert.match(r.err, /control characters/);
    assert.deepEqual(await store.list(), []);
  });

  test('refuses a bad MAC with 1', async () => {
    const { run } = await fixture();
    const r = await run('add', 'a@x', '--generate', '--allow-mac', 'nope');
    assert.equal(r.code, 1);
    assert.match(r.err, /not a MAC address: "nope"/);
  });

  test('answers usage errors with 2: unknown flag named, both or neither PSK option, missing identity', async () => {
    const { run } = await fixture();
    const unknown = await run('add', 'a@x', '--generate', '--colour', 'red');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--colour/);
    assert.equal((await run('add', 'a@x')).code, 2);
    assert.equal((await run('add', 'a@x', '--generate', '--psk', PSK_HEX)).code, 2);
    assert.equal((await run('add', '--generate')).code, 2);
    assert.equal((await run('frobnicate')).code, 2);
    assert.equal((await run()).code, 2);
  });
});

describe('eapd device list/show/enable/disable/remove', () => {
  test('lists as a table or JSON, filtered by group, never with a PSK', async () => {
    const { run } = await fixture();
    await run('add', 'a@x', '--psk', PSK_HEX, '--group', 'g');
    await run('add', 'b@x', '--psk', PSK_HEX);
    const table = await run('list');
    assert.equal(table.code, 0);
    assert.match(table.out, /^IDENTITY +GROUP +ENABLED/);
    assert.match(table.out, /a@x +g +yes/);
    const json = JSON.parse((await run('list', '--group', 'g', '--json')).out) as { identity: string }[];
    assert.deepEqual(
      json.map((d) => d.identity),
      ['a@x'],
    );
    assert.ok(!table.out.includes(PSK_HEX));
  });

  test('shows one device and answers 1 for an unknown one', async () => {
    const { run } = await fixture();
    await run('add', 'a@x', '--psk', PSK_HEX, '--allow-mac', 'aabbccddeeff');
    const shown = await run('show', 'a@x', '--json');
    assert.deepEqual((JSON.parse(shown.out) as { allowedMacs: string[] }).allowedMacs, ['AA-BB-CC-DD-EE-FF']);
    assert.ok(!shown.out.includes(PSK_HEX));
    const missing = await run('show', 'zz@x');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no device "zz@x"/);
  });

  test('disables, enables and removes, answering 1 once the device is gone', async () => {
    const { store, run } = await fixture();
    await run('add', 'a@x', '--psk', PSK_HEX);
    assert.equal((await run('disable', 'a@x')).code, 0);
    assert.equal((await store.get('a@x'))?.enabled, false);
    assert.equal((await run('enable', 'a@x')).code, 0);
    assert.equal((await store.get('a@x'))?.enabled, true);
    assert.equal((await run('remove', 'a@x')).code, 0);
    assert.equal(await store.get('a@x'), undefined);
    const again = await run('remove', 'a@x');
    assert.equal(again.code, 1);
    assert.match(again.err, /no device "a@x"/);
  });
});

describe('eapd device import/export', () => {
  test('imports a good file atomically', async () => {
    const { dir, store, run } = await fixture();
    const file = join(dir, 'ok.csv');
    writeFileSync(file, `${HEADER}\na@x,${PSK_HEX},g,true,,\n"b,@x",${PSK_HEX},,false,,aa:bb:cc:dd:ee:ff\n`);
    const r = await run('import', file);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /imported 2 devices/);
    assert.equal((await store.get('b,@x'))?.enabled, false);
  });

  test('refuses a file whose line 3 is bad, reporting line 3 and writing nothing', async () => {
    const { dir, store, run } = await fixture();
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      `${HEADER}\na@x,${PSK_HEX},,,,\nb@x,${PSK_HEX.substring(1)},,,,\nc@x,${PSK_HEX},,,,\n`,
    );
    const r = await run('import', file);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.csv: line 3: psk: bad PSK/);
    assert.doesNotMatch(r.err, /line [124]:/);
    assert.match(r.err, /import refused: 1 bad line, nothing written/);
    assert.deepEqual(await store.list(), []);
  });

  test('reports every bad line, including identities that already exist, and writes nothing', async () => {
    const { dir, store, run } = await fixture();
    await run('add', 'old@x', '--psk', PSK_HEX);
    const file = join(dir, 'dup.csv');
    writeFileSync(file, `${HEADER}\nnew@x,${PSK_HEX},,,,\nold@x,${PSK_HEX},,,,\nother@x,${PSK_HEX},,,,\n`);
    const r = await run('import', file);
    assert.equal(r.code, 1);
    assert.match(r.err, /line 3: device "old@x" already exists/);
    assert.deepEqual(
      (await store.list()).map((d) => d.identity),
      ['old@x'],
    );
    const bad = join(dir, 'many.csv');
    writeFileSync(bad, `${HEADER}\n,${PSK_HEX},,,,\nx@x,00,,,,\ny@x,${PSK_HEX},,,,bad-mac\n`);
    const many = await run('import', bad);
    assert.deepEqual(
      [...many.err.matchAll(/line (\d+):/g)].map((m) => m[1]),
      ['2', '3', '4'],
    );
  });

  test('answers 1 naming the file when the import file does not exist', async () => {
    const { dir, run } = await fixture();
    const r = await run('import', join(dir, 'nope.csv'));
    assert.equal(r.code, 1);
    assert.match(r.err, /nope\.csv/);
  });

  test('exports without PSKs by default and with them, to a 0600 file, when asked', async () => {
    const { dir, run } = await fixture();
    await run('add', 'a@x', '--psk', PSK_HEX, '--group', 'g');
    await run('add', 'b@x', '--generate');
    const plain = await run('export');
    assert.equal(plain.code, 0);
    assert.ok(plain.out.startsWith(HEADER + '\r\n'));
    assert.ok(!plain.out.includes(PSK_HEX));
    assert.match(plain.out, /\r\na@x,,g,true,,\r\n/);

    const file = join(dir, 'out.csv');
    writeFileSync(file, 'old', { mode: 0o644 });
    const r = await run('export', '--group', 'g', '--with-psk', '--out', file);
    assert.equal(r.code, 0, r.err);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), `${HEADER}\r\na@x,${PSK_HEX},g,true,,\r\n`);
  });

  test('round-trips an export with PSKs through import into another store', async () => {
    const a = await fixture();
    await a.run('add', 'a@x', '--psk', PSK_HEX, '--allow-ap', '00-10-A4-23-19-C0:Lab, 2', '--disabled');
    const file = join(a.dir, 'all.csv');
    assert.equal((await a.run('export', '--with-psk', '--out', file)).code, 0);
    const b = await fixture();
    const r = await b.run('import', file);
    assert.equal(r.code, 0, r.err);
    const creds = await b.store.getCredentials('a@x');
    assert.equal(creds?.psk.toString('hex'), PSK_HEX);
    assert.equal(creds?.enabled, false);
    assert.deepEqual(creds?.allowedAps, ['00-10-A4-23-19-C0:Lab, 2']);
  });
});
