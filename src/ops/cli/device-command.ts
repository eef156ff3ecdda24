import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PSK_LENGTH, type Device, type NewDevice } from '../../store/device.js';
import { parsePskHex, validateIdentity } from '../../store/device-input.js';
import type { DeviceStore } from '../../store/device-store.js';
import { isStoreError, StoreErrorCode } from '../../store/store-error.js';
import { formatDeviceCsv, parseDeviceCsv } from './device-csv.js';
import { ExitCode } from './exit-codes.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { isFsError, isParseArgsError, table } from './cli-format.js';

export interface DeviceCommandIo {
  readonly store: DeviceStore;
  /** Receives complete text, newlines included (like `process.stdout.write`). */
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

export const DEVICE_USAGE = `usage:
  eapd device add <identity> (--psk HEX | --generate) [--group G] [--allow-ap X]... [--allow-mac M]... [--disabled]
  eapd device list [--group G] [--json]
  eapd device show <identity> [--json]
  eapd device enable <identity>
  eapd device disable <identity>
  eapd device remove <identity>
  eapd device import FILE.csv
  eapd device export [--group G] [--with-psk] [--out FILE]
`;

const FILE_MODE_WITH_PSK = 0o600;
const FILE_MODE_PUBLIC = 0o644;
const JSON_INDENT = 2;

class UsageError extends Error {}
/** A refusal whose details are already written to err. */
class Refusal extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Handler = (args: string[], io: DeviceCommandIo) => Promise<void>;

/**
 * `eapd device …`: `args` are the words after `device`. Exit code 0 ok, 1 refused (bad value,
 * unknown or existing device, …; nothing written), 2 usage error (unknown subcommand or flag,
 * missing argument).
 */
export async function runDeviceCommand(args: string[], io: DeviceCommandIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    (sub === undefined ? io.err : io.out)(DEVICE_USAGE);
    return sub === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const handler = HANDLERS.get(sub);
  try {
    if (handler === undefined) throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}`);
    await handler(rest, io);
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.err(
        `eapd device ${handler === undefined ? '' : sub + ': '}${(e as Error).message}\n${DEVICE_USAGE}`,
      );
      return ExitCode.USAGE;
    }
    if (e instanceof Refusal || isStoreError(e)) {
      io.err(`eapd device ${sub}: ${e.message}\n`);
      return ExitCode.FAILURE;
    }
    if (isFsError(e)) {
      io.err(`eapd device ${sub}: ${e.message}\n`);
      return ExitCode.FAILURE;
    }
    throw e;
  }
}

const HANDLERS: ReadonlyMap<string, Handler> = new Map(
  Object.entries({
    add: addCommand,
    list: listCommand,
    show: showCommand,
    enable: (args, io) => setEnabledCommand(args, io, true),
    disable: (args, io) => setEnabledCommand(args, io, false),
    remove: removeCommand,
    import: importCommand,
    export: exportCommand,
  } satisfies Record<string, Handler>),
);

async function addCommand(args: string[], io: DeviceCommandIo): Promise<void> {
  const { values, identity } = parse(args, {
    psk: { type: 'string' },
    generate: { type: 'boolean' },
    group: { type: 'string' },
    'allow-ap': { type: 'string', multiple: true },
    'allow-mac': { type: 'string', multiple: true },
    disabled: { type: 'boolean' },
  });
  const pskHex = stringOption(values, 'psk');
  const generate = values['generate'] === true;
  if ((pskHex === undefined) === !generate)
    throw new UsageError('give exactly one of --psk HEX or --generate');
  const psk = pskHex === undefined ? randomBytes(PSK_LENGTH) : parsePskHex(pskHex);
  const group = stringOption(values, 'group');
  const device: NewDevice = {
    identity,
    psk,
    enabled: values['disabled'] !== true,
    allowedAps: listOption(values, 'allow-ap'),
    allowedMacs: listOption(values, 'allow-mac'),
    ...(group === undefined ? {} : { group }),
  };
  const added = await io.store.add(device);
  io.out(
    `added ${JSON.stringify(added.identity)} (group ${added.group}, ${added.enabled ? 'enabled' : 'disabled'})\n`,
  );
  if (generate)
    io.out(`psk ${psk.toString('hex')}\n(shown once: it is stored encrypted and cannot be shown again)\n`);
}

async function listCommand(args: string[], io: DeviceCommandIo): Promise<void> {
  const { values } = parseNoIdentity(args, { group: { type: 'string' }, json: { type: 'boolean' } });
  const group = stringOption(values, 'group');
  const devices = await io.store.list(group === undefined ? {} : { group });
  if (values['json'] === true) {
    io.out(JSON.stringify(devices, null, JSON_INDENT) + '\n');
    return;
  }
  const rows = devices.map((d) => [
    d.identity,
    d.group,
    d.enabled ? 'yes' : 'no',
    String(d.allowedAps.length),
    String(d.allowedMacs.length),
    d.updatedAt,
  ]);
  io.out(table([['IDENTITY', 'GROUP', 'ENABLED', 'APS', 'MACS', 'UPDATED'], ...rows]));
}

async function showCommand(args: string[], io: DeviceCommandIo): Promise<void> {
  const { values, identity } = parse(args, { json: { type: 'boolean' } });
  const device = await mustGet(io.store, identity);
  if (values['json'] === true) {
    io.out(JSON.stringify(device, null, JSON_INDENT) + '\n');
    return;
  }
  io.out(describe(device));
}

async function setEnabledCommand(args: string[], io: DeviceCommandIo, enabled: boolean): Promise<void> {
  const { identity } = parse(args, {});
  await io.store.setEnabled(identity, enabled);
  io.out(`${enabled ? 'enabled' : 'disabled'} ${JSON.stringify(identity)}\n`);
}

async function removeCommand(args: string[], io: DeviceCommandIo): Promise<void> {
  const { identity } = parse(args, {});
  await io.store.remove(identity);
  io.out(`removed ${JSON.stringify(identity)}\n`);
}

async function importCommand(args: string[], io: DeviceCommandIo): Promise<void> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  const file = onePositional(positionals, 'FILE.csv');
  const { devices, errors } = parseDeviceCsv(readFileSync(file, 'utf8'));
  if (errors.length === 0) {
    for (const { line, device } of devices) {
      if ((await io.store.get(device.identity)) !== undefined) {
        errors.push(`line ${line}: device ${JSON.stringify(device.identity)} already exists`);
      }
    }
  }
  if (errors.length === 0) {
    try {
      const count = await io.store.importAtomic(devices.map((d) => d.device));
      io.out(`imported ${count} device${count === 1 ? '' : 's'} from ${file}\n`);
      return;
    } catch (e) {
      // Another writer added one of them since the check above.
      if (!isStoreError(e, StoreErrorCode.ImportConflict)) throw e;
      const taken = new Set(e.details.identities ?? []);
      for (const d of devices) {
        if (taken.has(d.device.identity))
          errors.push(`line ${d.line}: device ${JSON.stringify(d.device.identity)} already exists`);
      }
    }
  }
  for (const line of errors) io.err(`${file}: ${line}\n`);
  throw new Refusal(
    `import refused: ${errors.length} bad line${errors.length === 1 ? '' : 's'}, nothing written`,
  );
}

async function exportCommand(args: string[], io: DeviceCommandIo): Promise<void> {
  const { values } = parseNoIdentity(args, {
    group: { type: 'string' },
    'with-psk': { type: 'boolean' },
    out: { type: 'string' },
  });
  const group = stringOption(values, 'group');
  const withPsk = values['with-psk'] === true;
  const devices = await io.store.export({ withPsk, ...(group === undefined ? {} : { group }) });
  const csv = formatDeviceCsv(devices);
  const file = stringOption(values, 'out');
  if (file === undefined) {
    io.out(csv);
    return;
  }
  writeFileAtomic(file, csv, withPsk ? FILE_MODE_WITH_PSK : FILE_MODE_PUBLIC);
  io.out(
    `exported ${devices.length} device${devices.length === 1 ? '' : 's'} to ${file}${withPsk ? ' (with PSKs, mode 0600)' : ''}\n`,
  );
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parse(args: string[], options: Options): { values: Values; identity: string } {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  return { values, identity: validateIdentity(onePositional(positionals, '<identity>')) };
}

function parseNoIdentity(args: string[], options: Options): { values: Values } {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  return { values };
}

function onePositional(positionals: string[], name: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${name}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[1])}`);
  return positionals[0]!;
}

function stringOption(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function listOption(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

async function mustGet(store: DeviceStore, identity: string): Promise<Device> {
  const device = await store.get(identity);
  if (device === undefined) throw new Refusal(`no device ${JSON.stringify(identity)}`);
  return device;
}

function describe(d: Device): string {
  const lines: [string, string][] = [
    ['identity', d.identity],
    ['group', d.group],
    ['enabled', d.enabled ? 'yes' : 'no'],
    ['allowed APs', d.allowedAps.length === 0 ? '(any)' : d.allowedAps.join(', ')],
    ['allowed MACs', d.allowedMacs.length === 0 ? '(any)' : d.allowedMacs.join(', ')],
    ['created', d.createdAt],
    ['updated', d.updatedAt],
  ];
  return table(lines.map(([k, v]) => [k + ':', v]));
}
