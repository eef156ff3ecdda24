// Debian's freeDiameterd 1.2.1 as a relay between the Diameter generator (NAS peers) and eapd,
// configured as in the interop tests (test/interop/lib/free-diameterd.ts): clear-text TCP,
// dict_nasreq + dict_eap, rt_default routing, acl_wl admitting the NAS peers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_REALM } from './bench-devices.js';
import { originHostOf } from './diameter-generator.js';
import { startPinnedProcess } from './pinned-process.js';
import { findTool } from './tools.js';

/** The relay's own identity, in a realm of its own so that it routes bench.example onwards. */
export const RELAY_HOST = 'relay.bench-relay.example';
const RELAY_REALM = 'bench-relay.example';
const READY_LINE = /freeDiameterd daemon initialized\./;
const START_TIMEOUT_MS = 15_000;
const PEER_OPEN_TIMEOUT_MS = 15_000;
/** Seconds; freeDiameter requires Tw >= 6. */
const TC_SECONDS = 3;
const TW_SECONDS = 6;
/** rt_default scores (freeDiameter's doc/rt_default.conf.sample): FINALDEST and NO_DELIVERY. */
const SCORE_FINALDEST = 100;
const SCORE_NO_DELIVERY = -70;
const EXT = '/usr/lib/freeDiameter';

export interface FreeDiameterdRelay {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts freeDiameterd relaying every request to eapd (`serverHost` at 127.0.0.1:`serverPort`)
 * and waits until its connection to eapd is open. The NAS peers (the generator's `nasPeers`
 * connections) share eapd's realm, so the routes exclude them explicitly.
 */
export async function startFreeDiameterdRelay(o: {
  dir: string;
  port: number;
  serverHost: string;
  serverPort: number;
  nasPeers: number;
  cpu: number | undefined;
}): Promise<FreeDiameterdRelay> {
  const binary = findTool('freeDiameterd', 'freediameterd');
  const routes = [
    `* : "${o.serverHost}" += ${SCORE_FINALDEST} ;`,
    ...Array.from({ length: o.nasPeers }, (_v, i) => `* : "${originHostOf(i)}" += ${SCORE_NO_DELIVERY} ;`),
  ];
  const routesFile = join(o.dir, 'rt_default.conf');
  writeFileSync(routesFile, routes.join('\n') + '\n');
  const aclFile = join(o.dir, 'acl_wl.conf');
  // ALLOW_IPSEC admits clear-text TCP peers (acl_wl treats "no TLS" as IPsec).
  writeFileSync(aclFile, `ALLOW_IPSEC *.${BENCH_REALM}\n`);
  const config = [
    `Identity = "${RELAY_HOST}";`,
    `Realm = "${RELAY_REALM}";`,
    `Port = ${o.port};`,
    'SecPort = 0;',
    'No_SCTP;',
    'Prefer_TCP;',
    'No_IPv6;',
    `TcTimer = ${TC_SECONDS};`,
    `TwTimer = ${TW_SECONDS};`,
    `LoadExtension = "${EXT}/dict_nasreq.fdx";`,
    `LoadExtension = "${EXT}/dict_eap.fdx";`,
    `LoadExtension = "${EXT}/rt_default.fdx" : "${routesFile}";`,
    `LoadExtension = "${EXT}/acl_wl.fdx" : "${aclFile}";`,
    `ConnectPeer = "${o.serverHost}" { ConnectTo = "127.0.0.1"; Port = ${o.serverPort}; No_TLS; No_SCTP; Prefer_TCP; Realm = "${BENCH_REALM}"; };`,
  ];
  const configFile = join(o.dir, 'freeDiameter.conf');
  writeFileSync(configFile, config.join('\n') + '\n');
  const proc = await startPinnedProcess({
    name: 'freeDiameterd',
    command: binary,
    args: ['-c', configFile],
    cpu: o.cpu,
    ready: READY_LINE,
    startTimeoutMs: START_TIMEOUT_MS,
  });
  try {
    const host = o.serverHost.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    await proc.waitFor(new RegExp(`-> '?STATE_OPEN'?[^\\n]*'${host}'`), PEER_OPEN_TIMEOUT_MS);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return { pid: proc.pid, port: o.port, stop: () => proc.stop() };
}
