#!/usr/bin/env node
/* global process, console */
// `npm start` and `npm run bench` on a fresh clone: install the npm dependencies when they are
// missing or older than package-lock.json, then build (tsc). Exits non-zero, saying why, on failure.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

try {
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    console.error('eapd: installing npm dependencies (npm ci)…');
    run(npm, ['ci', '--no-audit', '--no-fund']);
  }
  run(process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(root, 'tsconfig.json'),
  ]);
} catch (e) {
  console.error(`eapd: build failed: ${e.message}`);
  process.exit(1);
}
