import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineBusyCpuSeconds } from '../../../bench/lib/machine-cpu.js';

test('counts user, nice, system, irq, softirq and steal ticks as busy, not idle or iowait', () => {
  const stat = 'cpu  100 20 30 5000 400 6 7 8 0 0\ncpu0 50 10 15 2500 200 3 3 4 0 0\n';
  assert.equal(machineBusyCpuSeconds(stat), (100 + 20 + 30 + 6 + 7 + 8) / 100);
});

test('reads this machine when given no text, and the count only grows', () => {
  const a = machineBusyCpuSeconds();
  const b = machineBusyCpuSeconds();
  assert.ok(a > 0 && b >= a);
});
