import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './eapd-server.js';
import { serverCommand } from './server-command.js';

/** The canned answering server as its own process, pinned like eapd, with its pid for /proc. */
export async function startCannedProcess(
  repoRoot: string,
  cpu: number | undefined,
): Promise<{ pid: number; port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const main = join(repoRoot, 'dist', 'bench', 'canned-server-main.js');
  const [command, args] = serverCommand(process.execPath, [main, String(port)], cpu);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`canned server exited ${code}`)));
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
