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
import { randomBytes } from 'node:crypto';
import { StoreError, StoreErrorCode } from '../store-error.js';
import { MASTER_KEY_LENGTH, MasterKey } from './master-key.js';

export const KEY_FILE_MODE = 0o600;
export const KEY_DIR_MODE = 0o700;
/** Permission bits for group and others: any of them set makes a key file unsafe. */
const GROUP_OTHER_BITS = 0o077;
const PERMISSION_BITS = 0o777;
const KEY_HEX = new RegExp(`^[0-9a-fA-F]{${MASTER_KEY_LENGTH * 2}}$`);
const TEMP_SUFFIX_BYTES = 6;

/** Suffix of the file that holds the new key while a rotation is in progress. */
export const PENDING_KEY_SUFFIX = '.new';

export function keyFileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/**
 * Reads a key file (64 hex digits, optional trailing newline). Refuses a file that group or
 * others may access, naming the file and the fix.
 */
export function loadMasterKeyFile(path: string): MasterKey {
  const st = statSync(path);
  if (!st.isFile())
    throw new StoreError(StoreErrorCode.MasterKeyInvalid, `master key file ${path} is not a regular file`);
  if ((st.mode & GROUP_OTHER_BITS) !== 0) {
    const mode = (st.mode & PERMISSION_BITS).toString(8).padStart(4, '0');
    throw new StoreError(
      StoreErrorCode.MasterKeyPermissions,
      `master key file ${path} has mode ${mode}: group or others can access it; fix: chmod 600 ${path}`,
    );
  }
  const text = readFileSync(path, 'utf8').trim();
  if (!KEY_HEX.test(text)) {
    throw new StoreError(
      StoreErrorCode.MasterKeyInvalid,
      `master key file ${path} must hold exactly ${MASTER_KEY_LENGTH * 2} hex digits (a ${MASTER_KEY_LENGTH}-byte AES-256 key)`,
    );
  }
  return MasterKey.fromBytes(Buffer.from(text, 'hex'));
}

/**
 * Writes `key` to `path` with mode 0600, creating the directory with mode 0700 if needed. Never
 * overwrites: the file appears complete or not at all (temp file + link), so two processes starting
 * at once cannot both create a key; the loser gets EEXIST.
 */
export function writeMasterKeyFile(path: string, key: MasterKey): void {
  mkdirSync(dirname(path), { recursive: true, mode: KEY_DIR_MODE });
  const temp = `${path}.${randomBytes(TEMP_SUFFIX_BYTES).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', KEY_FILE_MODE);
  try {
    writeSync(fd, `${key.toHex()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } finally {
    unlinkSync(temp);
  }
  fsyncDirectory(dirname(path));
}

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}
