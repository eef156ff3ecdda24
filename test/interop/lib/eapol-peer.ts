import { checkPskUser, type PskUser } from './credentials.js';
import type { ProcessExit } from './managed-process.js';
import type { Rig } from './rig.js';
import { requireTool } from './tools.js';

export interface EapolTestOptions {
  /** The EAP-PSK peer: identity (ID_P) and 16-byte key in hex. */
  readonly user: PskUser;
  /** RADIUS server. */
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** eapol_test's own give-up time (-t), seconds; default 10. */
  readonly timeoutSeconds?: number;
  /** More eapol_test arguments (e.g. ['-N', '...']). */
  readonly extraArgs?: readonly string[];
}

/** What eapol_test reported. */
export interface EapolTestResult {
  readonly exit: ProcessExit;
  /** Last non-empty line: 'SUCCESS' or 'FAILURE'. */
  readonly lastLine: string;
  /** exit code 0 and last line SUCCESS. */
  readonly success: boolean;
  /** From `MPPE keys OK: N  mismatch: M` (the MSK halves in MS-MPPE-Recv/Send-Key vs the peer's MSK). */
  readonly mppeKeysOk: number;
  readonly mppeKeysMismatch: number;
  /** `Locally derived EAP Session-Id matches EAP-Key-Name from server` was logged. */
  readonly sessionIdMatchesKeyName: boolean;
  readonly log: string;
  readonly logFile: string;
}

const DEFAULT_TIMEOUT_SECONDS = 10;
/** Extra time the rig grants over eapol_test's own timeout before killing it. */
const KILL_MARGIN_MS = 5_000;
const MS_PER_SECOND = 1_000;
const MPPE_LINE = /MPPE keys OK: (\d+)\s+mismatch: (\d+)/;
const SESSION_ID_MATCH = 'Locally derived EAP Session-Id matches EAP-Key-Name from server';
let runs = 0;

/** eapol_test network block (wpa_supplicant.conf syntax): a hex password is an unquoted 16-byte PSK. */
function networkBlock(user: PskUser): string {
  checkPskUser(user);
  return [
    'network={',
    '\tkey_mgmt=IEEE8021X',
    '\teap=PSK',
    `\tidentity="${user.identity}"`,
    `\tpassword=${user.pskHex}`,
    '\teapol_flags=0',
    '}',
    '',
  ].join('\n');
}

/** Runs one EAP-PSK authentication with eapol_test (RADIUS only) and parses its verdict. */
export async function runEapolTest(rig: Rig, options: EapolTestOptions): Promise<EapolTestResult> {
  const binary = requireTool('eapol_test');
  runs += 1;
  const stem = `eapol_test-${runs}`;
  const configFile = rig.writeFile(`${stem}.conf`, networkBlock(options.user));
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const args = [
    '-c',
    configFile,
    '-a',
    options.host,
    '-p',
    String(options.port),
    '-s',
    options.secret,
    '-r',
    '0',
    '-t',
    String(timeoutSeconds),
    ...(options.extraArgs ?? []),
  ];
  const { exit, log, logFile } = await rig.run(
    { name: stem, command: binary, args },
    timeoutSeconds * MS_PER_SECOND + KILL_MARGIN_MS,
  );
  const lines = log.split('\n').filter((l) => l.trim() !== '');
  const lastLine = (lines[lines.length - 1] ?? '').trim();
  const mppe = log.match(MPPE_LINE);
  return {
    exit,
    lastLine,
    success: exit.code === 0 && lastLine === 'SUCCESS',
    mppeKeysOk: mppe === null ? 0 : Number(mppe[1]),
    mppeKeysMismatch: mppe === null ? 0 : Number(mppe[2]),
    sessionIdMatchesKeyName: log.includes(SESSION_ID_MATCH),
    log,
    logFile,
  };
}
