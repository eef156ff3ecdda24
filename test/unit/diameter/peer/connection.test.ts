import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { encodeMessage, Framer, u32 } from '../../../../src/diameter/codec/index.js';
import { PeerConnection } from '../../../../src/diameter/peer/connection.js';
import { TransportKind } from '../../../../src/diameter/transport/transport.js';

const quiet = { warn() {}, info() {}, debug() {} };

/** A real loopback TCP pair: `ours` goes into the PeerConnection, `theirs` is the peer. */
async function tcpPair(): Promise<{ ours: Socket; theirs: Socket }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const ours = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(ours, 'connect');
  const [theirs] = (await accepted) as [Socket];
  server.close();
  after(() => {
    ours.destroy();
    theirs.destroy();
  });
  return { ours, theirs };
}

function answer(endToEnd: number): Buffer {
  return encodeMessage({
    commandCode: 268,
    applicationId: 5,
    flags: 0,
    hopByHop: endToEnd,
    endToEnd,
    avps: [u32(268, 2001)],
  });
}

/** Counts the writes made on the stream the connection owns. */
function countWrites(socket: Socket): { readonly count: number } {
  const counter = { count: 0 };
  const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
  socket.write = ((chunk: Buffer) => {
    counter.count += 1;
    return write(chunk);
  }) as Socket['write'];
  return counter;
}

/** The frames the peer receives, in order, until the connection's FIN. */
async function receivedUntilEnd(theirs: Socket): Promise<number[]> {
  const ids: number[] = [];
  const framer = new Framer((f) => ids.push(f.readUInt32BE(16)));
  theirs.on('data', (chunk: Buffer) => framer.push(chunk));
  await once(theirs, 'end');
  return ids;
}

function connection(ours: Socket, kind: TransportKind): PeerConnection {
  return new PeerConnection(
    { kind, stream: ours, remoteAddress: '127.0.0.1', remotePort: 0, localAddresses: [] },
    { message() {}, closed() {} },
    { maxMessageBytes: 65536, logger: quiet, commandNames: () => 'DEA' },
  );
}

describe('PeerConnection writes', () => {
  test('messages sent in one turn leave in one write on a byte stream (TCP), in order', async () => {
    const { ours, theirs } = await tcpPair();
    const writes = countWrites(ours);
    const c = connection(ours, TransportKind.TCP);
    const got = receivedUntilEnd(theirs);
    for (const id of [1, 2, 3]) assert.equal(c.send(answer(id)), true);
    assert.equal(writes.count, 0, 'nothing written before the turn ends');
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.count, 1);
    c.send(answer(4));
    c.close('test');
    assert.deepEqual(await got, [1, 2, 3, 4]);
  });

  test('a message sent just before close() leaves before the FIN', async () => {
    const { ours, theirs } = await tcpPair();
    const c = connection(ours, TransportKind.TCP);
    const got = receivedUntilEnd(theirs);
    c.send(answer(7));
    c.close('after DPA');
    assert.deepEqual(await got, [7]);
  });

  test('a transport that keeps message boundaries (SCTP) still gets one write per message', async () => {
    const { ours, theirs } = await tcpPair();
    const writes = countWrites(ours);
    const c = connection(ours, TransportKind.SCTP);
    const got = receivedUntilEnd(theirs);
    for (const id of [1, 2, 3]) c.send(answer(id));
    await new Promise((r) => setImmediate(r));
    assert.equal(writes.count, 3);
    c.close('test');
    assert.deepEqual(await got, [1, 2, 3]);
  });
});
