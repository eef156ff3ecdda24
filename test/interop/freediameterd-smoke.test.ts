/**
 * freeDiameterd 1.2.1 as the Diameter edge agent, started by the rig against a plain node:net
 * listener standing in for eapd: proves the launcher, the peer-state wait and the Diameter side of
 * the tshark checker before eapd exists.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'node:test';

import { FD_PEER_STATE, startFreeDiameterd } from './lib/free-diameterd.js';
import { freePorts, LOOPBACK } from './lib/ports.js';
import {
  buildSuccessCea,
  buildSuccessDpa,
  COMMAND_CODE,
  DIAMETER_FLAG,
  DIAMETER_HEADER_LENGTH,
  parseDiameterHeader,
  RESULT_CODE_SUCCESS,
  type DiameterHeader,
} from './lib/raw-diameter.js';
import { Rig } from './lib/rig.js';
import { checkCapture, startCapture } from './lib/tshark.js';

const EDGE = { identity: 'dea.edge.example', realm: 'edge.example' } as const;
const HOME = { identity: 'aaa.home.example', realm: 'home.example' } as const;
const HOME_2 = { identity: 'aaa2.home.example', realm: 'home.example' } as const;
const CONNECT_TIMEOUT_MS = 15_000;
const OPEN_TIMEOUT_MS = 15_000;
/** freeDiameterd's Tc: it retries a failed connection this often. */
const TC_SECONDS = 3;
/** RFC 3539 Tw; the first DWR would come ~Tw after OPEN: longer than these tests need. */
const TW_SECONDS = 30;

interface DiameterMessage {
  readonly header: DiameterHeader;
  readonly bytes: Buffer;
}

/** Frames a TCP stream into Diameter messages by the RFC 6733 §3 Message Length field. */
function onMessages(socket: Socket, handle: (message: DiameterMessage) => void): void {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= DIAMETER_HEADER_LENGTH) {
      const header = parseDiameterHeader(pending);
      if (pending.length < header.length) break;
      handle({ header, bytes: pending.subarray(0, header.length) });
      pending = pending.subarray(header.length);
    }
  });
}

/**
 * A listener standing in for a home server; with answerAs set it answers CER and DPR with success in
 * that identity's name.
 */
async function listen(
  port: number,
  answerAs?: { readonly identity: string; readonly realm: string },
): Promise<{ server: Server; messages: Promise<DiameterMessage>[] }> {
  const resolvers: ((m: DiameterMessage) => void)[] = [];
  const messages = Array.from(
    { length: 2 },
    () => new Promise<DiameterMessage>((resolve) => resolvers.push(resolve)),
  );
  let received = 0;
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    onMessages(socket, (message) => {
      resolvers[received++]?.(message);
      if (answerAs === undefined) return;
      const identity = { originHost: answerAs.identity, originRealm: answerAs.realm };
      if (message.header.commandCode === COMMAND_CODE.capabilitiesExchange) {
        socket.write(
          buildSuccessCea(message.header, {
            ...identity,
            hostIpAddress: LOOPBACK,
            productName: 'eapd-rig-stub',
          }),
        );
      } else if (message.header.commandCode === COMMAND_CODE.disconnectPeer) {
        socket.write(buildSuccessDpa(message.header, identity));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, LOOPBACK, resolve));
  return { server, messages };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

test('freeDiameterd connects to its ConnectPeer and opens with a CER (257, R bit set)', async (t) => {
  const rig = Rig.open('fd-smoke-cer', t);
  const [edgePort, homePort] = await freePorts(2);
  const { server, messages } = await listen(homePort!);
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fd = await startFreeDiameterd(rig, {
    ...EDGE,
    port: edgePort!,
    tcSeconds: TC_SECONDS,
    twSeconds: TW_SECONDS,
    peers: [{ identity: HOME.identity, host: LOOPBACK, port: homePort!, realm: HOME.realm }],
  });
  const cer = await within(
    messages[0]!,
    CONNECT_TIMEOUT_MS,
    `a CER on ${homePort}: ${fd.process.describe()}`,
  );

  assert.equal(cer.header.version, 1);
  assert.equal(cer.header.commandCode, COMMAND_CODE.capabilitiesExchange);
  assert.equal(cer.header.flags & DIAMETER_FLAG.request, DIAMETER_FLAG.request, 'R bit');
  assert.equal(cer.header.flags & DIAMETER_FLAG.error, 0, 'E bit');
  assert.equal(cer.header.applicationId, 0, 'base protocol');
  assert.ok(cer.bytes.includes(EDGE.identity), 'CER carries the Origin-Host dea.edge.example');
});

test('freeDiameterd reaches STATE_OPEN on a success CEA and sends DPR when stopped; the wire is clean', async (t) => {
  const rig = Rig.open('fd-smoke-open', t);
  const [edgePort, homePort] = await freePorts(2);
  const capture = await startCapture(rig, { tcpPorts: [homePort!], name: 'diameter' });
  const { server, messages } = await listen(homePort!, HOME);
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fd = await startFreeDiameterd(rig, {
    ...EDGE,
    port: edgePort!,
    tcSeconds: TC_SECONDS,
    twSeconds: TW_SECONDS,
    peers: [{ identity: HOME.identity, port: homePort!, realm: HOME.realm }],
  });
  await fd.waitForPeerState(HOME.identity, FD_PEER_STATE.open, OPEN_TIMEOUT_MS);

  const stopped = fd.stop();
  const dpr = await within(messages[1]!, CONNECT_TIMEOUT_MS, `a DPR: ${fd.process.describe()}`);
  assert.equal(dpr.header.commandCode, COMMAND_CODE.disconnectPeer);
  assert.equal(dpr.header.flags & DIAMETER_FLAG.request, DIAMETER_FLAG.request, 'R bit');
  await stopped;

  const report = await checkCapture(await capture.stop(), { diameterPorts: [homePort!] });
  assert.ok(report.ok, report.output);
  const seen = report.diameter.map((m) => `${m.commandCode}${m.request ? 'R' : 'A'}`);
  assert.deepEqual(seen, ['257R', '257A', '282R', '282A'], report.output);
  const cea = report.diameter[1];
  assert.equal(cea?.resultCode, RESULT_CODE_SUCCESS, report.output);
  assert.equal(report.diameter[0]?.applicationId, 0, report.output);
});

test('freeDiameterd opens every ConnectPeer and logs each message with dbg_msg_dumps', async (t) => {
  const rig = Rig.open('fd-smoke-two-peers', t);
  const [edgePort, homePort, home2Port] = await freePorts(3);
  const servers = [await listen(homePort!, HOME), await listen(home2Port!, HOME_2)];
  for (const { server } of servers)
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fd = await startFreeDiameterd(rig, {
    ...EDGE,
    port: edgePort!,
    tcSeconds: TC_SECONDS,
    twSeconds: TW_SECONDS,
    dumpMessages: true,
    peers: [
      { identity: HOME.identity, port: homePort!, realm: HOME.realm },
      { identity: HOME_2.identity, port: home2Port!, realm: HOME_2.realm },
    ],
  });
  await fd.waitForPeerState(HOME.identity, FD_PEER_STATE.open, OPEN_TIMEOUT_MS);
  await fd.waitForPeerState(HOME_2.identity, FD_PEER_STATE.open, OPEN_TIMEOUT_MS);
  assert.match(fd.log(), /dbg_msg_dumps\.fdx'\[0x2222\], loaded/);
  // Without dbg_msg_dumps the log shows only the peer's CEA; the CER it sent is the dump's line.
  assert.match(fd.log(), /Capabilities-Exchange-Request/);
});
