import { silentLogger, type Transport, type TransportLogger } from '../transport.js';
import { KernelSctpTransport } from './kernel.js';
import { RawIpSocket } from './userspace/raw-ip.js';
import { UserspaceSctpTransport } from './userspace/userspace-transport.js';
import type { SctpEndpointOptions } from './userspace/endpoint.js';

/** `EAPD_SCTP_BACKEND` values. */
export const SctpBackend = { AUTO: 'auto', KERNEL: 'kernel', USERSPACE: 'userspace', OFF: 'off' } as const;
export type SctpBackend = (typeof SctpBackend)[keyof typeof SctpBackend];

export function parseSctpBackend(value: string | undefined): SctpBackend {
  const v = (value ?? SctpBackend.AUTO).trim().toLowerCase();
  const known = Object.values(SctpBackend) as string[];
  if (!known.includes(v))
    throw new Error(`SCTP backend must be one of ${known.join('|')}, not "${value ?? ''}"`);
  return v as SctpBackend;
}

export type SctpSelection =
  | { readonly backend: 'kernel' | 'userspace'; readonly transport: Transport; readonly reason: string }
  | { readonly backend: 'off'; readonly reason: string };

/** Where the decision looks; injected by tests, the real probes otherwise. */
export interface SctpProbes {
  kernel(): { transport: Transport } | { reason: string };
  /** Undefined when a raw SCTP socket can be opened (root or CAP_NET_RAW), else why not. */
  userspaceUnavailable(): string | undefined;
  userspace(): Transport;
}

export function realProbes(userspace: SctpEndpointOptions = {}): SctpProbes {
  return {
    kernel: () => KernelSctpTransport.create(),
    userspaceUnavailable: () => RawIpSocket.unavailableReason(),
    userspace: () => new UserspaceSctpTransport(userspace),
  };
}

/**
 * Picks the SCTP backend. `auto`: kernel when the kernel has SCTP, else userspace when raw IP is
 * permitted, else off. An explicit `kernel`/`userspace` that cannot work is off with the reason
 * (never a silent fallback to the other one). Logs one line with the decision.
 */
export function selectSctpBackend(
  requested: SctpBackend,
  logger: TransportLogger = silentLogger,
  probes: SctpProbes = realProbes(),
): SctpSelection {
  const decide = (): SctpSelection => {
    if (requested === SctpBackend.OFF) return { backend: 'off', reason: 'SCTP disabled by configuration' };
    if (requested === SctpBackend.KERNEL || requested === SctpBackend.AUTO) {
      const kernel = probes.kernel();
      if ('transport' in kernel)
        return { backend: 'kernel', transport: kernel.transport, reason: 'kernel SCTP available' };
      if (requested === SctpBackend.KERNEL) return { backend: 'off', reason: kernel.reason };
      const why = probes.userspaceUnavailable();
      if (why !== undefined)
        return { backend: 'off', reason: `${kernel.reason}; userspace SCTP not permitted: ${why}` };
      return {
        backend: 'userspace',
        transport: probes.userspace(),
        reason: `${kernel.reason}; using userspace SCTP over raw IP`,
      };
    }
    // The kernel would answer a userspace stack's packets with ABORT: never run both.
    if ('transport' in probes.kernel())
      return { backend: 'off', reason: 'userspace SCTP refused: this kernel has SCTP (use kernel)' };
    const why = probes.userspaceUnavailable();
    if (why !== undefined) return { backend: 'off', reason: `userspace SCTP not permitted: ${why}` };
    return {
      backend: 'userspace',
      transport: probes.userspace(),
      reason: 'userspace SCTP over raw IP requested',
    };
  };
  const selection = decide();
  const log = selection.backend === 'off' && requested !== SctpBackend.OFF ? logger.warn : logger.info;
  log.call(logger, `sctp backend: ${selection.backend}`, { requested, reason: selection.reason });
  return selection;
}
