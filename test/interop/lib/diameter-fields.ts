import { execFile } from 'node:child_process';

import { requireTool } from './tools.js';

/**
 * Reads chosen Diameter fields out of a capture with tshark (`-T fields`), for assertions on AVPs
 * the checker's summary lines do not carry (Redirect-Host, Origin-Host, User-Name, ...).
 */
export interface DiameterFieldsOptions {
  /** TCP ports to decode as Diameter (3868 always is). */
  readonly diameterPorts: readonly number[];
  /** A Wireshark display filter, e.g. `diameter.Result-Code == 3006`. */
  readonly filter: string;
  /** Wireshark field names, e.g. `diameter.Redirect-Host`. */
  readonly fields: readonly string[];
}

/** One row per Diameter message that passed the filter: field name → every occurrence in it. */
export type DiameterFieldRow = ReadonlyMap<string, readonly string[]>;

const TIMEOUT_MS = 60_000;
const MAX_BUFFER = 16 * 1024 * 1024;
/** Separators that cannot occur in the DiameterIdentity / URI / number fields we read. */
const FIELD_SEPARATOR = '\t';
const OCCURRENCE_SEPARATOR = '\u001f';

/**
 * Runs `tshark -r FILE -Y FILTER -T fields -e ...`. A frame holding several Diameter messages gives
 * one row per frame (occurrences of all its messages together): filter tightly.
 */
export async function readDiameterFields(
  file: string,
  options: DiameterFieldsOptions,
): Promise<DiameterFieldRow[]> {
  const args = [
    '-n',
    '-r',
    file,
    ...options.diameterPorts.flatMap((p) => ['-d', `tcp.port==${p},diameter`]),
    '-Y',
    options.filter,
    '-T',
    'fields',
    '-E',
    `separator=${FIELD_SEPARATOR}`,
    '-E',
    'occurrence=a',
    '-E',
    `aggregator=${OCCURRENCE_SEPARATOR}`,
    ...options.fields.flatMap((f) => ['-e', f]),
  ];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      requireTool('tshark'),
      args,
      { timeout: TIMEOUT_MS, maxBuffer: MAX_BUFFER },
      (err, out, errOut) => {
        if (err !== null) reject(new Error(`tshark ${args.join(' ')} failed: ${err.message}\n${errOut}`));
        else resolve(out);
      },
    );
  });
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const values = line.split(FIELD_SEPARATOR);
      return new Map(
        options.fields.map((f, i) => {
          const v = values[i] ?? '';
          return [f, v === '' ? [] : v.split(OCCURRENCE_SEPARATOR)] as const;
        }),
      );
    });
}
