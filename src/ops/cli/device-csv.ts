import { DEFAULT_GROUP, type ExportedDevice, type NewDevice } from '../../store/device.js';
import { parsePskHex, validateGroup, validateIdentity } from '../../store/device-input.js';
import { normalizeAccessPoint } from '../../store/access-point.js';
import { normalizeMac } from '../../store/mac-address.js';
import { isStoreError } from '../../store/store-error.js';
import { formatCsv, parseCsv } from './csv.js';

/** The device CSV columns; lists inside a field are `;`-separated. */
export const DEVICE_CSV_COLUMNS = [
  'identity',
  'psk',
  'group',
  'enabled',
  'allowed_aps',
  'allowed_macs',
] as const;
type Column = (typeof DEVICE_CSV_COLUMNS)[number];
const LIST_SEPARATOR = ';';
const TRUE_WORDS: readonly string[] = ['true', '1', 'yes'];
const FALSE_WORDS: readonly string[] = ['false', '0', 'no'];
const HEADER_LINE = 1;

export interface CsvDevice {
  readonly line: number;
  readonly device: NewDevice;
}

export interface DeviceCsvResult {
  readonly devices: CsvDevice[];
  /** One message per bad line, `line N: …`, in line order. */
  readonly errors: string[];
}

/**
 * Reads a device CSV. Every bad line is reported with its line number and every problem on it;
 * `devices` is meaningful only when `errors` is empty.
 */
export function parseDeviceCsv(text: string): DeviceCsvResult {
  const { records, errors: syntax } = parseCsv(text);
  const problems = new Map<number, string[]>();
  const report = (line: number, message: string): void => {
    const list = problems.get(line);
    if (list === undefined) problems.set(line, [message]);
    else list.push(message);
  };
  for (const e of syntax) report(e.line, e.message);

  const header = records[0];
  const devices: CsvDevice[] = [];
  if (header === undefined || header.line !== HEADER_LINE) {
    report(HEADER_LINE, `missing header ${DEVICE_CSV_COLUMNS.join(',')}`);
    return { devices, errors: format(problems) };
  }
  const index = headerIndex(header.fields, (m) => report(header.line, m));
  if (index === undefined) return { devices, errors: format(problems) };

  const firstLine = new Map<string, number>();
  for (const record of records.slice(1)) {
    const lineProblems: string[] = [];
    if (record.fields.length !== header.fields.length) {
      report(record.line, `${record.fields.length} fields, expected ${header.fields.length}`);
      continue;
    }
    const field = (c: Column): string => record.fields[index.get(c)!]!;
    const device = readDevice(field, (m) => lineProblems.push(m));
    const identity = field('identity');
    const earlier = firstLine.get(identity);
    if (earlier !== undefined)
      lineProblems.push(`identity ${JSON.stringify(identity)} is also on line ${earlier}`);
    else firstLine.set(identity, record.line);
    for (const p of lineProblems) report(record.line, p);
    if (device !== undefined && lineProblems.length === 0) devices.push({ line: record.line, device });
  }
  return { devices, errors: format(problems) };
}

/** Writes devices in the import format; the psk column is empty for devices without a PSK. */
export function formatDeviceCsv(devices: readonly ExportedDevice[]): string {
  const rows = devices.map((d) => [
    d.identity,
    d.psk === undefined ? '' : d.psk.toString('hex'),
    d.group,
    String(d.enabled),
    d.allowedAps.join(LIST_SEPARATOR),
    d.allowedMacs.join(LIST_SEPARATOR),
  ]);
  return formatCsv([[...DEVICE_CSV_COLUMNS], ...rows]);
}

function headerIndex(
  fields: readonly string[],
  report: (m: string) => void,
): Map<Column, number> | undefined {
  const index = new Map<Column, number>();
  let ok = true;
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    const column = DEVICE_CSV_COLUMNS.find((c) => c === name);
    if (column === undefined) {
      report(`unknown column ${JSON.stringify(raw)}`);
      ok = false;
    } else if (index.has(column)) {
      report(`column ${column} appears twice`);
      ok = false;
    } else {
      index.set(column, i);
    }
  });
  for (const c of DEVICE_CSV_COLUMNS) {
    if (!index.has(c)) {
      report(`missing column ${c}`);
      ok = false;
    }
  }
  return ok ? index : undefined;
}

function readDevice(field: (c: Column) => string, problem: (m: string) => void): NewDevice | undefined {
  const attempt = <T>(what: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!isStoreError(e)) throw e;
      problem(`${what}: ${e.message}`);
      return undefined;
    }
  };
  const identity = attempt('identity', () => validateIdentity(field('identity')));
  const pskText = field('psk').trim();
  const psk =
    pskText === '' ? (problem('psk: it is empty'), undefined) : attempt('psk', () => parsePskHex(pskText));
  const groupText = field('group').trim();
  const group = attempt('group', () => validateGroup(groupText === '' ? DEFAULT_GROUP : groupText));
  const enabled = parseEnabled(field('enabled'), problem);
  const allowedAps = splitList(field('allowed_aps')).map((ap) =>
    attempt('allowed_aps', () => normalizeAccessPoint(ap)),
  );
  const allowedMacs = splitList(field('allowed_macs')).map((mac) =>
    attempt('allowed_macs', () => normalizeMac(mac)),
  );
  if (identity === undefined || psk === undefined || group === undefined || enabled === undefined)
    return undefined;
  if (allowedAps.includes(undefined) || allowedMacs.includes(undefined)) return undefined;
  return {
    identity,
    psk,
    group,
    enabled,
    allowedAps: allowedAps.filter((x) => x !== undefined),
    allowedMacs: allowedMacs.filter((x) => x !== undefined),
  };
}

function parseEnabled(text: string, problem: (m: string) => void): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (word === '' || TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  problem(`enabled: ${JSON.stringify(text)} is not true/false`);
  return undefined;
}

function splitList(text: string): string[] {
  return text
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function format(problems: Map<number, string[]>): string[] {
  return [...problems.entries()]
    .sort(([a], [b]) => a - b)
    .map(([line, list]) => `line ${line}: ${list.join('; ')}`);
}
