/** Shared pieces of the CLI commands: aligned tables and error classification. */

/** Rows as aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n')
    .join('');
}

/** node:util parseArgs refused the command line (unknown flag, missing value…): a usage error. */
export function isParseArgsError(e: unknown): e is Error {
  const code = (e as { code?: unknown }).code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** A file system error (it names the syscall and, usually, the path). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}
