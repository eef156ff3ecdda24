import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { processCpuSeconds, schedstatCpuSeconds, statCpuSeconds } from '../../../bench/lib/proc-stats.js';

/**
 * A node process whose worker thread spins until the kernel has counted `cpuMs` of its own run time
 * (its /proc/thread-self/schedstat: independent of how busy the machine is) while the main thread
 * sleeps, then idles.
 */
async function spinningWorker(
  cpuMs: number,
): Promise<{ pid: number; done: Promise<void>; kill: () => void }> {
  const worker = `
    const { readFileSync } = require('node:fs');
    const ran = () => Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e6;
    while (ran() < ${cpuMs}) for (let i = 0; i < 1e5; i++);
    require('node:worker_threads').parentPort.postMessage(1);
    setInterval(() => {}, 1000);`;
  const code = `
    const { Worker } = require('node:worker_threads');
    const w = new Worker(${JSON.stringify(worker)}, { eval: true });
    w.once('message', () => process.stdout.write('spun\\n'));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const done = (async () => {
    for await (const chunk of child.stdout) if (String(chunk).includes('spun')) return;
  })();
  return { pid: child.pid!, done, kill: () => child.kill('SIGKILL') };
}

test('counts the CPU time of every thread, not only the main one, in agreement with /proc/<pid>/stat', async () => {
  const child = await spinningWorker(400);
  try {
    await child.done;
    const precise = schedstatCpuSeconds(child.pid);
    assert.ok(precise !== undefined, 'this kernel has /proc/<pid>/task/<tid>/schedstat');
    const ticks = statCpuSeconds(child.pid);
    const mainThread = Number(readFileSync(`/proc/${child.pid}/schedstat`, 'latin1').split(' ')[0]) / 1e9;
    assert.ok(precise >= 0.4, `the worker's 0.4 s are counted (got ${precise} s)`);
    assert.ok(precise - mainThread >= 0.35, `more than the main thread's ${mainThread} s (got ${precise} s)`);
    // stat rounds to 10 ms ticks (and the two reads are not simultaneous).
    assert.ok(Math.abs(precise - ticks) < 0.05, `schedstat ${precise} s against stat ${ticks} s`);
    assert.equal(typeof processCpuSeconds(child.pid), 'number');
  } finally {
    child.kill();
  }
});

test('a process that is gone is an error, not zero', async () => {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  assert.throws(() => processCpuSeconds(child.pid!), { code: 'ENOENT' });
});
