import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processCpuSeconds, schedstatCpuSeconds, statCpuSeconds } from '../../../bench/lib/proc-stats.js';

/** A node process whose worker thread spins for `ms` while its main thread sleeps, then waits. */
async function spinningWorker(ms: number): Promise<{ pid: number; done: Promise<void>; kill: () => void }> {
  const code = `
    const { Worker } = require('node:worker_threads');
    const w = new Worker('const end = Date.now() + ${ms}; while (Date.now() < end); require("node:worker_threads").parentPort.postMessage(1); setInterval(() => {}, 1000);', { eval: true });
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
    assert.ok(precise >= 0.35, `the spinning worker's 0.4 s are counted (got ${precise} s)`);
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
