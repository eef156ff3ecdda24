import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { onProcessExit } from './exit-hooks.js';

/** Which protocols the port must be free for. freeDiameterd and hostapd bind 0.0.0.0, so we check that. */
export type PortKind = 'tcp' | 'udp' | 'tcp+udp';

/** Where the interop peers talk to each other. */
export const LOOPBACK = '127.0.0.1';
const ANY_ADDRESS = '0.0.0.0';
const MAX_ATTEMPTS = 50;
/**
 * Test files run in separate processes at the same time: a port handed out is also reserved by a
 * lock file here until this process exits, so two files never get the same one.
 */
const LOCK_DIR = join(tmpdir(), 'eapd-interop-ports');

const reservedHere = new Set<number>();
let exitHookRegistered = false;

function lockPath(port: number): string {
  return join(LOCK_DIR, String(port));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the cross-process lock for port; a lock left by a dead process is taken over. */
function tryLock(port: number): boolean {
  mkdirSync(LOCK_DIR, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath(port), String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(lockPath(port), 'utf8'));
      } catch {
        // vanished meanwhile: retry
      }
      if (Number.isInteger(owner) && isAlive(owner)) return false;
      rmSync(lockPath(port), { force: true });
    }
  }
  return false;
}

function releaseAll(): void {
  for (const port of reservedHere) rmSync(lockPath(port), { force: true });
  reservedHere.clear();
}

/** Binds port 0 and returns what the kernel picked (a port nobody uses right now). */
function ephemeralTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: ANY_ADDRESS, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function ephemeralUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind({ port: 0, address: ANY_ADDRESS, exclusive: true }, () => {
      const port = socket.address().port;
      socket.close(() => resolve(port));
    });
  });
}

function udpBindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: ANY_ADDRESS, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/**
 * A port that is free now for kind on 0.0.0.0, never handed out before by this or another running
 * test process. (There is still a window between this check and the program's bind: programs that
 * fail to bind say so in their log, and the helpers report it.)
 */
export async function freePort(kind: PortKind = 'tcp'): Promise<number> {
  if (!exitHookRegistered) {
    exitHookRegistered = true;
    onProcessExit(releaseAll);
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const port = kind === 'udp' ? await ephemeralUdpPort() : await ephemeralTcpPort();
    if (reservedHere.has(port)) continue;
    if (kind === 'tcp+udp' && !(await udpBindable(port))) continue;
    if (!tryLock(port)) continue;
    reservedHere.add(port);
    return port;
  }
  throw new Error(`freePort: no free ${kind} port after ${MAX_ATTEMPTS} attempts`);
}

/** count distinct free ports. */
export async function freePorts(count: number, kind: PortKind = 'tcp'): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort(kind));
  return ports;
}
