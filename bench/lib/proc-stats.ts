import { readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s. */
const CLOCK_TICKS_PER_SECOND = 100;
/** proc(5): fields after the ")" of comm; utime is field 14, stime 15 (1-based), i.e. 11 and 12 here. */
const UTIME_AFTER_COMM = 11;
const STIME_AFTER_COMM = 12;
const KIB = 1024;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.substring(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[UTIME_AFTER_COMM]) + Number(fields[STIME_AFTER_COMM]);
  return ticks / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) * KIB : 0;
}

/** CPU and wall time between two points, for one process. */
export class CpuMeter {
  readonly #pid: number;
  #cpu0 = 0;
  #wall0 = 0;

  constructor(pid: number) {
    this.#pid = pid;
  }

  start(): void {
    this.#cpu0 = processCpuSeconds(this.#pid);
    this.#wall0 = performance.now();
  }

  /** CPU seconds and wall seconds since start(). */
  read(): { cpuSeconds: number; wallSeconds: number } {
    return {
      cpuSeconds: processCpuSeconds(this.#pid) - this.#cpu0,
      wallSeconds: (performance.now() - this.#wall0) / 1000,
    };
  }
}
