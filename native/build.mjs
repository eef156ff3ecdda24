#!/usr/bin/env node
/* global process, console */
// Optional build of eapd's N-API addons (kernel SCTP, raw IP for userspace SCTP, one-shot AES-128, RADIUS MD5).
// Run by `npm run build:native` and on `npm install`/`npm ci` (postinstall). It never fails the
// install: when the toolchain or the Node headers are missing, it says why and exits 0; eapd then
// reports SCTP as unavailable and TCP/TLS work as before.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function findNodeGyp() {
  // npm sets npm_config_node_gyp for scripts it runs; otherwise use the copy bundled with npm.
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((p) => p !== undefined && p !== '' && existsSync(p));
}

// Headers shipped with this Node (no download: this machine reaches no headers mirror).
const nodeDir = join(dirname(process.execPath), '..');
const haveHeaders = existsSync(join(nodeDir, 'include', 'node', 'node_api.h'));
const gyp = findNodeGyp();
if (gyp === undefined) {
  console.warn(
    'eapd native addons not built: node-gyp not found (SCTP will be unavailable; AES and RADIUS MD5 fall back to node:crypto)',
  );
  process.exit(0);
}
const args = [gyp, 'rebuild', '--directory', here, ...(haveHeaders ? [`--nodedir=${nodeDir}`] : [])];
const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (result.status !== 0) {
  console.warn(
    'eapd native addons not built (SCTP will be unavailable; AES and RADIUS MD5 fall back to node:crypto):',
  );
  console.warn((result.stderr || result.stdout || String(result.error)).split('\n').slice(-15).join('\n'));
  process.exit(0);
}
console.log(
  'eapd native addons built: native/build/Release/{sctp_kernel,raw_ip,aes128,radius_md5,udp_batch}.node',
);
