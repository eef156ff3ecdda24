import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const TEMP_SUFFIX_BYTES = 6;

/**
 * Writes `data` to a new temp file created with `mode`, flushes it, and renames it over `file`:
 * the file appears complete or not at all, and an existing file with looser permissions never
 * holds the data.
 */
export function writeFileAtomic(file: string, data: string | Buffer, mode: number): void {
  const temp = join(
    dirname(file),
    `.${basename(file)}.${randomBytes(TEMP_SUFFIX_BYTES).toString('hex')}.tmp`,
  );
  const fd = openSync(temp, 'wx', mode);
  try {
    if (typeof data === 'string') writeSync(fd, data);
    else writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  renameSync(temp, file);
}
