import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { UserspaceSctpTransport } from '../../../src/diameter/transport/sctp/userspace/userspace-transport.js';
import { RawIpSocket } from '../../../src/diameter/transport/sctp/userspace/raw-ip.js';
import { sealPacket } from '../../../src/diameter/transport/sctp/userspace/packet.js';
import type { TransportConnection, TransportListener } from '../../../src/diameter/transport/transport.js';

/** Our userspace SCTP stack against itself on loopback (root: raw IP sockets). */
const LOOPBACK = '127.0.0.1';
const HEARTBEAT_MS = 500;
const DEAD_PEER_MS = 2000;

function closeOf(stream: NodeJS.EventEmitter): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    let error: NodeJS.ErrnoException | undefined;
    stream.on('error', (e: NodeJS.ErrnoException) => (error = e));
    stream.once('close', () => resolve(error));
  });
}

/** An SCTP packet with a valid checksum: common header + the given chunk bytes. */
function packet(srcPort: number, dstPort: number, tag: number, chunks: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(srcPort, 0);
  header.writeUInt16BE(dstPort, 2);
  header.writeUInt32BE(tag, 4);
  return sealPacket(Buffer.concat([header, chunks]));
}

describe('userspace SCTP over loopback', () => {
  const port = randomInt(20000, 30000);
  let transport: UserspaceSctpTransport;
  let listener: TransportListener;
  const accepted: TransportConnection[] = [];

  before(async () => {
    transport = new UserspaceSctpTransport({
      timers: {
        heartbeatIntervalMs: HEARTBEAT_MS,
        deadPeerTimeoutMs: DEAD_PEER_MS,
        handshakeTimeoutMs: 2000,
      },
    });
    listener = await transport.listen({ host: LOOPBACK, port }, (c) => {
      accepted.push(c);
      c.stream.on('data', (d: Buffer) => c.stream.write(d));
      c.stream.on('error', () => undefined);
    });
  });
  after(async () => {
    await listener.close();
    transport.close();
  });

  test('one write is one message: many small and one 100 kB message arrive whole and in order', async () => {
    const client = await transport.connect({ host: LOOPBACK, port });
    const sent = [Buffer.from('a'), Buffer.alloc(100_000, 7), Buffer.from('bc'), Buffer.alloc(1449, 9)];
    const received: Buffer[] = [];
    const done = new Promise<void>((resolve) =>
      client.stream.on('data', (d: Buffer) => {
        received.push(d);
        if (received.length === sent.length) resolve();
      }),
    );
    for (const m of sent) client.stream.write(m);
    await done;
    assert.deepEqual(
      received.map((b) => b.length),
      sent.map((b) => b.length),
    );
    received.forEach((b, i) => assert.ok(b.equals(sent[i]!)));
    client.stream.destroy();
  });

  test('client ports are drawn at random from the dynamic range', async () => {
    const a = await transport.connect({ host: LOOPBACK, port });
    const b = await transport.connect({ host: LOOPBACK, port });
    const ports = accepted.slice(-2).map((c) => c.remotePort);
    assert.notEqual(ports[0], ports[1]);
    for (const p of ports) assert.ok(p >= 49152 && p <= 65535, `port ${p}`);
    a.stream.destroy();
    b.stream.destroy();
  });

  test('destroy() aborts: the other side closes with ECONNRESET and both are cleaned up', async () => {
    const client = await transport.connect({ host: LOOPBACK, port });
    await new Promise((r) => setTimeout(r, 50));
    const server = accepted.at(-1)!;
    const serverClosed = closeOf(server.stream);
    client.stream.destroy();
    assert.equal((await serverClosed)?.code, 'ECONNRESET');
    assert.equal(transport.endpoint.associationCount, 0);
  });

  test('end() delivers everything written before closing', async () => {
    const client = await transport.connect({ host: LOOPBACK, port });
    await new Promise((r) => setTimeout(r, 50));
    const server = accepted.at(-1)!;
    const got: Buffer[] = [];
    server.stream.on('data', (d: Buffer) => got.push(d));
    const serverClosed = closeOf(server.stream);
    client.stream.write(Buffer.alloc(20_000, 1));
    client.stream.end(Buffer.from('last'));
    await serverClosed;
    assert.deepEqual(
      got.map((b) => b.length),
      [20_000, 4],
    );
  });

  test('an INIT to a port that is not ours is left alone (another stack may own it): connect times out', async () => {
    await assert.rejects(
      transport.connect({ host: LOOPBACK, port: port + 1 }),
      (e: NodeJS.ErrnoException) => e.code === 'ETIMEDOUT',
    );
    assert.equal(transport.endpoint.stats.outOfTheBlue, 0);
    assert.equal(transport.endpoint.associationCount, 0);
  });

  test('malformed packets are dropped and counted; the process and the listener keep working', async () => {
    const raw = RawIpSocket.open('0.0.0.0', () => undefined);
    const src = randomInt(40000, 49000);
    const before = transport.endpoint.stats.malformed;
    const init = Buffer.alloc(20);
    init[0] = 1;
    init.writeUInt16BE(20, 2);
    const badChecksum = packet(src, port, 0, init);
    badChecksum[8]! ^= 0xff;
    const zeroLengthChunk = packet(src, port, 0, Buffer.from([0, 3, 0, 0, 1, 2, 3, 4]));
    const bundledInit = packet(src, port, 0, Buffer.concat([init, Buffer.from([0, 3, 0, 4])]));
    const overlongChunk = packet(src, port, 0, Buffer.from([3, 0, 0x40, 0, 0, 0, 0, 0]));
    const truncatedInit = packet(src, port, 0, Buffer.from([1, 0, 0, 8, 0, 0, 0, 1]));
    const stopUnknown = packet(src, port, 0, Buffer.from([0x3f, 0, 0, 4]));
    for (const p of [
      badChecksum,
      zeroLengthChunk,
      bundledInit,
      overlongChunk,
      truncatedInit,
      stopUnknown,
      Buffer.from([1, 2, 3]),
    ]) {
      raw.send(p, LOOPBACK);
    }
    raw.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(
      transport.endpoint.stats.malformed - before >= 5,
      `counted ${transport.endpoint.stats.malformed - before}`,
    );
    const client = await transport.connect({ host: LOOPBACK, port });
    client.stream.write(Buffer.from('still alive'));
    const [echo] = await new Promise<Buffer[]>((resolve) =>
      client.stream.once('data', (d: Buffer) => resolve([d])),
    );
    assert.equal(echo!.toString(), 'still alive');
    client.stream.destroy();
  });

  test('a peer process killed mid-association is declared dead and cleaned up', async () => {
    const module = new URL(
      '../../../src/diameter/transport/sctp/userspace/userspace-transport.js',
      import.meta.url,
    ).href;
    const script = `import { UserspaceSctpTransport } from ${JSON.stringify(module)};
      const t = new UserspaceSctpTransport();
      await t.connect({ host: '127.0.0.1', port: ${port} });
      console.log('ASSOCIATED');
      setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('ASSOCIATED') && resolve()),
    );
    await new Promise((r) => setTimeout(r, 50));
    const server = accepted.at(-1)!;
    const closed = closeOf(server.stream);
    const started = Date.now();
    child.kill('SIGKILL');
    const error = await closed;
    assert.equal(error?.code, 'ETIMEDOUT');
    const elapsed = Date.now() - started;
    assert.ok(
      elapsed >= DEAD_PEER_MS - HEARTBEAT_MS && elapsed < DEAD_PEER_MS * 3,
      `detected after ${elapsed} ms`,
    );
    assert.equal(transport.endpoint.associationCount, 0);
  });
});

describe('raw IP socket (raw_ip addon): closing', () => {
  // Regression: the poll handle of a closed raw socket was closed by the handle's GC finalizer, and
  // uv_close removes the fd *number* from epoll: a socket that had reused the number since went
  // deaf (start-up probes one raw socket, closes it, and opens the real one). raw-ip.ts kept every
  // closed handle reachable as a workaround; the addon now closes the poll handle in close().
  test('a raw socket opened after another was closed keeps receiving once the old one is garbage collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const sender = RawIpSocket.open(LOOPBACK, () => undefined);
    try {
      for (let round = 0; round < 3; round++) {
        RawIpSocket.open(LOOPBACK, () => undefined).close();
        const ports: number[] = [];
        const receiver = RawIpSocket.open(LOOPBACK, (payload) => ports.push(payload.readUInt16BE(2)));
        try {
          for (let i = 0; i < 3; i++) {
            gc();
            await new Promise((resolve) => setImmediate(resolve));
          }
          // A lone SCTP packet to an unused port: nobody answers it, every raw socket sees it.
          const dstPort = 40000 + round;
          assert.equal(sender.send(packet(40100, dstPort, 0, Buffer.alloc(0)), LOOPBACK), 0);
          const deadline = Date.now() + 2_000;
          while (!ports.includes(dstPort) && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 10));
          assert.ok(ports.includes(dstPort), `round ${round}: the new raw socket still receives`);
        } finally {
          receiver.close();
        }
      }
    } finally {
      sender.close();
    }
  });
});
