/**
 * Issue 5 acceptance: redirect-based peering through Debian's freeDiameterd (rt_redirect loaded) as
 * the edge agent, with two real eapd servers as its ConnectPeers: A (aaa.home.example, the old owner
 * of group `meters`) and B (aaa.new.example, the new owner), each with its own store.
 *
 * D (group meters) is exported from A as an encrypted bundle for B's X25519 key and imported on B;
 * both servers serve the devices' realm iot.example (`eapd realm add`): freeDiameterd re-sends the
 * redirected DER unchanged (RFC 6733 §6.1.8), so B sees Destination-Realm iot.example and would
 * answer 3003 without it. The simulator, a NAS behind the agent (nas.edge.example, admitted by
 * acl_wl), authenticates D on A; the operator moves the group while everything runs (first test:
 * `eapd group move`; second test: `POST /api/groups/meters/move`); the next first DER of D gets
 * 3006 from A (E bit, Redirect-Host, Redirect-Host-Usage ALL_USER, Redirect-Max-Cache-Time), the
 * agent re-sends it to B and the simulator gets 2001 from B; the one after goes straight to B (the
 * agent's ALL_USER cache); a device of another group still authenticates on A. No peer connection
 * is dropped and tshark finds nothing malformed on either eapd port or on the agent's NAS port.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { readDiameterFields } from './lib/diameter-fields.js';
import { startEapd, type EapdUnderTest } from './lib/eapd.js';
import { FD_PEER_STATE, startFreeDiameterd } from './lib/free-diameterd.js';
import { freePorts, LOOPBACK } from './lib/ports.js';
import { Rig, type CleanupRegistrar } from './lib/rig.js';
import { checkCapture, startCapture, type WireDiameterMessage } from './lib/tshark.js';

const CER = 257;
const DER = 268;
const SUCCESS = 2001;
const REDIRECT_INDICATION = 3006;
/** RFC 6733 §6.13 Redirect-Host-Usage ALL_USER: eapd's default for a group rule. */
const ALL_USER = 6;
/** eapd's default Redirect-Max-Cache-Time (docs/redirect.md). */
const DEFAULT_MAX_CACHE_SECONDS = 3600;
/** The rule engine re-reads the store's change token at most every 250 ms on the first-DER path. */
const RULE_FRESHNESS_MS = 300;
const PEER_OPEN_TIMEOUT_MS = 15_000;
const HTTP_CREATED = 201;
/** docs/redirect.md: the audit's actor for an admin token is `admin:` + 12 hex of its SHA-256. */
const TOKEN_ID_HEX = 12;

const DEVICE_REALM = 'iot.example';
const A = { host: 'aaa.home.example', realm: 'home.example' } as const;
const B = { host: 'aaa.new.example', realm: 'new.example' } as const;
const AGENT = { host: 'dea.edge.example', realm: 'edge.example' } as const;
/** A NAS of the agent's realm: acl_wl's `ALLOW_IPSEC *.edge.example` admits it. */
const NAS_HOST = 'nas.edge.example';
const GROUP = 'meters';
const OTHER_GROUP = 'sensors';
/** Test-only keys. */
const DEVICE_D = { identity: 'meter-0001@iot.example', pskHex: '00112233445566778899aabbccddeeff' } as const;
const DEVICE_E = { identity: 'sensor-0042@iot.example', pskHex: 'ffeeddccbbaa99887766554433221100' } as const;

interface Authentication {
  readonly sessionId: string;
  readonly line: string;
  readonly log: string;
}

/** One `eapd simulate` run through the agent; asserts it succeeded and returns its Session-Id. */
async function authenticate(
  via: EapdUnderTest,
  agentPort: number,
  device: { readonly identity: string; readonly pskHex: string },
): Promise<Authentication> {
  const r = await via.cli([
    'simulate',
    '--server',
    `${LOOPBACK}:${agentPort}`,
    '--identity',
    device.identity,
    '--psk',
    device.pskHex,
    '--destination-realm',
    DEVICE_REALM,
    '--origin-host',
    NAS_HOST,
  ]);
  const line = /^#1 .*$/m.exec(r.log)?.[0] ?? '';
  assert.equal(r.code, 0, `simulate for ${device.identity} failed:\n${r.log}`);
  assert.match(line, /^#1 success result=2001 rounds=\d+ msk=match /, r.log);
  const sessionId = /session=(\S+)/.exec(line)?.[1];
  assert.ok(sessionId !== undefined, r.log);
  return { sessionId, line, log: r.log };
}

async function adminGet(server: EapdUnderTest, path: string): Promise<unknown> {
  const token = readFileSync(`${server.dir}/admin.token`, 'utf8').trim();
  const res = await fetch(`http://${LOOPBACK}:${server.adminPort}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

async function cliOk(server: EapdUnderTest, args: readonly string[]): Promise<string> {
  const r = await server.cli(args);
  assert.equal(r.code, 0, `eapd ${args.join(' ')}:\n${r.log}`);
  return r.log;
}

function count(log: string, pattern: RegExp): number {
  return log.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

/** How the operator moves the group: `eapd group move` or `POST /api/groups/:group/move`. */
type Mover = 'cli' | 'api';

async function moveGroup(a: EapdUnderTest, how: Mover, target: string): Promise<string> {
  if (how === 'cli') {
    const moved = await cliOk(a, ['group', 'move', GROUP, '--to', target]);
    assert.match(moved, /added rule/, moved);
    return 'cli';
  }
  const token = readFileSync(`${a.dir}/admin.token`, 'utf8').trim();
  const res = await fetch(`http://${LOOPBACK}:${a.adminPort}/api/groups/${GROUP}/move`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ targets: [target] }),
  });
  const body = (await res.json()) as { created?: boolean; devicesHere?: number };
  assert.equal(res.status, HTTP_CREATED, JSON.stringify(body));
  assert.equal(body.created, true, JSON.stringify(body));
  assert.equal(body.devicesHere, 1, JSON.stringify(body));
  // RFC 6234 SHA-256 of the bearer token, first 12 hex digits: the audit names the token, not the secret.
  return `admin:${createHash('sha256').update(token, 'utf8').digest('hex').substring(0, TOKEN_ID_HEX)}`;
}

async function runMoveScenario(t: CleanupRegistrar, how: Mover): Promise<void> {
  const rig = Rig.open(`redirect-${how}`, t);
  const [agentPort, aPort, bPort, aAdmin, bAdmin] = await freePorts(5);
  const capture = await startCapture(rig, { tcpPorts: [agentPort!, aPort!, bPort!], name: 'redirect' });

  const a = await startEapd(rig, {
    name: 'eapd-a',
    originHost: A.host,
    originRealm: A.realm,
    diameterPort: aPort!,
    adminPort: aAdmin!,
  });
  const b = await startEapd(rig, {
    name: 'eapd-b',
    originHost: B.host,
    originRealm: B.realm,
    diameterPort: bPort!,
    adminPort: bAdmin!,
  });

  // A owns both groups and serves the devices' realm.
  await cliOk(a, ['device', 'add', DEVICE_D.identity, '--psk', DEVICE_D.pskHex, '--group', GROUP]);
  await cliOk(a, ['device', 'add', DEVICE_E.identity, '--psk', DEVICE_E.pskHex, '--group', OTHER_GROUP]);
  await cliOk(a, ['realm', 'add', DEVICE_REALM]);

  // Credential transfer A → B: an X25519 bundle for B's key (RFC 7748), imported atomically.
  const keys = generateKeyPairSync('x25519');
  const bKey = rig.writeFile(
    'b-key.pem',
    keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const bPub = rig.writeFile('b-pub.pem', keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const bundle = rig.path(`${GROUP}.bundle`);
  await cliOk(a, ['group', 'export', GROUP, '--out', bundle, '--recipient-key', bPub]);
  const sealed = readFileSync(bundle);
  assert.equal(sealed.subarray(0, 8).toString('latin1'), 'EAPDBNDL');
  assert.ok(!sealed.includes(Buffer.from(DEVICE_D.pskHex, 'hex')), 'the bundle holds the raw PSK');
  assert.ok(!sealed.includes(DEVICE_D.pskHex), 'the bundle holds the PSK in hex');
  assert.ok(!sealed.includes(DEVICE_D.identity), 'the bundle holds the identity in clear');
  await cliOk(b, ['group', 'import', bundle, '--key', bKey]);
  // The agent re-sends the DER as it was: Destination-Realm stays iot.example, so B must serve it.
  await cliOk(b, ['realm', 'add', DEVICE_REALM]);
  const onB = await cliOk(b, ['device', 'list']);
  assert.match(onB, new RegExp(DEVICE_D.identity.replace(/[.]/g, '\\.')), onB);
  assert.doesNotMatch(onB, new RegExp(DEVICE_E.identity.replace(/[.]/g, '\\.')), onB);

  const fd = await startFreeDiameterd(rig, {
    identity: AGENT.host,
    realm: AGENT.realm,
    port: agentPort!,
    peers: [
      { identity: A.host, port: aPort!, realm: A.realm },
      // rt_redirect follows a 3006 only to a Redirect-Host that is already an OPEN peer.
      { identity: B.host, port: bPort!, realm: B.realm },
    ],
    // The devices' realm is routed to A by configuration (score REALM); B is reached only by redirect.
    routes: [`dr="${DEVICE_REALM}" : "${A.host}" += REALM ;`],
    dumpMessages: true,
  });
  await fd.waitForPeerState(A.host, FD_PEER_STATE.open, PEER_OPEN_TIMEOUT_MS);
  await fd.waitForPeerState(B.host, FD_PEER_STATE.open, PEER_OPEN_TIMEOUT_MS);
  await a.process.waitForLog(/"message":"peer state".*"to":"R-Open"/, 5_000);
  await b.process.waitForLog(/"message":"peer state".*"to":"R-Open"/, 5_000);

  // 1. D on A.
  const first = await authenticate(a, agentPort!, DEVICE_D);

  // 2. The operator moves the group while everything runs (the URI's host is B's DiameterIdentity:
  //    rt_redirect matches Redirect-Host against peer identities).
  const target = `aaa://${B.host}:${bPort};transport=tcp`;
  const actor = await moveGroup(a, how, target);
  await sleep(RULE_FRESHNESS_MS);

  // 3. D again: A answers 3006, the agent re-sends to B, the simulator gets 2001 (from B).
  const second = await authenticate(a, agentPort!, DEVICE_D);
  // 4. D a third time: the agent's ALL_USER cache sends it straight to B.
  const third = await authenticate(a, agentPort!, DEVICE_D);
  // 5. A device of another group is still served by A.
  const other = await authenticate(a, agentPort!, DEVICE_E);

  // The move is in A's routing audit trail: who (cli), what (the group rule with B as target).
  const audit = (await adminGet(a, '/api/routing/audit?limit=10')) as {
    entries: { actor: string; action: string; subject: string; detail: string; at: string }[];
  };
  const moveEntry = audit.entries.find((e) => e.subject === `group:${GROUP}`);
  assert.ok(moveEntry !== undefined, JSON.stringify(audit));
  assert.equal(moveEntry.actor, actor);
  assert.match(moveEntry.action, /^rule\.(add|replace)$/);
  assert.ok(moveEntry.detail.includes(`aaa://${B.host}:${bPort}`), moveEntry.detail);
  assert.match(moveEntry.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

  // Exactly one redirect, counted by rule and usage.
  const metrics = await (await fetch(`http://${LOOPBACK}:${aAdmin}/metrics`)).text();
  assert.match(metrics, /^eapd_redirects_total\{rule="group:meters",usage="ALL_USER"\} 1$/m, metrics);

  // No connection dropped: both servers still have the agent in R-Open, reached it exactly once.
  for (const server of [a, b]) {
    const peers = (await adminGet(server, '/api/peers')) as {
      peers: { originHost: string; state: string }[];
    };
    const agent = peers.peers.find((p) => p.originHost === AGENT.host);
    assert.equal(agent?.state, 'R-Open', JSON.stringify(peers));
    assert.equal(
      count(server.process.log(), /"message":"peer state"[^\n]*"to":"R-Open"/),
      1,
      server.process.log(),
    );
  }
  assert.equal(count(fd.log(), /-> '?STATE_OPEN'?[^\n]*'aaa\.home\.example'/), 1, fd.log());
  assert.equal(count(fd.log(), /-> '?STATE_OPEN'?[^\n]*'aaa\.new\.example'/), 1, fd.log());

  await fd.stop();
  await a.process.waitForLog(/"message":"peer sent DPR"/, 5_000);
  await b.process.waitForLog(/"message":"peer sent DPR"/, 5_000);
  await a.stop();
  await b.stop();

  const file = await capture.stop();
  const ports = [agentPort!, aPort!, bPort!];
  const report = await checkCapture(file, { diameterPorts: ports });
  assert.ok(report.ok, report.output);
  const toServer = (port: number, code: number, session?: string): WireDiameterMessage[] =>
    report.diameter.filter(
      (m) =>
        m.commandCode === code &&
        m.request &&
        m.dst.endsWith(`:${port}`) &&
        (session === undefined || m.sessionId === session),
    );
  const fromServer = (port: number, session: string): WireDiameterMessage[] =>
    report.diameter.filter(
      (m) => m.commandCode === DER && !m.request && m.src.endsWith(`:${port}`) && m.sessionId === session,
    );
  const finalToNas = (session: string): WireDiameterMessage | undefined =>
    report.diameter
      .filter(
        (m) =>
          m.commandCode === DER && !m.request && m.src.endsWith(`:${agentPort}`) && m.sessionId === session,
      )
      .at(-1);

  // One CER per eapd (the agent's): no reconnection during the run.
  assert.equal(toServer(aPort!, CER).length, 1, report.output);
  assert.equal(toServer(bPort!, CER).length, 1, report.output);

  // 1: all on A.
  assert.ok(toServer(aPort!, DER, first.sessionId).length >= 2, report.output);
  assert.equal(toServer(bPort!, DER, first.sessionId).length, 0, report.output);
  assert.equal(fromServer(aPort!, first.sessionId).at(-1)?.resultCode, SUCCESS, report.output);

  // 2: exactly one DER at A, answered 3006 with the E bit; the rest on B, ending in 2001.
  const secondAtA = fromServer(aPort!, second.sessionId);
  assert.equal(toServer(aPort!, DER, second.sessionId).length, 1, report.output);
  assert.equal(secondAtA.length, 1, report.output);
  assert.equal(secondAtA[0]?.resultCode, REDIRECT_INDICATION, report.output);
  assert.equal(secondAtA[0]?.error, true, report.output);
  assert.ok(toServer(bPort!, DER, second.sessionId).length >= 2, report.output);
  assert.equal(fromServer(bPort!, second.sessionId).at(-1)?.resultCode, SUCCESS, report.output);
  assert.equal(finalToNas(second.sessionId)?.resultCode, SUCCESS, report.output);

  // 3: no DER at A at all.
  assert.equal(toServer(aPort!, DER, third.sessionId).length, 0, report.output);
  assert.ok(toServer(bPort!, DER, third.sessionId).length >= 2, report.output);
  assert.equal(fromServer(bPort!, third.sessionId).at(-1)?.resultCode, SUCCESS, report.output);

  // 4: the other group on A only.
  assert.ok(toServer(aPort!, DER, other.sessionId).length >= 2, report.output);
  assert.equal(toServer(bPort!, DER, other.sessionId).length, 0, report.output);
  assert.equal(fromServer(aPort!, other.sessionId).at(-1)?.resultCode, SUCCESS, report.output);

  // The 3006 as RFC 6733 §6.1.8 / §6.12-§6.14 want it: Origin-Host A, one Redirect-Host (B's URI),
  // Redirect-Host-Usage ALL_USER, Redirect-Max-Cache-Time.
  const [redirect, ...moreRedirects] = await readDiameterFields(file, {
    diameterPorts: ports,
    filter: `diameter.Result-Code == ${REDIRECT_INDICATION}`,
    fields: [
      'diameter.Session-Id',
      'diameter.flags.error',
      'diameter.Origin-Host',
      'diameter.Redirect-Host',
      'diameter.Redirect-Host-Usage',
      'diameter.Redirect-Max-Cache-Time',
    ],
  });
  assert.equal(moreRedirects.length, 0, 'one 3006 on the wire (it never reaches the NAS)');
  assert.deepEqual(redirect?.get('diameter.Session-Id'), [second.sessionId]);
  assert.deepEqual(redirect?.get('diameter.Origin-Host'), [A.host]);
  assert.deepEqual(redirect?.get('diameter.Redirect-Host'), [target]);
  assert.deepEqual(redirect?.get('diameter.Redirect-Host-Usage'), [String(ALL_USER)]);
  assert.deepEqual(redirect?.get('diameter.Redirect-Max-Cache-Time'), [String(DEFAULT_MAX_CACHE_SECONDS)]);

  // Who answered the NAS: the final DEA the agent relays carries the server's Origin-Host.
  const finals = await readDiameterFields(file, {
    diameterPorts: [agentPort!],
    filter: `tcp.srcport == ${agentPort} && diameter.cmd.code == ${DER} && diameter.flags.request == 0 && diameter.Result-Code == ${SUCCESS}`,
    fields: ['diameter.Session-Id', 'diameter.Origin-Host'],
  });
  const answeredBy = new Map(
    finals.map((row) => [row.get('diameter.Session-Id')?.[0], row.get('diameter.Origin-Host')?.[0]]),
  );
  assert.equal(answeredBy.get(first.sessionId), A.host);
  assert.equal(answeredBy.get(second.sessionId), B.host);
  assert.equal(answeredBy.get(third.sessionId), B.host);
  assert.equal(answeredBy.get(other.sessionId), A.host);
}

test('freeDiameterd follows a group move made with the CLI: 3006 from A, re-sent to B, then cached to B; other groups stay on A; no drop, clean capture', (t) =>
  runMoveScenario(t, 'cli'));

test('freeDiameterd follows a group move made through the admin API: 3006 from A, re-sent to B, then cached to B; other groups stay on A; no drop, clean capture', (t) =>
  runMoveScenario(t, 'api'));
