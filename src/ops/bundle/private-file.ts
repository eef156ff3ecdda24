import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
const TEMP_SUFFIX_BYTES = 6;

/**
 * Writes `data` to a new temp file created 0600 and renames it over `file`: the file appears
 * complete or not at all, and an existing looser file never holds the data.
 */
export function writePrivateFile(file: string, data: Buffer): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(TEMP_SUFFIX_BYTES).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  renameSync(temp, file);
}

/** A passphrase file's content without one trailing newline (as `echo` writes it). */
export function readPassphraseFile(file: string): Buffer {
  const data = readFileSync(file);
  let end = data.length;
  if (end > 0 && data[end - 1] === 0x0a) end--;
  if (end > 0 && data[end - 1] === 0x0d) end--;
  return data.subarray(0, end);
}
