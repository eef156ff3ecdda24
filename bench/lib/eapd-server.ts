import { spawn, type ChildProcess } from 'node:child_process';
import { serverCommand } from './server-command.js';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { SERVE_NODE_FLAGS } from '../../src/ops/serve/node-flags.js';
import { BENCH_REALM } from './bench-devices.js';

export const BENCH_SERVER_HOST = 'aaa.bench.example';
export const BENCH_SECRET = 'bench-radius-secret';
const START_TIMEOUT_MS = 20_000;
const POLL_MS = 50;
const STOP_TIMEOUT_MS = 10_000;

export interface EapdServerOptions {
  readonly repoRoot: string;
  /** State directory: store, master key, admin token. */
  readonly dir: string;
  /** CPU the server is pinned to with taskset (undefined: not pinned). */
  readonly cpu: number | undefined;
  readonly radius?: boolean;
  /** Extra EAPD_* variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
}

/** A running `eapd serve`, started as an operator would, with its pid for /proc sampling. */
export interface EapdServer {
  readonly pid: number;
  readonly diameterPort: number;
  readonly radiusPort: number | undefined;
  /** The admin listener (`/metrics`), on 127.0.0.1. */
  readonly adminPort: number;
  stop(): Promise<void>;
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function startEapdServer(o: EapdServerOptions): Promise<EapdServer> {
  const diameterPort = await freePort();
  const adminPort = await freePort();
  const radiusPort = o.radius === true ? await freePort() : undefined;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    EAPD_ORIGIN_HOST: BENCH_SERVER_HOST,
    EAPD_ORIGIN_REALM: BENCH_REALM,
    EAPD_DIAMETER_HOST: '127.0.0.1',
    EAPD_DIAMETER_PORT: String(diameterPort),
    EAPD_ADMIN_HOST: '127.0.0.1',
    EAPD_ADMIN_PORT: String(adminPort),
    EAPD_STORE: join(o.dir, 'eapd.sqlite'),
    EAPD_MASTER_KEY_FILE: join(o.dir, 'master.key'),
    EAPD_ADMIN_TOKEN_FILE: join(o.dir, 'admin.token'),
    EAPD_LOG_FORMAT: 'json',
    EAPD_LOG_LEVEL: 'warn',
    EAPD_RADIUS_ENABLED: radiusPort === undefined ? 'false' : 'true',
    ...(radiusPort === undefined
      ? {}
      : {
          EAPD_RADIUS_PORT: String(radiusPort),
          EAPD_RADIUS_HOST: '127.0.0.1',
          EAPD_RADIUS_SECRET: BENCH_SECRET,
        }),
    ...o.env,
  };
  const main = join(o.repoRoot, 'dist', 'src', 'main.js');
  // eapd as it ships (npm start), then the scenario's own flags (profiling).
  const nodeArgs = [...SERVE_NODE_FLAGS, ...(o.nodeFlags ?? []), main, 'serve'];
  const [command, args] = serverCommand(process.execPath, nodeArgs, o.cpu);
  const child: ChildProcess = spawn(command, args, {
    env,
    stdio: ['ignore', 'ignore', process.env.BENCH_EAPD_STDERR ? 'inherit' : 'pipe'],
    cwd: o.dir,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await canConnect(diameterPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`eapd did not start (exit ${child.exitCode}): ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    pid: child.pid!,
    diameterPort,
    radiusPort,
    adminPort,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
