import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s. */
const CLOCK_TICKS_PER_SECOND = 100;
/** proc(5): fields after the ")" of comm; utime is field 14, stime 15 (1-based), i.e. 11 and 12 here. */
const UTIME_AFTER_COMM = 11;
const STIME_AFTER_COMM = 12;
const KIB = 1024;
const NS_PER_SECOND = 1e9;
/** CONFIG_SCHED_INFO: the kernel keeps per-task run time in nanoseconds. */
const hasSchedstat = existsSync('/proc/self/schedstat');

/**
 * CPU seconds (user + system) a process has used so far: the sum of its threads' run time in
 * nanoseconds (the first field of /proc/<pid>/task/<tid>/schedstat, the scheduler's
 * sum_exec_runtime), or, on a kernel without schedstat, /proc/<pid>/stat in 10 ms ticks. The
 * ticks made a hostapd measurement of ~0.4 CPU-s uncertain by ±2.5 %. Threads that exited are not
 * counted by the first: the servers measured keep theirs for their lifetime.
 */
export function processCpuSeconds(pid: number): number {
  return schedstatCpuSeconds(pid) ?? statCpuSeconds(pid);
}

/** The sum over the process's threads of schedstat's run time; undefined without schedstat. */
export function schedstatCpuSeconds(pid: number): number | undefined {
  if (!hasSchedstat) return undefined;
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ', 1)[0]);
    } catch (error) {
      // A thread that exited between the listing and the read.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return ns / NS_PER_SECOND;
}

/** user + system time from /proc/<pid>/stat, in whole ticks. */
export function statCpuSeconds(pid: number): number {
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
