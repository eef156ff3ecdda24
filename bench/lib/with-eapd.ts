import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import { fillRegistry } from './bench-devices.js';
import { startEapdServer, type EapdServer } from './eapd-server.js';
import type { BenchContext } from './scenario.js';

/** A registry of `devices` devices in a fresh store, then `eapd serve` on it (pinned), for `run`. */
export async function withEapd<T>(
  ctx: BenchContext,
  name: string,
  devices: number,
  run: (server: EapdServer) => Promise<T>,
  options: { radius?: boolean; env?: Readonly<Record<string, string>>; nodeFlags?: readonly string[] } = {},
): Promise<T> {
  const dir = join(ctx.workDir, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const t0 = performance.now();
  const store = await openStore({ url: join(dir, 'eapd.sqlite'), masterKeyFile: join(dir, 'master.key') });
  try {
    await fillRegistry(store, devices);
  } finally {
    await store.close();
  }
  ctx.log(`  registry of ${devices} devices filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const server = await startEapdServer({
    repoRoot: ctx.repoRoot,
    dir,
    cpu: ctx.serverCpu,
    ...(options.radius === undefined ? {} : { radius: options.radius }),
    ...(options.env === undefined ? {} : { env: options.env }),
    nodeFlags: [...ctx.eapdNodeFlags, ...(options.nodeFlags ?? [])],
  });
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}
