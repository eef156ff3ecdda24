/**
 * Issue 3 acceptance: the NAS simulator (`eapd simulate`) authenticates a device through Debian's
 * freeDiameterd (edge agent) to eapd, and tshark finds no malformed packet on either leg.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEapd } from './lib/eapd.js';
import { FD_PEER_STATE, startFreeDiameterd } from './lib/free-diameterd.js';
import { freePorts } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { checkCapture, startCapture } from './lib/tshark.js';

const DER = 268;
const PSK = '000102030405060708090a0b0c0d0e0f';
const WRONG = 'ffeeddccbbaa99887766554433221100';

test('the simulator authenticates through freeDiameterd to eapd; wrong key is rejected; the wire is clean', async (t) => {
  const rig = Rig.open('sim-via-fd', t);
  const [edgePort, homePort, adminPort] = await freePorts(3);
  const capture = await startCapture(rig, { tcpPorts: [edgePort!, homePort!], name: 'relay' });
  const eapd = await startEapd(rig, {
    originHost: 'aaa.home.example',
    originRealm: 'home.example',
    diameterPort: homePort!,
    adminPort: adminPort!,
  });
  const added = await eapd.cli(['device', 'add', 'sensor-0001@iot.example', '--psk', PSK]);
  assert.equal(added.code, 0, added.log);
  const fd = await startFreeDiameterd(rig, {
    identity: 'dea.edge.example',
    realm: 'edge.example',
    port: edgePort!,
    peers: [{ identity: 'aaa.home.example', port: homePort!, realm: 'home.example' }],
  });
  await fd.waitForPeerState('aaa.home.example', FD_PEER_STATE.open, 15_000);

  const simulate = (psk: string, expect: string, count: string) =>
    eapd.cli([
      'simulate',
      '--server',
      `127.0.0.1:${edgePort}`,
      '--origin-host',
      'nas.edge.example',
      '--destination-realm',
      'home.example',
      '--identity',
      'sensor-0001@iot.example',
      '--psk',
      psk,
      '--count',
      count,
      '--concurrency',
      '2',
      '--calling-station-id',
      '00-11-22-33-44-55',
      '--expect',
      expect,
    ]);
  const good = await simulate(PSK, 'success', '5');
  assert.equal(good.code, 0, good.log);
  assert.match(good.log, /connected to dea\.edge\.example/);
  assert.match(good.log, /summary: 5 authentications, 5 succeeded, 0 failed, 0 unexpected/);
  assert.match(good.log, /msk=match/);
  const bad = await simulate(WRONG, 'failure', '1');
  assert.equal(bad.code, 0, bad.log);
  assert.match(bad.log, /result=4001/);

  await fd.stop();
  await eapd.stop();
  const report = await checkCapture(await capture.stop(), { diameterPorts: [edgePort!, homePort!] });
  assert.ok(report.ok, report.output);
  const dersAtEapd = report.diameter.filter(
    (m) => m.commandCode === DER && m.request && m.dst.endsWith(`:${homePort}`),
  );
  const deasFromEapd = report.diameter.filter(
    (m) => m.commandCode === DER && !m.request && m.src.endsWith(`:${homePort}`),
  );
  // 5 successes × 3 rounds + 1 failure × 2 rounds, each relayed by freeDiameterd.
  assert.equal(dersAtEapd.length, 17, report.output);
  assert.equal(deasFromEapd.filter((m) => m.resultCode === 2001).length, 5, report.output);
  assert.equal(deasFromEapd.filter((m) => m.resultCode === 1001).length, 11, report.output);
  assert.equal(deasFromEapd.filter((m) => m.resultCode === 4001).length, 1, report.output);
});
