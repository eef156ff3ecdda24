import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { repoRoot } from '../../helpers/paths.js';
import type { ManagedProcess } from './managed-process.js';
import type { Rig } from './rig.js';
import { requireTool } from './tools.js';

export interface CaptureOptions {
  /** Default 'lo'. */
  readonly interface?: string;
  /** TCP ports to capture (Diameter). */
  readonly tcpPorts?: readonly number[];
  /** UDP ports to capture (RADIUS). */
  readonly udpPorts?: readonly number[];
  /** File stem in the rig's dir; default 'capture'. */
  readonly name?: string;
}

/** One Diameter message as tshark decoded it (RFC 6733 §3 header fields plus a few AVPs). */
export interface WireDiameterMessage {
  readonly frame: number;
  readonly time: number;
  /** "address:port" */
  readonly src: string;
  readonly dst: string;
  readonly commandCode: number;
  readonly request: boolean;
  readonly proxyable: boolean;
  readonly error: boolean;
  readonly retransmitted: boolean;
  readonly hopByHop: string;
  readonly endToEnd: string;
  readonly resultCode: number | undefined;
  readonly experimentalResultCode: number | undefined;
  readonly applicationId: number | undefined;
  readonly sessionId: string | undefined;
  /** EAP inside EAP-Payload; only when the TCP segment held this one message. */
  readonly eap: WireEap | undefined;
}

export interface WireEap {
  readonly code: number;
  readonly id: number;
  readonly type: number | undefined;
  readonly pskFlags: string | undefined;
}

/** One RADIUS packet (RFC 2865 §3) with its first EAP-Message decoded. */
export interface WireRadiusPacket {
  readonly frame: number;
  readonly time: number;
  readonly src: string;
  readonly dst: string;
  readonly code: number;
  readonly id: number;
  readonly eap: WireEap | undefined;
}

/** The verdict of tshark-check.sh: clean (ok) or not, and what crossed the wire. */
export interface CaptureReport {
  /** tshark-check.sh exit status 0: packets decoded, none malformed, no expert warning. */
  readonly ok: boolean;
  /** 0 clean, 1 malformed/expert warnings/undecodable, 3 no Diameter or RADIUS at all. */
  readonly exitCode: number;
  readonly diameter: readonly WireDiameterMessage[];
  readonly radius: readonly WireRadiusPacket[];
  /** The checker's whole output: put it in assertion messages. */
  readonly output: string;
}

const READY_LINE = /Capture started/;
const START_TIMEOUT_MS = 15_000;
/**
 * libpcap's TPACKET_V3 ring hands packets to dumpcap only when a block times out (~250 ms), and
 * packets still in the ring when dumpcap stops are lost: wait this long after the last traffic.
 */
const SETTLE_MS = 1_000;
const STABLE_POLL_MS = 200;
const STABLE_MAX_POLLS = 15;
const STOP_TIMEOUT_MS = 10_000;
const CHECK_TIMEOUT_MS = 60_000;
const CHECK_MAX_BUFFER = 16 * 1024 * 1024;
const CHECKER = 'test/interop/tshark-check.sh';
const TOOL_ERROR_EXIT = 2;

/** A running capture; stop() before checking the file. */
export class Capture {
  readonly file: string;
  readonly process: ManagedProcess;

  constructor(file: string, process: ManagedProcess) {
    this.file = file;
    this.process = process;
  }

  /** Lets late packets reach the file, then stops tshark (SIGINT, it finishes the pcapng). */
  async stop(): Promise<string> {
    if (this.process.exitStatus !== undefined) return this.file;
    await sleep(SETTLE_MS);
    let size = fileSize(this.file);
    for (let poll = 0; poll < STABLE_MAX_POLLS; poll++) {
      await sleep(STABLE_POLL_MS);
      const now = fileSize(this.file);
      if (now === size) break;
      size = now;
    }
    await this.process.stop({ signal: 'SIGINT', timeoutMs: STOP_TIMEOUT_MS });
    return this.file;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Starts `tshark -i lo -f 'tcp port X or udp port Y' -w FILE` and waits until it really captures. */
export async function startCapture(rig: Rig, options: CaptureOptions): Promise<Capture> {
  const binary = requireTool('tshark');
  requireTool('dumpcap');
  const clauses = [
    ...(options.tcpPorts ?? []).map((p) => `tcp port ${p}`),
    ...(options.udpPorts ?? []).map((p) => `udp port ${p}`),
  ];
  if (clauses.length === 0) throw new Error('startCapture: give at least one tcp or udp port');
  const stem = options.name ?? 'capture';
  const file = rig.path(`${stem}.pcapng`);
  const proc = await rig.start({
    name: `tshark-${stem}`,
    command: binary,
    args: ['-n', '-i', options.interface ?? 'lo', '-f', clauses.join(' or '), '-F', 'pcapng', '-w', file],
  });
  // "Capturing on 'Loopback: lo'" comes before the capture runs; "Capture started." after.
  await proc.waitForLog(READY_LINE, START_TIMEOUT_MS);
  return new Capture(file, proc);
}

function num(field: string | undefined): number | undefined {
  return field === undefined || field === '' ? undefined : Number(field);
}

function eapOf(
  code: string | undefined,
  id: string | undefined,
  type: string | undefined,
  psk?: string,
): WireEap | undefined {
  const c = num(code);
  const i = num(id);
  if (c === undefined || i === undefined) return undefined;
  return { code: c, id: i, type: num(type), pskFlags: psk === undefined || psk === '' ? undefined : psk };
}

/** Parses the `-m` lines of tshark-check.sh. */
export function parseCheckerLines(output: string): {
  diameter: WireDiameterMessage[];
  radius: WireRadiusPacket[];
} {
  const diameter: WireDiameterMessage[] = [];
  const radius: WireRadiusPacket[] = [];
  for (const line of output.split('\n')) {
    const f = line.split('|');
    if (f[0] === 'DIAMETER') {
      const flags = f[6] ?? '----';
      diameter.push({
        frame: Number(f[1]),
        time: Number(f[2]),
        src: f[3] ?? '',
        dst: f[4] ?? '',
        commandCode: Number(f[5]),
        request: flags[0] === 'R',
        proxyable: flags[1] === 'P',
        error: flags[2] === 'E',
        retransmitted: flags[3] === 'T',
        hopByHop: f[7] ?? '',
        endToEnd: f[8] ?? '',
        resultCode: num(f[9]),
        experimentalResultCode: num(f[10]),
        applicationId: num(f[11]),
        sessionId: f[12] === '' ? undefined : f[12],
        eap: eapOf(f[13], f[14], f[15], f[16]),
      });
    } else if (f[0] === 'RADIUS') {
      radius.push({
        frame: Number(f[1]),
        time: Number(f[2]),
        src: f[3] ?? '',
        dst: f[4] ?? '',
        code: Number(f[5]),
        id: Number(f[6]),
        eap: eapOf(f[7], f[8], f[9]),
      });
    }
  }
  return { diameter, radius };
}

export interface CheckOptions {
  /** TCP ports to decode as Diameter (3868 always is). */
  readonly diameterPorts?: readonly number[];
  /** UDP ports to decode as RADIUS (1812/1813 always are). */
  readonly radiusPorts?: readonly number[];
}

/**
 * Runs tshark-check.sh on a capture: every Diameter/RADIUS message it decoded, and whether the file is
 * clean (nothing malformed, no expert warning, nothing undecodable on those ports). Throws only when
 * the checker itself fails (exit 2).
 */
export async function checkCapture(file: string, options: CheckOptions = {}): Promise<CaptureReport> {
  requireTool('tshark');
  const args = [
    join(repoRoot(), CHECKER),
    '-m',
    ...(options.diameterPorts ?? []).flatMap((p) => ['-p', String(p)]),
    ...(options.radiusPorts ?? []).flatMap((p) => ['-r', String(p)]),
    file,
  ];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        requireTool('bash'),
        args,
        { timeout: CHECK_TIMEOUT_MS, maxBuffer: CHECK_MAX_BUFFER },
        (err, out, errOut) => {
          const exitCode = err === null ? 0 : typeof err.code === 'number' ? err.code : TOOL_ERROR_EXIT;
          resolve({ code: exitCode, stdout: out, stderr: errOut });
        },
      );
    },
  );
  const output = stdout + stderr;
  if (code === TOOL_ERROR_EXIT) throw new Error(`tshark-check.sh failed on ${file}:\n${output}`);
  return { ok: code === 0, exitCode: code, ...parseCheckerLines(stdout), output };
}
