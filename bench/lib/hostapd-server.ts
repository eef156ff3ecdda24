// Debian's hostapd as a stand-alone RADIUS EAP-PSK server (the reference of the RADIUS scenario),
// configured as test/interop/hostapd/hostapd-as.conf.in but quiet: no debug output per packet.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchIdentity, benchPsk } from './bench-devices.js';
import { startPinnedProcess, type PinnedProcess } from './pinned-process.js';
import { findTool } from './tools.js';

const READY_LINE = /AP-ENABLED/;
const START_TIMEOUT_MS = 10_000;
/** hostapd_logger level 2 = info: nothing per RADIUS packet (0 would log every EAP step). */
const LOGGER_LEVEL_INFO = 2;

export interface HostapdServer {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts hostapd 2.10 (driver=none, integrated EAP server, RADIUS server on 0.0.0.0:`port`) with
 * devices 0..devices-1 in its eap_user file (the same identities and PSKs as eapd's registry)
 * and 127.0.0.1 as the only RADIUS client. Throws when hostapd is not installed.
 */
export async function startHostapdServer(o: {
  dir: string;
  port: number;
  secret: string;
  devices: number;
  cpu: number | undefined;
}): Promise<HostapdServer> {
  const binary = findTool('hostapd', 'hostapd');
  const users: string[] = [];
  for (let i = 0; i < o.devices; i++)
    users.push(`"${benchIdentity(i)}"\tPSK\t${benchPsk(i).toString('hex')}`);
  const userFile = join(o.dir, 'hostapd.eap_user');
  writeFileSync(userFile, users.join('\n') + '\n', { mode: 0o600 });
  const clientsFile = join(o.dir, 'hostapd.radius_clients');
  writeFileSync(clientsFile, `127.0.0.1/32\t${o.secret}\n`, { mode: 0o600 });
  const config = [
    'driver=none',
    `interface=bench${o.port}`,
    'logger_stdout=-1',
    `logger_stdout_level=${LOGGER_LEVEL_INFO}`,
    'logger_syslog=0',
    'eap_server=1',
    `eap_user_file=${userFile}`,
    `radius_server_clients=${clientsFile}`,
    `radius_server_auth_port=${o.port}`,
    'radius_server_acct_port=0',
  ].join('\n');
  const configFile = join(o.dir, 'hostapd.conf');
  writeFileSync(configFile, config + '\n', { mode: 0o600 });
  const proc: PinnedProcess = await startPinnedProcess({
    name: 'hostapd',
    command: binary,
    args: [configFile],
    cpu: o.cpu,
    ready: READY_LINE,
    startTimeoutMs: START_TIMEOUT_MS,
  });
  return { pid: proc.pid, port: o.port, stop: () => proc.stop() };
}
