import { join } from 'node:path';

import { repoRoot } from '../../helpers/paths.js';
import { checkPskUser, type PskUser } from './credentials.js';
import type { ManagedProcess } from './managed-process.js';
import { LOOPBACK } from './ports.js';
import type { Rig } from './rig.js';
import { renderTemplate } from './template.js';
import { requireTool } from './tools.js';

export interface HostapdOptions {
  /** RADIUS authentication UDP port (hostapd listens on 0.0.0.0). */
  readonly port: number;
  readonly secret: string;
  readonly users: readonly PskUser[];
  /** RADIUS client address admitted (default 127.0.0.1/32). */
  readonly clientCidr?: string;
  /** EAP-PSK ID_S; hostapd's default is "hostapd". */
  readonly serverId?: string;
  readonly startTimeoutMs?: number;
}

/** A running hostapd RADIUS server. */
export interface Hostapd {
  readonly process: ManagedProcess;
  readonly host: string;
  readonly port: number;
  readonly secret: string;
}

const TEMPLATE = 'test/interop/hostapd/hostapd-as.conf.in';
const READY_LINE = /AP-ENABLED/;
const DEFAULT_START_TIMEOUT_MS = 10_000;
const LOOPBACK_HOST_PREFIX = 32;

/** hostapd.eap_user lines: `"identity" PSK <hex>` (RFC 4764 ID_P and its 16-byte PSK). */
function eapUserFile(users: readonly PskUser[]): string {
  return (
    users
      .map((u) => {
        checkPskUser(u);
        return `"${u.identity}"\tPSK\t${u.pskHex}`;
      })
      .join('\n') + '\n'
  );
}

/** Starts hostapd as the reference EAP-PSK RADIUS server and waits until it is enabled. */
export async function startHostapd(rig: Rig, options: HostapdOptions): Promise<Hostapd> {
  const binary = requireTool('hostapd');
  const stem = `hostapd-${options.port}`;
  const userFile = rig.writeFile(`${stem}.eap_user`, eapUserFile(options.users));
  const clientsFile = rig.writeFile(
    `${stem}.radius_clients`,
    `${options.clientCidr ?? `${LOOPBACK}/${LOOPBACK_HOST_PREFIX}`}\t${options.secret}\n`,
  );
  const config = renderTemplate(join(repoRoot(), TEMPLATE), {
    INTERFACE: `as${options.port}`,
    EAP_USER_FILE: userFile,
    CLIENTS_FILE: clientsFile,
    PORT: String(options.port),
    SERVER_ID: options.serverId === undefined ? '' : `server_id=${options.serverId}`,
  });
  const configFile = rig.writeFile(`${stem}.conf`, config);
  const proc = await rig.start({ name: stem, command: binary, args: [configFile] });
  await proc.waitForLog(READY_LINE, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  return { process: proc, host: LOOPBACK, port: options.port, secret: options.secret };
}
