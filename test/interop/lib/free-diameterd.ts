import { join } from 'node:path';

import { repoRoot } from '../../helpers/paths.js';
import type { ManagedProcess, ProcessExit } from './managed-process.js';
import { LOOPBACK } from './ports.js';
import type { Rig } from './rig.js';
import { renderTemplate } from './template.js';
import { requireTool } from './tools.js';

/** RFC 6733 §5.6 peer states as freeDiameter 1.2.1 names them in its log. */
export const FD_PEER_STATE = {
  closed: 'STATE_CLOSED',
  waitCnxAck: 'STATE_WAITCNXACK',
  waitCea: 'STATE_WAITCEA',
  open: 'STATE_OPEN',
  suspect: 'STATE_SUSPECT',
  reopen: 'STATE_REOPEN',
  closing: 'STATE_CLOSING',
  zombie: 'STATE_ZOMBIE',
} as const;
export type FdPeerState = (typeof FD_PEER_STATE)[keyof typeof FD_PEER_STATE];

/** A peer freeDiameterd connects to (ConnectPeer block). */
export interface FdConnectPeer {
  /** Diameter identity the peer must present as Origin-Host. */
  readonly identity: string;
  /** Defaults to 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  /** When set, freeDiameterd rejects the peer if its CER/CEA Origin-Realm differs. */
  readonly realm?: string;
  /** TLS to this peer (needs FreeDiameterdOptions.tls). Default: clear-text (No_TLS). */
  readonly tls?: boolean;
}

export interface FdTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export interface FreeDiameterdOptions {
  readonly identity: string;
  readonly realm: string;
  /** Clear-text TCP port; freeDiameterd listens on 0.0.0.0 (a loopback ListenOn is ignored). */
  readonly port: number;
  /** TLS port; 0 (default) = none. Needs tls. */
  readonly secPort?: number;
  readonly tcSeconds?: number;
  /** RFC 3539 Tw; freeDiameter requires >= 6. */
  readonly twSeconds?: number;
  readonly peers: readonly FdConnectPeer[];
  /** rt_default rules; default: each peer realm routed by REALM, the first peer as DEFAULT. */
  readonly routes?: readonly string[];
  /** acl_wl lines; default: `ALLOW_IPSEC *.<realm>` (clear-text peers of our own realm). */
  readonly acl?: readonly string[];
  /** Load dbg_msg_dumps (0x2222): one log line per message sent or received. */
  readonly dumpMessages?: boolean;
  readonly tls?: FdTlsFiles;
  /** Raw config lines appended after the extensions. */
  readonly extraConfig?: string;
  /** How long to wait for "daemon initialized" (default 10 s). */
  readonly startTimeoutMs?: number;
}

const DEFAULT_TC_SECONDS = 3;
const DEFAULT_TW_SECONDS = 6;
const MIN_TW_SECONDS = 6;
const NO_TLS_PORT = 0;
const DEFAULT_START_TIMEOUT_MS = 10_000;
/** On SIGTERM it sends DPR and waits up to 16 s for connections to close. */
const STOP_TIMEOUT_MS = 20_000;
const DBG_MSG_DUMPS_ONE_LINE = '0x2222';
const READY_LINE = /freeDiameterd daemon initialized\./;
const TEMPLATE_DIR = 'test/interop/freediameter';

function quoted(value: string): string {
  if (/["\\\n]/.test(value)) throw new Error(`freeDiameter config value must not contain quotes: ${value}`);
  return `"${value}"`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function peerBlock(peer: FdConnectPeer): string {
  const lines = [
    `ConnectPeer = ${quoted(peer.identity)} {`,
    `\tConnectTo = ${quoted(peer.host ?? LOOPBACK)};`,
    `\tPort = ${peer.port};`,
    ...(peer.tls === true ? [] : ['\tNo_TLS;']),
    '\tNo_SCTP;',
    '\tPrefer_TCP;',
    ...(peer.realm === undefined ? [] : [`\tRealm = ${quoted(peer.realm)};`]),
    '};',
  ];
  return lines.join('\n');
}

function defaultRoutes(peers: readonly FdConnectPeer[]): string[] {
  const realms = [...new Set(peers.flatMap((p) => (p.realm === undefined ? [] : [p.realm])))];
  const rules = realms.map((realm) => `dr=${quoted(realm)} : rlm=${quoted(realm)} += REALM ;`);
  const first = peers[0];
  if (first !== undefined) rules.push(`* : ${quoted(first.identity)} += DEFAULT ;`);
  return rules;
}

/** A running freeDiameterd (started by startFreeDiameterd, stopped by the rig or stop()). */
export class FreeDiameterd {
  readonly process: ManagedProcess;
  readonly configFile: string;
  readonly options: FreeDiameterdOptions;

  constructor(process: ManagedProcess, configFile: string, options: FreeDiameterdOptions) {
    this.process = process;
    this.configFile = configFile;
    this.options = options;
  }

  log(): string {
    return this.process.log();
  }

  waitForLog(pattern: RegExp, timeoutMs: number, fromOffset = 0): Promise<RegExpMatchArray> {
    return this.process.waitForLog(pattern, timeoutMs, fromOffset);
  }

  /**
   * Waits for the log line of a peer entering state, e.g. `'STATE_WAITCEA' -> 'STATE_OPEN' 'aaa.home.example'`.
   * fromOffset (from process.mark()) ignores earlier transitions.
   */
  waitForPeerState(
    peerIdentity: string,
    state: FdPeerState,
    timeoutMs: number,
    fromOffset = 0,
  ): Promise<RegExpMatchArray> {
    const line = new RegExp(`-> '?${state}'?[^\\n]*'${escapeRegExp(peerIdentity)}'`);
    return this.process.waitForLog(line, timeoutMs, fromOffset);
  }

  /** SIGTERM (freeDiameterd sends DPR with Disconnect-Cause REBOOTING to open peers) and wait. */
  stop(): Promise<ProcessExit> {
    return this.process.stop({ signal: 'SIGTERM', timeoutMs: STOP_TIMEOUT_MS });
  }
}

/** Renders the config into the rig's dir, starts `freeDiameterd -c FILE` and waits until it is initialized. */
export async function startFreeDiameterd(rig: Rig, options: FreeDiameterdOptions): Promise<FreeDiameterd> {
  const binary = requireTool('freeDiameterd');
  const tw = options.twSeconds ?? DEFAULT_TW_SECONDS;
  if (tw < MIN_TW_SECONDS) throw new Error(`freeDiameterd: Tw must be >= ${MIN_TW_SECONDS} s, got ${tw}`);
  const secPort = options.secPort ?? NO_TLS_PORT;
  if (secPort !== NO_TLS_PORT && options.tls === undefined)
    throw new Error('freeDiameterd: secPort needs tls files');

  const templates = join(repoRoot(), TEMPLATE_DIR);
  const stem = `freediameterd-${options.identity}`;
  const routesFile = `${stem}-rt_default.conf`;
  const aclFile = `${stem}-acl_wl.conf`;
  rig.writeFile(
    routesFile,
    renderTemplate(join(templates, 'rt_default.conf.in'), {
      RULES: (options.routes ?? defaultRoutes(options.peers)).join('\n'),
    }),
  );
  rig.writeFile(
    aclFile,
    renderTemplate(join(templates, 'acl_wl.conf.in'), {
      RULES: (options.acl ?? [`ALLOW_IPSEC *.${options.realm}`]).join('\n'),
    }),
  );
  const tlsLines =
    options.tls === undefined
      ? ''
      : `TLS_Cred = ${quoted(options.tls.certFile)}, ${quoted(options.tls.keyFile)};\nTLS_CA = ${quoted(options.tls.caFile)};\n`;
  const extra = [
    ...(options.dumpMessages === true
      ? [`LoadExtension = "/usr/lib/freeDiameter/dbg_msg_dumps.fdx" : ${quoted(DBG_MSG_DUMPS_ONE_LINE)};`]
      : []),
    options.extraConfig ?? '',
  ].join('\n');
  const config = renderTemplate(join(templates, 'freeDiameter.conf.in'), {
    IDENTITY: options.identity,
    REALM: options.realm,
    PORT: String(options.port),
    SEC_PORT: String(secPort),
    TC: String(options.tcSeconds ?? DEFAULT_TC_SECONDS),
    TW: String(tw),
    TLS: tlsLines,
    RT_DEFAULT_CONF: rig.path(routesFile),
    ACL_WL_CONF: rig.path(aclFile),
    EXTRA: extra,
    PEERS: options.peers.map(peerBlock).join('\n\n'),
  });
  const configFile = rig.writeFile(`${stem}.conf`, config);

  // An absolute -c path: freeDiameterd resolves a relative one against /etc/freeDiameter.
  const proc = await rig.start({ name: stem, command: binary, args: ['-c', configFile] });
  try {
    await proc.waitForLog(READY_LINE, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } catch (err) {
    const hint = /fd_servers_start/.test(proc.log())
      ? ' (freeDiameterd needs a non-loopback interface address: in a netns with only lo it cannot start)'
      : '';
    throw new Error(`${(err as Error).message}${hint}`);
  }
  return new FreeDiameterd(proc, configFile, options);
}
