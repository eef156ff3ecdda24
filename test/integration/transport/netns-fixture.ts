import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const SUBNETS = 250;
const RESERVE_ATTEMPTS = 64;

function namespaceName(subnet: number): string {
  return `eapd-sctp-${subnet}`;
}

/**
 * Picks a free 10.254.N.0/30 and creates its namespace, which holds the reservation until
 * `remove()`. A subnet is taken when its namespace exists (another test, or a run that was killed)
 * or when an address of the root namespace already lies in it.
 */
function reserveSubnet(draw: () => number): number {
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
    const subnet = draw();
    try {
      execFileSync('ip', ['netns', 'add', namespaceName(subnet)], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch {
      continue;
    }
    const routed = execFileSync('ip', ['-4', 'route', 'show', `10.254.${subnet}.0/30`], { encoding: 'utf8' });
    if (routed.trim() === '') return subnet;
    execFileSync('ip', ['netns', 'del', namespaceName(subnet)], { stdio: 'ignore' });
  }
  throw new Error(
    `no free 10.254.N.0/30 for a test namespace after ${RESERVE_ATTEMPTS} draws (ip netns list)`,
  );
}

/**
 * A network namespace joined to ours by a veth pair, made (and removed) by the test: the only
 * addresses used are the two ends of that pair. A userspace SCTP stack in each namespace then sees
 * only its own peer's packets (a raw socket sees every SCTP packet of its namespace).
 */
export class VethNamespace {
  readonly name: string;
  readonly hostIf: string;
  readonly hostAddress: string;
  readonly peerAddress: string;
  readonly #peerIf: string;

  /** `draw` picks the candidate subnets (tests of this fixture pass a fixed sequence). */
  constructor(draw: () => number = () => randomInt(1, SUBNETS)) {
    // The /30 is reserved by the namespace's name: `ip netns add` fails when the name exists, so
    // two tests running side by side can never put the same subnet on two veths (the root
    // namespace would then route one test's replies out of the other's veth).
    const subnet = reserveSubnet(draw);
    this.name = namespaceName(subnet);
    this.hostIf = `ve${subnet}h`;
    this.#peerIf = `ve${subnet}p`;
    this.hostAddress = `10.254.${subnet}.1`;
    this.peerAddress = `10.254.${subnet}.2`;
    const ip = (...args: string[]): void => {
      execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    };
    try {
      ip('link', 'add', this.hostIf, 'type', 'veth', 'peer', 'name', this.#peerIf);
      ip('link', 'set', this.#peerIf, 'netns', this.name);
      ip('addr', 'add', `${this.hostAddress}/30`, 'dev', this.hostIf);
      ip('link', 'set', this.hostIf, 'up');
      ip('netns', 'exec', this.name, 'ip', 'addr', 'add', `${this.peerAddress}/30`, 'dev', this.#peerIf);
      ip('netns', 'exec', this.name, 'ip', 'link', 'set', this.#peerIf, 'up');
      ip('netns', 'exec', this.name, 'ip', 'link', 'set', 'lo', 'up');
    } catch (err) {
      this.remove();
      throw err;
    }
  }

  /** argv to run a command inside the namespace. */
  exec(command: string, ...args: string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.name, command, ...args]];
  }

  remove(): void {
    try {
      execFileSync('ip', ['link', 'del', this.hostIf], { stdio: 'ignore' });
    } catch {
      // already gone with the namespace
    }
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // nothing to remove
    }
  }
}
