import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isStoreError } from '../../store/store-error.js';
import { isRoutingError } from '../../store/routing/routing-error.js';
import {
  usageName,
  type NewRedirectRule,
  type RedirectRule,
  type RealmSource,
} from '../../store/routing/routing-model.js';
import type { RoutingStore } from '../../store/routing/routing-store.js';
import { ruleToJson } from '../../store/routing/rule-json.js';
import { ExitCode } from './exit-codes.js';
import { isFsError, isParseArgsError, table } from './cli-format.js';

export interface RouteCommandIo {
  readonly routing: RoutingStore;
  /** Receives complete text, newlines included (like `process.stdout.write`). */
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Who the audit trail names; default `cli`. */
  readonly actor?: string;
}

export const ROUTE_USAGE = `usage:
  eapd route list [--json]
  eapd route add <name> --to URI [--to URI]... [--realm R [--realm-from any|user-name|destination-realm]]
                 [--group G] [--identity GLOB] [--calling-station GLOB] [--called-station GLOB]
                 [--usage NAME] [--max-cache-time SECONDS] [--priority N] [--disabled] [--replace]
  eapd route remove <name>
  URI: aaa://host[:port][;transport=tcp|sctp] or aaas://host[:port] (TLS), RFC 6733 §4.3.1
  NAME: DONT_CACHE, ALL_SESSION, ALL_REALM, REALM_AND_APPLICATION, ALL_APPLICATION, ALL_HOST, ALL_USER
`;

export const CLI_ACTOR = 'cli';
const JSON_INDENT = 2;

/** The command line is wrong: exit 2 with the usage. */
export class UsageError extends Error {}
/** The command ran and was refused: exit 1. */
export class Refusal extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;
export type SubHandler<Io> = (args: string[], io: Io) => Promise<void>;

/** Flag names for the fields a RoutingError names, so CLI messages speak in flags. */
const FIELD_FLAGS: readonly [string, string][] = [
  ['match.realmFrom', '--realm-from'],
  ['match.realm', '--realm'],
  ['match.group', '--group'],
  ['match.identity', '--identity'],
  ['match.callingStation', '--calling-station'],
  ['match.calledStation', '--called-station'],
  ['match', 'match (--realm, --group, --identity, --calling-station, --called-station)'],
  ['targets', '--to'],
  ['maxCacheTimeSeconds', '--max-cache-time'],
  ['usage', '--usage'],
  ['priority', '--priority'],
  ['name', '<name>'],
];

/** A RoutingError message with its field spelled as the CLI flag. */
export function cliMessage(message: string): string {
  for (const [field, flag] of FIELD_FLAGS) {
    if (message.startsWith(`${field}:`) || message.startsWith(`${field}[`))
      return flag + message.substring(field.length);
  }
  return message;
}

/** Runs one `eapd <command> <sub> …`: 0 ok, 1 refused (nothing written), 2 usage error. */
export async function runSubcommand<
  Io extends { readonly out: (s: string) => void; readonly err: (s: string) => void },
>(
  command: string,
  usage: string,
  handlers: ReadonlyMap<string, SubHandler<Io>>,
  args: string[],
  io: Io,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    (sub === undefined ? io.err : io.out)(usage);
    return sub === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const handler = handlers.get(sub);
  try {
    if (handler === undefined) throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}`);
    await handler(rest, io);
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.err(`eapd ${command} ${handler === undefined ? '' : sub + ': '}${(e as Error).message}\n${usage}`);
      return ExitCode.USAGE;
    }
    if (isRoutingError(e)) {
      io.err(`eapd ${command} ${sub}: ${cliMessage(e.message)}\n`);
      return ExitCode.FAILURE;
    }
    if (e instanceof Refusal || isStoreError(e) || isFsError(e) || isNamedError(e, 'BundleError')) {
      io.err(`eapd ${command} ${sub}: ${e.message}\n`);
      return ExitCode.FAILURE;
    }
    throw e;
  }
}

/**
 * `eapd route …` on the store directly (same config and store file as the server, which sees
 * the change through the store's change token within a second).
 */
export async function runRouteCommand(args: string[], io: RouteCommandIo): Promise<number> {
  return runSubcommand('route', ROUTE_USAGE, ROUTE_HANDLERS, args, io);
}

const ROUTE_HANDLERS: ReadonlyMap<string, SubHandler<RouteCommandIo>> = new Map(
  Object.entries({ list: listCommand, add: addCommand, remove: removeCommand } satisfies Record<
    string,
    SubHandler<RouteCommandIo>
  >),
);

async function listCommand(args: string[], io: RouteCommandIo): Promise<void> {
  const { values } = parseNone(args, { json: { type: 'boolean' } });
  const rules = await io.routing.listRules();
  if (values['json'] === true) {
    io.out(JSON.stringify(rules.map(ruleToJson), null, JSON_INDENT) + '\n');
    return;
  }
  const rows = rules.map((r) => [
    r.name,
    String(r.priority),
    r.enabled ? 'yes' : 'no',
    describeMatch(r),
    usageName(r.usage) ?? String(r.usage),
    String(r.maxCacheTimeSeconds),
    r.targets.join(' '),
  ]);
  io.out(table([['NAME', 'PRIO', 'ENABLED', 'MATCH', 'USAGE', 'CACHE_S', 'TARGETS'], ...rows]));
}

async function addCommand(args: string[], io: RouteCommandIo): Promise<void> {
  const { values, positional: name } = parseOne(args, '<name>', {
    to: { type: 'string', multiple: true },
    realm: { type: 'string' },
    'realm-from': { type: 'string' },
    group: { type: 'string' },
    identity: { type: 'string' },
    'calling-station': { type: 'string' },
    'called-station': { type: 'string' },
    usage: { type: 'string' },
    'max-cache-time': { type: 'string' },
    priority: { type: 'string' },
    disabled: { type: 'boolean' },
    replace: { type: 'boolean' },
  });
  const targets = listOption(values, 'to');
  if (targets.length === 0) throw new UsageError('give at least one --to URI');
  const realm = stringOption(values, 'realm');
  const realmFrom = stringOption(values, 'realm-from');
  const group = stringOption(values, 'group');
  const identity = stringOption(values, 'identity');
  const calling = stringOption(values, 'calling-station');
  const called = stringOption(values, 'called-station');
  const usage = stringOption(values, 'usage');
  const maxCache = intOption(values, 'max-cache-time');
  const priority = intOption(values, 'priority');
  const rule: NewRedirectRule = {
    name,
    targets,
    match: {
      ...(realm === undefined ? {} : { realm }),
      ...(realmFrom === undefined ? {} : { realmFrom: realmFrom as RealmSource }),
      ...(group === undefined ? {} : { group }),
      ...(identity === undefined ? {} : { identity }),
      ...(calling === undefined ? {} : { callingStation: calling }),
      ...(called === undefined ? {} : { calledStation: called }),
    },
    enabled: values['disabled'] !== true,
    ...(usage === undefined ? {} : { usage }),
    ...(maxCache === undefined ? {} : { maxCacheTimeSeconds: maxCache }),
    ...(priority === undefined ? {} : { priority }),
  };
  const replace = values['replace'] === true;
  const existed = replace && (await io.routing.getRule(name)) !== undefined;
  const added = await io.routing.addRule(rule, io.actor ?? CLI_ACTOR, { replace });
  io.out(`${existed ? 'replaced' : 'added'} rule ${describeRule(added)}\n`);
}

async function removeCommand(args: string[], io: RouteCommandIo): Promise<void> {
  const { positional: name } = parseOne(args, '<name>', {});
  await io.routing.removeRule(name, io.actor ?? CLI_ACTOR);
  io.out(`removed rule ${name}\n`);
}

export function describeRule(r: RedirectRule): string {
  const usage = usageName(r.usage) ?? String(r.usage);
  const cache = r.maxCacheTimeSeconds === 0 ? '' : `, cache ${r.maxCacheTimeSeconds}s`;
  return `${r.name} (${describeMatch(r)} → ${r.targets.join(', ')}; ${usage}${cache}; priority ${r.priority}${r.enabled ? '' : ', disabled'})`;
}

function describeMatch(r: RedirectRule): string {
  const m = r.match;
  const parts: string[] = [];
  if (m.realm !== undefined)
    parts.push(
      `realm=${m.realm}${m.realmFrom === undefined || m.realmFrom === 'any' ? '' : `(${m.realmFrom})`}`,
    );
  if (m.group !== undefined) parts.push(`group=${m.group}`);
  if (m.identity !== undefined) parts.push(`identity=${m.identity}`);
  if (m.callingStation !== undefined) parts.push(`calling=${m.callingStation}`);
  if (m.calledStation !== undefined) parts.push(`called=${m.calledStation}`);
  return parts.join(',');
}

export function parseNone(args: string[], options: Options): { values: Values } {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  return { values };
}

export function parseOne(
  args: string[],
  name: string,
  options: Options,
): { values: Values; positional: string } {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (positionals.length === 0) throw new UsageError(`missing ${name}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
  return { values, positional: positionals[0]! };
}

export function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function intOption(values: Values, name: string): number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Refusal(`--${name}: ${JSON.stringify(v)} is not a non-negative integer`);
  return Number(v);
}

function isNamedError(e: unknown, name: string): e is Error {
  return e instanceof Error && e.name === name;
}
