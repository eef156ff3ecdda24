import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this file that holds package.json (the build
 * lives in dist/ inside the repository), else the working directory when it holds one (a build
 * made elsewhere with --outDir, run from the repository).
 */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) {
      if (existsSync(join(process.cwd(), 'package.json'))) return process.cwd();
      throw new Error('repoRoot: no package.json above ' + fileURLToPath(import.meta.url));
    }
    dir = up;
  }
  return dir;
}
