import { join } from 'node:path';
import { SERVE_NODE_FLAGS } from '../../../src/ops/serve/node-flags.js';
import { repoRoot } from '../../helpers/paths.js';
import type { ManagedProcess } from './managed-process.js';
import type { Rig } from './rig.js';

export interface EapdUnderTest {
  readonly process: ManagedProcess;
  readonly diameterPort: number;
  readonly adminPort: number;
  /** The state directory (store, master key, admin token). */
  readonly dir: string;
  /** Runs `eapd <args>` with the same config and environment; resolves with exit code and output. */
  cli(args: readonly string[], timeoutMs?: number): Promise<{ code: number | null; log: string }>;
  stop(): Promise<void>;
}

export interface EapdOptions {
  readonly name?: string;
  readonly originHost: string;
  readonly originRealm: string;
  readonly diameterPort: number;
  readonly adminPort: number;
  readonly radiusPort?: number;
  readonly radiusSecret?: string;
  /** Extra EAPD_* variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra arguments to `eapd serve`, e.g. ['--config', file]. */
  readonly serveArgs?: readonly string[];
}

const START_TIMEOUT_MS = 10_000;

/** The real eapd (`node <SERVE_NODE_FLAGS> dist/src/main.js serve`), as an operator runs it, in the rig's dir. */
export async function startEapd(rig: Rig, options: EapdOptions): Promise<EapdUnderTest> {
  const name = options.name ?? 'eapd';
  const dir = rig.path(name);
  const env: Record<string, string> = {
    EAPD_ORIGIN_HOST: options.originHost,
    EAPD_ORIGIN_REALM: options.originRealm,
    EAPD_DIAMETER_HOST: '0.0.0.0',
    EAPD_DIAMETER_PORT: String(options.diameterPort),
    EAPD_ADMIN_PORT: String(options.adminPort),
    EAPD_STORE: join(dir, 'eapd.sqlite'),
    EAPD_MASTER_KEY_FILE: join(dir, 'master.key'),
    EAPD_ADMIN_TOKEN_FILE: join(dir, 'admin.token'),
    EAPD_LOG_FORMAT: 'json',
    EAPD_LOG_LEVEL: 'debug',
    EAPD_RADIUS_ENABLED: options.radiusPort !== undefined ? 'true' : 'false',
    ...(options.radiusPort !== undefined
      ? { EAPD_RADIUS_PORT: String(options.radiusPort), EAPD_RADIUS_HOST: '127.0.0.1' }
      : {}),
    ...(options.radiusSecret !== undefined ? { EAPD_RADIUS_SECRET: options.radiusSecret } : {}),
    ...options.env,
  };
  const main = join(repoRoot(), 'dist', 'src', 'main.js');
  const processEnv = { ...process.env, ...env };
  const proc = await rig.start({
    name,
    command: process.execPath,
    args: [...SERVE_NODE_FLAGS, main, 'serve', ...(options.serveArgs ?? [])],
    env: processEnv,
  });
  await proc.waitForLog(/"message":"eapd started"/, START_TIMEOUT_MS);
  let cliRuns = 0;
  return {
    process: proc,
    diameterPort: options.diameterPort,
    adminPort: options.adminPort,
    dir,
    async cli(args, timeoutMs = 20_000) {
      const r = await rig.run(
        {
          name: `${name}-cli-${++cliRuns}`,
          command: process.execPath,
          args: [main, ...args],
          env: processEnv,
        },
        timeoutMs,
      );
      return { code: r.exit.code, log: r.log };
    },
    async stop() {
      await proc.stop({ signal: 'SIGTERM', timeoutMs: 10_000 });
    },
  };
}
