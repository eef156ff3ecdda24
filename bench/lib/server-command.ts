import { findTool } from './tools.js';

/**
 * The command line that starts a server the bench measures: `setpriv --pdeathsig KILL` so that it
 * dies with the bench (a bench that aborted once left its eapd running, which then loaded the next
 * run's core), then `taskset -c cpu` when pinned. Both exec the next program, so the child's pid is
 * the server's own (for /proc). setpriv is util-linux's, essential on Debian.
 */
export function serverCommand(
  command: string,
  args: readonly string[],
  cpu: number | undefined,
): [string, string[]] {
  const pinned = cpu === undefined ? [command, ...args] : ['taskset', '-c', String(cpu), command, ...args];
  return [findTool('setpriv', 'util-linux'), ['--pdeathsig', 'KILL', ...pinned]];
}
