import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** hostapd lives in sbin, which a non-root PATH may lack. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/**
 * The absolute path of an external server the bench compares eapd with. Throws (the scenario then
 * fails loudly) naming the Debian package when it is missing.
 */
export function findTool(name: string, debianPackage: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`'${name}' is missing: apt-get install ${debianPackage}`);
}
