import { readFileSync } from 'node:fs';

/** eapd's version, from package.json (dist/src/ops/version.js → ../../../package.json). */
export function eapdVersion(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'eapd' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

/** Firmware-Revision (RFC 6733 §5.3.4, Unsigned32) from a semantic version: 1.2.3 → 10203. */
export function firmwareRevision(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return major * 10000 + minor * 100 + patch;
}

/** The folder holding dictionaries/, config/ … (the package root). */
export function packageRoot(): URL {
  for (const rel of ['../../../', '../../']) {
    const url = new URL(rel, import.meta.url);
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name?: string };
      if (pkg.name === 'eapd') return url;
    } catch {
      // try the next location
    }
  }
  throw new Error('cannot find the eapd package root (package.json) next to the code');
}
