import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { onProcessExit } from './exit-hooks.js';
import { ManagedProcess, type ProcessExit } from './managed-process.js';

/** Set EAPD_KEEP_TMP=1 to keep every rig's temp dir (configs, logs, pcaps) after the test. */
export const KEEP_TMP_ENV = 'EAPD_KEEP_TMP';

/** What Rig.open needs to register its cleanup: a TestContext (`t`) or `{ after }` from node:test. */
export interface CleanupRegistrar {
  after(fn: () => Promise<void>): void;
}

export interface RigProcessOptions {
  /** Label and log file stem: `<dir>/<name>.log`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly exit: ProcessExit;
  readonly log: string;
  readonly logFile: string;
}

/**
 * One test's scratch space: a temp dir for generated configs, logs and captures, and every program
 * started in it. close() (registered as an after hook, so it runs when the test fails too) stops the
 * programs newest first and removes the dir unless EAPD_KEEP_TMP=1.
 */
export class Rig {
  readonly dir: string;
  readonly #processes: ManagedProcess[] = [];
  #closed = false;
  #dirHandled = false;

  private constructor(dir: string) {
    this.dir = dir;
  }

  static open(name: string, registrar: CleanupRegistrar): Rig {
    const rig = new Rig(mkdtempSync(join(tmpdir(), `eapd-interop-${name}-`)));
    registrar.after(() => rig.close());
    // If the process ends before the after hook runs (a timed-out file is killed), the dir still goes.
    onProcessExit(() => rig.#removeDir());
    return rig;
  }

  /** Absolute path of a file in the rig's dir. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** Writes a file into the rig's dir and returns its absolute path. */
  writeFile(name: string, content: string): string {
    const file = this.path(name);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  /** Starts a long-running program in the rig's dir; close() stops it. */
  async start(options: RigProcessOptions): Promise<ManagedProcess> {
    if (this.#closed) throw new Error(`rig ${this.dir} is closed`);
    const proc = await ManagedProcess.start({
      ...options,
      cwd: this.dir,
      logFile: this.path(`${options.name}.log`),
    });
    this.#processes.push(proc);
    return proc;
  }

  /** Runs a program to completion (killed and rejected after timeoutMs). */
  async run(options: RigProcessOptions, timeoutMs: number): Promise<RunResult> {
    const proc = await this.start(options);
    const exit = await proc.waitForExit(timeoutMs);
    return { exit, log: proc.log(), logFile: proc.logFile };
  }

  #removeDir(): void {
    if (this.#dirHandled) return;
    this.#dirHandled = true;
    if (process.env[KEEP_TMP_ENV] === '1') process.stderr.write(`${KEEP_TMP_ENV}=1: kept ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const errors: unknown[] = [];
    for (const proc of this.#processes.reverse()) {
      try {
        await proc.stop();
      } catch (err) {
        errors.push(err);
      }
    }
    this.#removeDir();
    if (errors.length > 0) throw new AggregateError(errors, `rig ${this.dir}: stopping programs failed`);
  }
}
