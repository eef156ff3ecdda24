import { readFileSync } from 'node:fs';
import type { DeviceStore } from '../../store/device-store.js';
import { validateGroup } from '../../store/device-input.js';
import { isStoreError, StoreErrorCode } from '../../store/store-error.js';
import type { RoutingStore } from '../../store/routing/routing-store.js';
import {
  readPrivateKey,
  readRecipientKey,
  type BundleRecipient,
  type BundleSecret,
} from '../bundle/bundle-keys.js';
import { openDeviceBundle, sealDeviceBundle } from '../bundle/device-bundle.js';
import { PRIVATE_FILE_MODE, readPassphraseFile, writePrivateFile } from '../bundle/private-file.js';
import {
  CLI_ACTOR,
  describeRule,
  intOption,
  listOption,
  parseOne,
  Refusal,
  runSubcommand,
  stringOption,
  UsageError,
  type SubHandler,
  type Values,
} from './route-command.js';

export interface GroupCommandIo {
  readonly routing: RoutingStore;
  readonly devices: DeviceStore;
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Who the audit trail names; default `cli`. */
  readonly actor?: string;
}

export const GROUP_USAGE = `usage:
  eapd group move <group> --to URI [--to URI]... [--usage NAME] [--max-cache-time SECONDS] [--priority N]
        redirect the group's first DERs (3006) to URI: creates or replaces rule group:<group>
  eapd group export <group> --out FILE (--passphrase-file F | --recipient-key PUBLIC.pem)
        write the group's devices and PSKs as an encrypted bundle (mode 0600)
  eapd group import FILE (--passphrase-file F | --key PRIVATE.pem)
        verify a bundle and add its devices, all or nothing
`;

/** `eapd group …`: move a device group, export it for its new owner, import such a bundle. */
export async function runGroupCommand(args: string[], io: GroupCommandIo): Promise<number> {
  return runSubcommand('group', GROUP_USAGE, HANDLERS, args, io);
}

const HANDLERS: ReadonlyMap<string, SubHandler<GroupCommandIo>> = new Map(
  Object.entries({ move: moveCommand, export: exportCommand, import: importCommand } satisfies Record<
    string,
    SubHandler<GroupCommandIo>
  >),
);

async function moveCommand(args: string[], io: GroupCommandIo): Promise<void> {
  const { values, positional } = parseOne(args, '<group>', {
    to: { type: 'string', multiple: true },
    usage: { type: 'string' },
    'max-cache-time': { type: 'string' },
    priority: { type: 'string' },
  });
  const group = groupArg(positional);
  const targets = listOption(values, 'to');
  if (targets.length === 0) throw new UsageError('give at least one --to URI');
  const usage = stringOption(values, 'usage');
  const maxCache = intOption(values, 'max-cache-time');
  const priority = intOption(values, 'priority');
  const { rule, created } = await io.routing.moveGroup(
    {
      group,
      targets,
      ...(usage === undefined ? {} : { usage }),
      ...(maxCache === undefined ? {} : { maxCacheTimeSeconds: maxCache }),
      ...(priority === undefined ? {} : { priority }),
    },
    io.actor ?? CLI_ACTOR,
  );
  io.out(`${created ? 'added' : 'replaced'} rule ${describeRule(rule)}\n`);
  const here = (await io.devices.list({ group })).length;
  if (here === 0)
    io.err(`warning: this server holds no device of group ${group}: the rule matches nothing here\n`);
}

async function exportCommand(args: string[], io: GroupCommandIo): Promise<void> {
  const { values, positional } = parseOne(args, '<group>', {
    out: { type: 'string' },
    'passphrase-file': { type: 'string' },
    'recipient-key': { type: 'string' },
  });
  const group = groupArg(positional);
  const out = stringOption(values, 'out');
  if (out === undefined) throw new UsageError('--out FILE is required (a bundle is never written to stdout)');
  const recipient = recipientOf(values);
  const devices = await io.devices.export({ group, withPsk: true });
  if (devices.length === 0) throw new Refusal(`group ${group} has no device: nothing to export`);
  const bundle = sealDeviceBundle(group, devices, recipient);
  for (const d of devices) d.psk?.fill(0);
  writePrivateFile(out, bundle);
  io.out(
    `exported ${devices.length} device${devices.length === 1 ? '' : 's'} of group ${group} to ${out} (encrypted, mode ${PRIVATE_FILE_MODE.toString(8).padStart(4, '0')})\n`,
  );
}

async function importCommand(args: string[], io: GroupCommandIo): Promise<void> {
  const { values, positional: file } = parseOne(args, 'FILE', {
    'passphrase-file': { type: 'string' },
    key: { type: 'string' },
  });
  const secret = secretOf(values);
  const opened = openDeviceBundle(readFileSync(file), secret);
  try {
    const count = await io.devices.importAtomic(opened.devices);
    const groups = [...new Set(opened.devices.map((d) => d.group ?? ''))].join(', ');
    io.out(`imported ${count} device${count === 1 ? '' : 's'} (group ${groups}) from ${file}\n`);
  } catch (e) {
    if (isStoreError(e, StoreErrorCode.ImportConflict)) {
      const ids = e.details.identities ?? [];
      for (const id of ids) io.err(`${file}: device ${JSON.stringify(id)} already exists here\n`);
      throw new Refusal(
        `import refused: ${ids.length} conflicting device${ids.length === 1 ? '' : 's'}, nothing written`,
      );
    }
    throw e;
  } finally {
    for (const d of opened.devices) d.psk.fill(0);
  }
}

function groupArg(text: string): string {
  try {
    return validateGroup(text);
  } catch (e) {
    if (isStoreError(e)) throw new Refusal(`<group>: ${e.message}`);
    throw e;
  }
}

function recipientOf(values: Values): BundleRecipient {
  const pass = stringOption(values, 'passphrase-file');
  const pem = stringOption(values, 'recipient-key');
  if ((pass === undefined) === (pem === undefined)) {
    throw new UsageError('give exactly one of --passphrase-file F or --recipient-key PEM');
  }
  if (pass !== undefined) return { kind: 'passphrase', passphrase: readPassphraseFile(pass) };
  return { kind: 'x25519', publicKey: readRecipientKey(readFileSync(pem!, 'utf8')) };
}

function secretOf(values: Values): BundleSecret {
  const pass = stringOption(values, 'passphrase-file');
  const pem = stringOption(values, 'key');
  if ((pass === undefined) === (pem === undefined))
    throw new UsageError('give exactly one of --passphrase-file F or --key PEM');
  if (pass !== undefined) return { kind: 'passphrase', passphrase: readPassphraseFile(pass) };
  return { kind: 'x25519', privateKey: readPrivateKey(readFileSync(pem!, 'utf8')) };
}
