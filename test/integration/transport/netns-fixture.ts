import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

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

  constructor() {
    const tag = `${process.pid % 10000}${randomInt(100)}`;
    const subnet = randomInt(1, 250);
    this.name = `eapd-sctp-${tag}`;
    this.hostIf = `ve${tag}h`;
    this.#peerIf = `ve${tag}p`;
    this.hostAddress = `10.254.${subnet}.1`;
    this.peerAddress = `10.254.${subnet}.2`;
    const ip = (...args: string[]): void => {
      execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    };
    ip('netns', 'add', this.name);
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
