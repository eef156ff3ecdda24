import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-file.js';

export const PRIVATE_FILE_MODE = 0o600;

/** Writes `data` to `file` atomically, created 0600 (see writeFileAtomic). */
export function writePrivateFile(file: string, data: Buffer): void {
  writeFileAtomic(file, data, PRIVATE_FILE_MODE);
}

/** A passphrase file's content without one trailing newline (as `echo` writes it). */
export function readPassphraseFile(file: string): Buffer {
  const data = readFileSync(file);
  let end = data.length;
  if (end > 0 && data[end - 1] === 0x0a) end--;
  if (end > 0 && data[end - 1] === 0x0d) end--;
  return data.subarray(0, end);
}
