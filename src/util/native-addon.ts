import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `native/build.mjs` leaves the addons, relative to the project root. */
const ADDON_DIR = join('native', 'build', 'Release');
/** Overrides the folder that holds the .node files (packaging, tests). */
export const NATIVE_DIR_ENV = 'EAPD_NATIVE_DIR';

export type AddonLoad<T> =
  { readonly ok: true; readonly addon: T } | { readonly ok: false; readonly reason: string };

function candidateDirs(): string[] {
  const dirs: string[] = [];
  const fromEnv = process.env[NATIVE_DIR_ENV];
  if (fromEnv !== undefined && fromEnv !== '') dirs.push(fromEnv);
  // The project root is the nearest folder above this module holding native/ (src/ or dist/src/).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    dirs.push(join(dir, ADDON_DIR));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  dirs.push(join(process.cwd(), ADDON_DIR));
  return dirs;
}

const cache = new Map<string, AddonLoad<unknown>>();

/**
 * Loads `<name>.node` built by native/build.mjs. Never throws: a missing or unloadable addon is
 * reported with the reason, for the one log line that says why a backend is unavailable.
 */
export function loadAddon<T>(name: string): AddonLoad<T> {
  const cached = cache.get(name);
  if (cached !== undefined) return cached as AddonLoad<T>;
  const file = candidateDirs()
    .map((d) => join(d, `${name}.node`))
    .find((f) => existsSync(f));
  let result: AddonLoad<unknown>;
  if (file === undefined) {
    result = { ok: false, reason: `native addon ${name}.node not built (run: npm run build:native)` };
  } else {
    try {
      result = { ok: true, addon: createRequire(import.meta.url)(file) as unknown };
    } catch (err) {
      result = { ok: false, reason: `native addon ${file} failed to load: ${(err as Error).message}` };
    }
  }
  cache.set(name, result);
  return result as AddonLoad<T>;
}
