import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { onProcessExit } from './exit-hooks.js';

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  /** Short label used in error messages. */
  readonly name: string;
  /** Absolute path of the program (from requireTool). */
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** stdout and stderr both go to this file (it survives the test process, for debugging). */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
}

export interface StopOptions {
  readonly signal?: NodeJS.Signals;
  /** After this long the whole process group gets SIGKILL. */
  readonly timeoutMs?: number;
}

const POLL_MS = 50;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const DEFAULT_TAIL_LINES = 40;

/**
 * Process groups still alive: SIGKILLed when the test process ends, so a failing, hanging or
 * cancelled test leaves nothing running.
 */
const liveGroups = new Set<number>();
let exitHookRegistered = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

function track(pgid: number): void {
  if (!exitHookRegistered) {
    exitHookRegistered = true;
    onProcessExit(() => {
      for (const group of liveGroups) killGroup(group, 'SIGKILL');
      liveGroups.clear();
    });
  }
  liveGroups.add(pgid);
}

/** The promise's value, or undefined if it has not settled within ms (the timer never outlives the race). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

/**
 * A real program started in its own process group (detached → setsid), output to a log file.
 * stop() signals the whole group, so helpers the program forks (tshark's dumpcap) go too.
 */
export class ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the program exits; never rejects. */
  readonly exited: Promise<ProcessExit>;
  #exit: ProcessExit | undefined;

  private constructor(name: string, pid: number, logFile: string, exited: Promise<ProcessExit>) {
    this.name = name;
    this.pid = pid;
    this.logFile = logFile;
    this.exited = exited.then((exit) => {
      this.#exit = exit;
      return exit;
    });
  }

  static async start(options: StartProcessOptions): Promise<ManagedProcess> {
    const fd = openSync(options.logFile, 'a');
    try {
      const child = spawn(options.command, [...options.args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid!));
        child.once('error', (err) =>
          reject(new Error(`${options.name}: cannot start ${options.command}: ${err.message}`)),
        );
      });
      track(pid);
      const exited = new Promise<ProcessExit>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
      return new ManagedProcess(options.name, pid, options.logFile, exited);
    } finally {
      closeSync(fd);
    }
  }

  /** Undefined while running. */
  get exitStatus(): ProcessExit | undefined {
    return this.#exit;
  }

  /** Everything the program has written so far. */
  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last lines of the log plus where the full log is: for error messages. */
  describe(lines: number = DEFAULT_TAIL_LINES): string {
    const exit =
      this.#exit === undefined ? 'running' : `exited code=${this.#exit.code} signal=${this.#exit.signal}`;
    return `${this.name} (pid ${this.pid}, ${exit}), log ${this.logFile}, last lines:\n${lastLines(this.log(), lines)}`;
  }

  /** The log's current length: pass it to waitForLog to look only at what comes after now. */
  mark(): number {
    return this.log().length;
  }

  /**
   * Resolves with the first match of pattern in the log from character fromOffset on (default: the
   * start, so a line written before the call counts). Rejects on timeout or when the program exits
   * without logging it.
   */
  async waitForLog(pattern: RegExp, timeoutMs: number, fromOffset = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const exitedBefore = this.#exit !== undefined;
      const match = this.log().slice(fromOffset).match(pattern);
      if (match !== null) return match;
      if (exitedBefore)
        throw new Error(`${this.name} exited before logging ${String(pattern)}: ${this.describe()}`);
      if (Date.now() >= deadline) {
        throw new Error(
          `${this.name} did not log ${String(pattern)} within ${timeoutMs} ms: ${this.describe()}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** Resolves with the exit status, or kills the group and rejects after timeoutMs. */
  async waitForExit(timeoutMs: number): Promise<ProcessExit> {
    const exit = await within(this.exited, timeoutMs);
    if (exit !== undefined) {
      this.#forget();
      return exit;
    }
    await this.stop({ signal: 'SIGKILL' });
    throw new Error(`${this.name} did not finish within ${timeoutMs} ms: ${this.describe()}`);
  }

  /**
   * Sends signal (default SIGTERM) to the process group, waits for the program to exit, SIGKILLs the
   * group after timeoutMs, and finally SIGKILLs whatever is left of the group.
   */
  async stop(options: StopOptions = {}): Promise<ProcessExit> {
    if (this.#exit === undefined) {
      killGroup(this.pid, options.signal ?? 'SIGTERM');
      const exit = await within(this.exited, options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
      if (exit === undefined) killGroup(this.pid, 'SIGKILL');
    }
    const exit = await this.exited;
    this.#forget();
    return exit;
  }

  #forget(): void {
    killGroup(this.pid, 'SIGKILL');
    liveGroups.delete(this.pid);
  }
}
