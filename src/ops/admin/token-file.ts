import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export const TOKEN_FILE_MODE = 0o600;
const TOKEN_DIR_MODE = 0o700;
/** 256 bits of entropy, written as 64 hex digits. */
const TOKEN_BYTES = 32;
const MIN_TOKEN_LENGTH = 16;
const GROUP_OTHER_BITS = 0o077;
const PERMISSION_BITS = 0o777;
const TEMP_SUFFIX_BYTES = 6;

export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

/** Reads the admin token; refuses a file that group or others may read, naming the fix. */
export function readTokenFile(path: string): string {
  const st = statSync(path);
  if (!st.isFile()) throw new TokenFileError(`admin token file ${path} is not a regular file`);
  if ((st.mode & GROUP_OTHER_BITS) !== 0) {
    const mode = (st.mode & PERMISSION_BITS).toString(8).padStart(4, '0');
    throw new TokenFileError(
      `admin token file ${path} has mode ${mode}: group or others can read it; fix: chmod 600 ${path}`,
    );
  }
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new TokenFileError(
      `admin token file ${path} must hold one token of at least ${MIN_TOKEN_LENGTH} characters`,
    );
  }
  return token;
}

/**
 * Loads the admin bearer token, creating the file (mode 0600, directory 0700) with a fresh random
 * token when absent. The file appears complete or not at all (temp file + link), so two processes
 * starting at once end up with the same token.
 */
export function loadOrCreateTokenFile(path: string): { token: string; created: boolean } {
  try {
    return { token: readTokenFile(path), created: false };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const token = randomBytes(TOKEN_BYTES).toString('hex');
  mkdirSync(dirname(path), { recursive: true, mode: TOKEN_DIR_MODE });
  const temp = `${path}.${randomBytes(TEMP_SUFFIX_BYTES).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', TOKEN_FILE_MODE);
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { token: readTokenFile(path), created: false };
    throw e;
  } finally {
    unlinkSync(temp);
  }
  return { token, created: true };
}
