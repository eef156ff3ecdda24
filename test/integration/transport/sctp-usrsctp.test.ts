import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserspaceSctpTransport } from '../../../src/diameter/transport/sctp/userspace/userspace-transport.js';
import type { TransportConnection, TransportListener } from '../../../src/diameter/transport/transport.js';
import { repoRoot } from '../../helpers/paths.js';
import { respond } from './diameter-responder.js';
import { VethNamespace } from './netns-fixture.js';

/**
 * eapd's userspace SCTP listener against an independent SCTP stack: usrsctp (Debian
 * libusrsctp-dev) in a network namespace of its own, joined by a veth pair, so that each raw-IP
 * stack sees only its peer's packets. Needs root, iproute2, gcc, libusrsctp-dev, tshark.
 */
const DIAMETER_PORT = 3868;
const BIG_PAYLOAD = 6000;
const HEARTBEAT_MS = 1000;
const DEAD_PEER_MS = 4000;

interface ClientRun {
  readonly child: ChildProcess;
  readonly lines: string[];
  waitFor(line: RegExp, timeoutMs?: number): Promise<string>;
}

function runClient(ns: VethNamespace, binary: string, ...args: string[]): ClientRun {
  const [command, argv] = ns.exec(binary, ns.hostAddress, String(DIAMETER_PORT), ...args);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const parts = text.split('\n');
    text = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString().trim()}`));
  const waitFor = (line: RegExp, timeoutMs = 15_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${String(line)} in: ${lines.join(' | ')}`)),
        timeoutMs,
      );
      const check = (): void => {
        const hit = lines.find((l) => line.test(l));
        if (hit !== undefined) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  return { child, lines, waitFor };
}

describe('userspace SCTP listener with usrsctp as the peer (RFC 6733 §2.1.1)', () => {
  const work = mkdtempSync(join(tmpdir(), 'eapd-sctp-'));
  const clientBinary = join(work, 'diameter_client');
  const capture = join(work, 'sctp.pcapng');
  let ns: VethNamespace;
  let transport: UserspaceSctpTransport;
  let listener: TransportListener;
  let tshark: ChildProcess;
  const connections: TransportConnection[] = [];
  const seen: Buffer[] = [];

  before(async () => {
    execFileSync(join(repoRoot(), 'test/interop/sctp/build.sh'), [clientBinary], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    ns = new VethNamespace();
    tshark = spawn('tshark', ['-n', '-i', ns.hostIf, '-f', 'sctp', '-w', capture], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tshark did not start')), 10_000);
      tshark.stderr!.on('data', (d: Buffer) => {
        if (d.toString().includes('Capturing on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    transport = new UserspaceSctpTransport({
      timers: { heartbeatIntervalMs: HEARTBEAT_MS, deadPeerTimeoutMs: DEAD_PEER_MS },
    });
    listener = await transport.listen({ host: ns.hostAddress, port: DIAMETER_PORT }, (connection) => {
      connections.push(connection);
      respond(connection, seen);
    });
  });

  after(async () => {
    await listener?.close();
    transport?.close();
    ns?.remove();
    if (tshark !== undefined && tshark.exitCode === null) tshark.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('accepts the association, answers CER with CEA 2001 and DWR with DWA 2001', async () => {
    const run = runClient(ns, clientBinary);
    await run.waitFor(/^DONE$/);
    const [code] = (await once(run.child, 'exit')) as [number];
    assert.ok(run.lines.includes('CEA result-code 2001'), run.lines.join(' | '));
    assert.ok(run.lines.includes('DWA result-code 2001'), run.lines.join(' | '));
    assert.equal(code, 0);
    const conn = connections.at(-1)!;
    assert.equal(conn.kind, 'sctp');
    assert.equal(conn.remoteAddress, ns.peerAddress);
    assert.ok(conn.localAddresses.includes(ns.hostAddress));
  });

  test('a Diameter message larger than 4 KB crosses intact in both directions', async () => {
    const before = seen.length;
    const run = runClient(ns, clientBinary, '--big', String(BIG_PAYLOAD));
    const line = await run.waitFor(/^BIG /);
    assert.match(line, /^BIG ok 6000/);
    await once(run.child, 'exit');
    const request = seen.slice(before).find((m) => m.length > BIG_PAYLOAD)!;
    assert.ok(request !== undefined, 'the server received the big request as one message');
    assert.equal(request.readUIntBE(1, 3), request.length, 'Diameter length matches the SCTP message');
    // EAP-Payload is the last AVP (6000 bytes, already 4-aligned): EAP-Response/Identity 'abc...'.
    const eap = request.subarray(request.length - BIG_PAYLOAD);
    assert.deepEqual([...eap.subarray(0, 5)], [2, 1, BIG_PAYLOAD >> 8, BIG_PAYLOAD & 0xff, 1]);
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const expected = Buffer.from(
      Array.from({ length: BIG_PAYLOAD - 5 }, (_, i) => letters.charCodeAt(i % 26)),
    );
    assert.ok(eap.subarray(5).equals(expected), 'every byte of the identity arrived in order');
  });

  test('detects a peer killed mid-association and cleans the association up', async () => {
    const run = runClient(ns, clientBinary, '--hold', '60');
    await run.waitFor(/^HOLD$/);
    const conn = connections.at(-1)!;
    assert.equal(conn.stream.destroyed, false);
    const started = Date.now();
    const closed = new Promise<void>((resolve) => conn.stream.once('close', () => resolve()));
    let error: NodeJS.ErrnoException | undefined;
    conn.stream.on('error', (e: NodeJS.ErrnoException) => (error = e));
    run.child.kill('SIGKILL');
    await closed;
    const elapsed = Date.now() - started;
    assert.equal(error?.code, 'ETIMEDOUT');
    assert.ok(
      elapsed >= DEAD_PEER_MS - HEARTBEAT_MS && elapsed < DEAD_PEER_MS * 3,
      `detected after ${elapsed} ms`,
    );
    assert.equal(transport.endpoint.associationCount, 0);
  });

  test('tshark decodes the capture as Diameter over SCTP (PPID 46) with no malformed packet', async () => {
    const exited = once(tshark, 'exit');
    tshark.kill('SIGINT');
    await exited;
    const fields = execFileSync(
      'tshark',
      [
        '-n',
        '-r',
        capture,
        '-Y',
        'diameter',
        '-T',
        'fields',
        '-E',
        'separator=|',
        '-e',
        'sctp.data_payload_proto_id',
        '-e',
        'diameter.cmd.code',
        '-e',
        'diameter.Result-Code',
      ],
      { encoding: 'utf8' },
    );
    const rows = fields
      .trim()
      .split('\n')
      .filter((l) => l !== '');
    assert.ok(rows.length >= 6, `Diameter frames decoded: ${rows.length}`);
    for (const row of rows) assert.match(row, /^46(,46)*\|/, `PPID 46 on every Diameter chunk: ${row}`);
    assert.ok(
      rows.some((r) => /\|257\|2001$/.test(r)),
      'a CEA 2001 is in the capture',
    );
    const bad = execFileSync(
      'tshark',
      ['-n', '-r', capture, '-Y', '_ws.malformed || _ws.expert.severity >= warning'],
      { encoding: 'utf8' },
    );
    assert.equal(bad.trim(), '', `malformed or warned frames:\n${bad}`);
  });
});
