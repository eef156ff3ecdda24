import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const serverCommandModule = fileURLToPath(new URL('../../../bench/lib/server-command.js', import.meta.url));

/** Runs a bench-like parent that starts `sleep 60` through serverCommand and prints its pid. */
async function parentWithServer(cpu: number | undefined): Promise<{ parent: number; server: number }> {
  const code = `
    const { spawn } = require('node:child_process');
    import(${JSON.stringify(serverCommandModule)}).then(({ serverCommand }) => {
      const [command, args] = serverCommand('sleep', ['60'], ${String(cpu)});
      const child = spawn(command, args, { stdio: 'ignore' });
      setTimeout(() => process.stdout.write(child.pid + '\\n'), 300);
      setInterval(() => {}, 1000);
    });`;
  const parent = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of parent.stdout) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return { parent: parent.pid!, server: Number(out.trim()) };
}

for (const cpu of [undefined, 0]) {
  test(`a server started by the bench ${cpu === undefined ? 'unpinned' : 'pinned'} dies when the bench dies, and its pid is the server's own`, async () => {
    const { parent, server } = await parentWithServer(cpu);
    // setpriv and taskset exec in turn: the pid becomes sleep's own (under load, not at once).
    const comm = (): string => readFileSync(`/proc/${server}/comm`, 'utf8').trim();
    const execDeadline = Date.now() + 5_000;
    while (comm() !== 'sleep' && Date.now() < execDeadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(comm(), 'sleep');
    process.kill(parent, 'SIGKILL');
    const deadline = Date.now() + 3_000;
    while (existsSync(`/proc/${server}`) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const state = existsSync(`/proc/${server}/stat`)
      ? readFileSync(`/proc/${server}/stat`, 'utf8').split(' ')[2]
      : 'gone';
    // Gone, or a zombie not yet reaped by init.
    assert.ok(state === 'gone' || state === 'Z', `server ${server} still ${state}`);
  });
}
