/**
 * Issue 2 acceptance: Debian's freeDiameterd, configured as an edge agent (dict_eap, dict_nasreq,
 * rt_default, rt_redirect), connects to the real eapd, reaches OPEN, exchanges DWR/DWA in both
 * directions and disconnects with DPR/DPA; tshark finds no malformed packet.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEapd } from './lib/eapd.js';
import { FD_PEER_STATE, startFreeDiameterd } from './lib/free-diameterd.js';
import { freePorts } from './lib/ports.js';
import { Rig } from './lib/rig.js';
import { checkCapture, startCapture } from './lib/tshark.js';

const CER = 257;
const DWR = 280;
const DPR = 282;
const SUCCESS = 2001;
const TW_SECONDS = 6;

function dwr(metrics: string, direction: 'in' | 'out'): number {
  const line = metrics
    .split('\n')
    .find(
      (l) =>
        l.startsWith('eapd_diameter_messages_total{') &&
        l.includes('command="DWR"') &&
        l.includes('type="request"') &&
        l.includes(`direction="${direction}"`) &&
        l.includes('peer="dea.edge.example"'),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('freeDiameterd peers with eapd: CER/CEA, DWR/DWA both ways, DPR/DPA, clean capture', async (t) => {
  const rig = Rig.open('fd-peering', t);
  const [edgePort, homePort, adminPort] = await freePorts(3);
  const capture = await startCapture(rig, { tcpPorts: [homePort!], name: 'peering' });
  const eapd = await startEapd(rig, {
    originHost: 'aaa.home.example',
    originRealm: 'home.example',
    diameterPort: homePort!,
    adminPort: adminPort!,
    env: { EAPD_WATCHDOG_SECONDS: String(TW_SECONDS) },
  });
  const fd = await startFreeDiameterd(rig, {
    identity: 'dea.edge.example',
    realm: 'edge.example',
    port: edgePort!,
    twSeconds: TW_SECONDS,
    peers: [{ identity: 'aaa.home.example', port: homePort!, realm: 'home.example' }],
  });
  await fd.waitForPeerState('aaa.home.example', FD_PEER_STATE.open, 15_000);
  await eapd.process.waitForLog(/"message":"peer state".*"to":"R-Open"/, 5_000);

  // Each side sends a DWR after Tw ± 2 s without traffic, and any received message resets the
  // other side's timer (RFC 3539), so which side speaks first varies: watch eapd's own counters
  // until both directions have happened.
  await waitFor(
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
      return dwr(text, 'in') >= 1 && dwr(text, 'out') >= 1;
    },
    20 * TW_SECONDS * 1000,
    'a DWR in each direction',
  );

  await fd.stop();
  await eapd.process.waitForLog(/"message":"peer sent DPR"/, 5_000);
  await eapd.stop();

  const report = await checkCapture(await capture.stop(), { diameterPorts: [homePort!] });
  assert.ok(report.ok, report.output);
  const seen = report.diameter;
  const fromFd = (code: number, request: boolean) =>
    seen.filter((m) => m.commandCode === code && m.request === request && m.dst.endsWith(`:${homePort}`));
  const fromEapd = (code: number, request: boolean) =>
    seen.filter((m) => m.commandCode === code && m.request === request && m.src.endsWith(`:${homePort}`));
  assert.equal(fromFd(CER, true).length, 1, report.output);
  assert.equal(fromEapd(CER, false)[0]?.resultCode, SUCCESS, report.output);
  assert.ok(fromFd(DWR, true).length >= 1, `freeDiameterd → eapd DWR\n${report.output}`);
  assert.equal(fromEapd(DWR, false)[0]?.resultCode, SUCCESS, report.output);
  assert.ok(fromEapd(DWR, true).length >= 1, `eapd → freeDiameterd DWR\n${report.output}`);
  assert.equal(fromFd(DWR, false)[0]?.resultCode, SUCCESS, report.output);
  assert.equal(fromFd(DPR, true).length, 1, report.output);
  assert.equal(fromEapd(DPR, false)[0]?.resultCode, SUCCESS, report.output);
});
