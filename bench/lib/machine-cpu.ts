import { readFileSync } from 'node:fs';

/** Linux USER_HZ: /proc/stat counts CPU time in clock ticks of 1/100 s. */
const CLOCK_TICKS_PER_SECOND = 100;
/** proc(5) /proc/stat "cpu" line: user nice system idle iowait irq softirq steal (guest is in user). */
const IDLE_FIELD = 3;
const IOWAIT_FIELD = 4;
const COUNTED_FIELDS = 8;

/** CPU seconds all cores of the machine have been busy (not idle, not iowait) since boot. */
export function machineBusyCpuSeconds(stat: string = readFileSync('/proc/stat', 'latin1')): number {
  const line = stat.slice(0, stat.indexOf('\n'));
  const fields = line
    .trim()
    .split(/\s+/)
    .slice(1, 1 + COUNTED_FIELDS)
    .map(Number);
  let busy = 0;
  fields.forEach((ticks, i) => {
    if (i !== IDLE_FIELD && i !== IOWAIT_FIELD) busy += ticks;
  });
  return busy / CLOCK_TICKS_PER_SECOND;
}
