import { spawn } from 'node:child_process';
import { serverCommand } from './server-command.js';

/** Output kept for error messages and readiness checks: enough for a start-up log. */
const MAX_KEPT_OUTPUT = 64 * 1024;
const STOP_TIMEOUT_MS = 20_000;

export interface PinnedProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Core to pin to with taskset (undefined: not pinned). */
  readonly cpu: number | undefined;
  /** Resolves once stdout or stderr matches. */
  readonly ready: RegExp;
  readonly startTimeoutMs: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** A process the bench started (setpriv and taskset exec the command: `pid` is the server's own). */
export interface PinnedProcess {
  readonly pid: number;
  /** The output kept so far (the first 64 KiB). */
  output(): string;
  /** Waits until the kept output matches, or throws after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 20 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts a server process (pinned like eapd), draining its output (only the first 64 KiB is kept)
 * and waiting for its ready line. Killed if it does not get ready in time.
 */
export async function startPinnedProcess(o: PinnedProcessOptions): Promise<PinnedProcess> {
  const [command, args] = serverCommand(o.command, o.args, o.cpu);
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(o.env === undefined ? {} : { env: { ...(process.env as Record<string, string>), ...o.env } }),
    ...(o.cwd === undefined ? {} : { cwd: o.cwd }),
  });
  let kept = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    if (kept.length >= MAX_KEPT_OUTPUT) return;
    kept += d.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const waitFor = (pattern: RegExp, timeoutMs: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(kept)) done(undefined);
        else if (child.exitCode !== null || child.signalCode !== null)
          done(new Error(`${o.name} exited (${child.exitCode ?? child.signalCode}): ${kept.slice(-2000)}`));
      };
      const timer = setTimeout(
        () =>
          done(new Error(`${o.name}: no ${String(pattern)} within ${timeoutMs} ms: ${kept.slice(-2000)}`)),
        timeoutMs,
      );
      const onExit = (): void => check();
      const done = (e: Error | undefined): void => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', onExit);
        if (e === undefined) resolve();
        else reject(e);
      };
      waiters.add(check);
      child.on('exit', onExit);
      check();
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitFor(o.ready, o.startTimeoutMs);
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  return { pid: child.pid!, output: () => kept, waitFor, stop };
}
