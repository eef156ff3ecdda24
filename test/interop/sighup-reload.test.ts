/**
 * Issue 5: "Routes from the config file reload on SIGHUP as well" — the real `eapd serve --config`
 * process picks up redirect rules and realms from its file on SIGHUP, ignores an invalid file
 * (keeping what runs), and operator rules stay untouched.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startEapd } from './lib/eapd.js';
import { freePorts } from './lib/ports.js';
import { Rig } from './lib/rig.js';

interface RuleJson {
  readonly name: string;
  readonly source?: string;
}

async function rules(adminPort: number, token: string): Promise<RuleJson[]> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/api/routes`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { rules: RuleJson[] }).rules;
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('SIGHUP reloads redirect rules from the config file and ignores an invalid file', async (t) => {
  const rig = Rig.open('sighup', t);
  const [diameterPort, adminPort] = await freePorts(2);
  const file = rig.path('eapd.json');
  const rule = (name: string) => ({
    name,
    match: { group: 'meters' },
    targets: ['aaa://aaa.new.example:3868;transport=tcp'],
  });
  writeFileSync(file, JSON.stringify({ redirect: { rules: [rule('from-file-1')] } }));
  const eapd = await startEapd(rig, {
    originHost: 'aaa.home.example',
    originRealm: 'home.example',
    diameterPort: diameterPort!,
    adminPort: adminPort!,
    serveArgs: ['--config', file],
  });
  const token = readFileSync(join(eapd.dir, 'admin.token'), 'utf8').trim();
  assert.deepEqual(
    (await rules(adminPort!, token)).map((r) => r.name),
    ['from-file-1'],
  );

  // An operator rule added at run time survives reloads of the file's rules.
  const added = await eapd.cli([
    'route',
    'add',
    'operator-1',
    '--group',
    'sensors',
    '--to',
    'aaa://aaa.b.example',
  ]);
  assert.equal(added.code, 0, added.log);

  writeFileSync(
    file,
    JSON.stringify({ redirect: { rules: [rule('from-file-2')], realms: ['iot.example'] } }),
  );
  process.kill(eapd.process.pid, 'SIGHUP');
  await until(
    async () => {
      const names = (await rules(adminPort!, token)).map((r) => r.name).sort();
      return JSON.stringify(names) === JSON.stringify(['from-file-2', 'operator-1']);
    },
    5000,
    'the reloaded rules',
  );
  await eapd.process.waitForLog(/"message":"configuration reloaded/, 2000);

  const logged = eapd.process.log().length;
  writeFileSync(file, '{ "redirect": { "rules": [ {"name": "broken"} ] } }');
  process.kill(eapd.process.pid, 'SIGHUP');
  await eapd.process.waitForLog(/SIGHUP: configuration invalid, keeping the running one/, 5000, logged);
  assert.deepEqual((await rules(adminPort!, token)).map((r) => r.name).sort(), ['from-file-2', 'operator-1']);
  await eapd.stop();
});
