import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Every external program the interop rig starts, and the Debian (bookworm) package that ships it. */
export const TOOL_PACKAGES = {
  eapol_test: 'eapoltest',
  hostapd: 'hostapd',
  freeDiameterd: 'freediameterd',
  tshark: 'tshark',
  dumpcap: 'tshark',
  text2pcap: 'tshark',
  prometheus: 'prometheus',
  promtool: 'prometheus',
  ip: 'iproute2',
  gcc: 'gcc',
  bash: 'bash',
} as const;

export type ToolName = keyof typeof TOOL_PACKAGES;

/** hostapd and ip live in sbin, which a non-root PATH may lack. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

const found = new Map<ToolName, string>();

/**
 * The absolute path of an interop tool. Throws (never skips) when it is missing, naming the package
 * to install: a missing peer must fail the suite loudly, not silently shrink it.
 */
export function requireTool(name: ToolName): string {
  const cached = found.get(name);
  if (cached !== undefined) return cached;
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      found.set(name, candidate);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(
    `interop tool '${name}' is missing: install the Debian package '${TOOL_PACKAGES[name]}' ` +
      `(run scripts/install-deps.sh as root, or apt-get install ${TOOL_PACKAGES[name]})`,
  );
}
