import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config/load.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

export const SESSION_USAGE = `usage:
  eapd session abort (--identity ID | --session SESSION-ID)    send ASR to the NAS holding the session
  eapd session reauth (--identity ID | --session SESSION-ID)   send RAR (re-authenticate)
  Talks to the running server's admin API (admin.host, admin.port, bearer token from admin.tokenFile).`;

interface Outcome {
  readonly sessionId: string;
  readonly kind: 'answered' | 'error';
  readonly resultCode?: number;
  readonly message?: string;
}

/** `eapd session abort|reauth`: RFC 6733 §8.5 ASR / §8.3 RAR through the running server. */
export async function runSessionCommand(
  args: string[],
  ctx: { io: CliIo; config: () => Config },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'abort' && sub !== 'reauth') {
    ctx.io.err(
      sub === undefined ? SESSION_USAGE : `eapd session: unknown subcommand '${sub}'\n${SESSION_USAGE}`,
    );
    return ExitCode.USAGE;
  }
  let values: { identity?: string | undefined; session?: string | undefined };
  try {
    values = parseArgs({
      args: rest,
      strict: true,
      options: { identity: { type: 'string' }, session: { type: 'string' } },
    }).values;
  } catch (e) {
    ctx.io.err(`eapd session ${sub}: ${(e as Error).message}\n${SESSION_USAGE}`);
    return ExitCode.USAGE;
  }
  if ((values.identity === undefined) === (values.session === undefined)) {
    ctx.io.err(`eapd session ${sub}: give exactly one of --identity or --session\n${SESSION_USAGE}`);
    return ExitCode.USAGE;
  }
  const config = ctx.config();
  let token: string;
  try {
    token = readFileSync(config.admin.tokenFile, 'utf8').trim();
  } catch (e) {
    ctx.io.err(
      `eapd session: cannot read the admin token ${config.admin.tokenFile}: ${(e as Error).message} (is the server running with this config?)`,
    );
    return ExitCode.UNAVAILABLE;
  }
  const host = config.admin.host.includes(':') ? `[${config.admin.host}]` : config.admin.host;
  const url = `http://${host}:${config.admin.port}/api/sessions/${sub}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        values.identity !== undefined ? { identity: values.identity } : { session: values.session },
      ),
    });
  } catch (e) {
    ctx.io.err(`eapd session: cannot reach the admin API at ${url}: ${(e as Error).message}`);
    return ExitCode.UNAVAILABLE;
  }
  const body = (await res.json().catch(() => ({}))) as { outcomes?: Outcome[]; error?: { message?: string } };
  if (!res.ok) {
    ctx.io.err(`eapd session ${sub}: ${body.error?.message ?? `HTTP ${res.status}`}`);
    return ExitCode.FAILURE;
  }
  let failed = 0;
  for (const o of body.outcomes ?? []) {
    if (o.kind === 'answered') {
      ctx.io.out(`${o.sessionId}: ${sub === 'abort' ? 'ASA' : 'RAA'} Result-Code ${o.resultCode ?? '?'}`);
      if (o.resultCode !== 2001) failed++;
    } else {
      ctx.io.out(`${o.sessionId}: error ${o.message ?? ''}`);
      failed++;
    }
  }
  return failed === 0 ? ExitCode.OK : ExitCode.FAILURE;
}
