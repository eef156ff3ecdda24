import { ConfigError, loadConfig, type Config } from '../config/load.js';
import { configReference } from '../config/doc.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { USAGE } from './usage.js';

export interface CommandContext {
  readonly io: CliIo;
  /** Loads the configuration (`--config FILE` + environment); throws ConfigError. */
  loadConfig(): Config;
}

/** A subcommand: receives the arguments after its name; resolves to an exit code. */
export type Command = (args: string[], ctx: CommandContext) => Promise<number>;

/** Take `--config FILE` / `--config=FILE` out of the arguments, wherever it stands. */
export function extractConfigFlag(argv: readonly string[]): {
  file?: string;
  rest: string[];
  error?: string;
} {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) return { rest, error: '--config needs a file name' };
      file = next;
      i++;
    } else if (a.startsWith('--config=')) {
      file = a.slice('--config='.length);
    } else {
      rest.push(a);
    }
  }
  return file === undefined ? { rest } : { file, rest };
}

function describeListeners(c: Config): string {
  const parts = [`diameter tcp ${c.diameter.host}:${c.diameter.port}`];
  if (c.diameter.tls.enabled) parts.push(`diameter tls :${c.diameter.tls.port}`);
  if (c.diameter.sctp.backend !== 'off')
    parts.push(`diameter sctp :${c.diameter.sctp.port} (${c.diameter.sctp.backend})`);
  if (c.radius.enabled) parts.push(`radius udp ${c.radius.host}:${c.radius.port}`);
  parts.push(`admin http ${c.admin.host}:${c.admin.port}`);
  return parts.join(', ');
}

/** Runs one eapd command line; never throws: every failure becomes a message and an exit code. */
export async function runCli(
  argv: readonly string[],
  commands: Readonly<Record<string, Command>>,
  io: CliIo,
  version: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { file, rest, error } = extractConfigFlag(argv);
  if (error) {
    io.err(`eapd: ${error}\nRun 'eapd --help' for usage.`);
    return ExitCode.USAGE;
  }
  const [command, ...args] = rest;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (command === '-v' || command === '--version') {
    io.out(version);
    return ExitCode.OK;
  }
  const ctx: CommandContext = {
    io,
    loadConfig: () => loadConfig(file === undefined ? { env } : { file, env }),
  };
  try {
    switch (command) {
      case 'check-config': {
        if (args.length > 0) {
          io.err(`eapd check-config: unexpected argument '${args[0]}'`);
          return ExitCode.USAGE;
        }
        const c = ctx.loadConfig();
        io.out(`configuration valid${file ? ` (${file})` : ' (defaults and environment)'}`);
        io.out(`origin ${c.node.originHost} realm ${c.node.originRealm}; listeners: ${describeListeners(c)}`);
        return ExitCode.OK;
      }
      case 'config-doc':
        io.out(configReference());
        return ExitCode.OK;
      default: {
        const handler = commands[command];
        if (!handler) {
          io.err(`eapd: unknown command '${command}'\nRun 'eapd --help' for usage.`);
          return ExitCode.USAGE;
        }
        return await handler(args, ctx);
      }
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`eapd: ${e.message}`);
      return ExitCode.CONFIG;
    }
    io.err(`eapd ${command}: ${e instanceof Error ? e.message : String(e)}`);
    return ExitCode.FAILURE;
  }
}
