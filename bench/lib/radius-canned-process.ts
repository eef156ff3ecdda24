import { join } from 'node:path';
import { freePort } from './eapd-server.js';
import { startPinnedProcess } from './pinned-process.js';

const START_TIMEOUT_MS = 10_000;

/** The canned RADIUS answering server as its own process, pinned like eapd, with its pid for /proc. */
export async function startRadiusCannedProcess(
  repoRoot: string,
  cpu: number | undefined,
  secret: string,
): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const main = join(repoRoot, 'dist', 'bench', 'radius-canned-server-main.js');
  const proc = await startPinnedProcess({
    name: 'radius canned server',
    command: process.execPath,
    args: [main, String(port)],
    cpu,
    ready: /listening/,
    startTimeoutMs: START_TIMEOUT_MS,
    env: { BENCH_RADIUS_SECRET: secret },
  });
  return { pid: proc.pid, port, stop: () => proc.stop() };
}
