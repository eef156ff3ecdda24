import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bindUdpSocket, useNativeUdp, type BoundUdpSocket } from '../../../src/radius/udp-socket.js';

for (const udp of ['udp_batch addon', 'node:dgram'] as const) {
  describe(`RADIUS UDP socket (${udp})`, () => {
    after(() => useNativeUdp(true));
    const use = (): void => {
      assert.equal(
        useNativeUdp(udp === 'udp_batch addon'),
        udp === 'udp_batch addon',
        'udp_batch.node not built',
      );
    };

    test(
      'delivers each datagram whole with its source, and sends back to it',
      { timeout: 10_000 },
      async () => {
        use();
        const seen: [string, string, number][] = [];
        const socket = await bindUdpSocket({
          address: '127.0.0.1',
          port: 0,
          ipv6Only: false,
          onMessage: (datagram, address, port) => {
            seen.push([datagram.toString(), address, port]);
            socket.send(Buffer.concat([Buffer.from('re:'), datagram]), port, address);
          },
          onError: (error) => assert.fail(error),
        });
        const peer = createSocket('udp4');
        peer.bind(0, '127.0.0.1');
        await once(peer, 'listening');
        const replies: string[] = [];
        const all = new Promise<void>((resolve) =>
          peer.on('message', (msg: Buffer) => {
            replies.push(msg.toString());
            if (replies.length === 3) resolve();
          }),
        );
        const { port } = socket.localAddress();
        for (const text of ['a', 'bb', 'x'.repeat(4000)]) peer.send(text, port, '127.0.0.1');
        await all;
        assert.deepEqual(
          seen.map(([d, a, p]) => [d.length, a, p]),
          [1, 2, 4000].map((n) => [n, '127.0.0.1', peer.address().port]),
        );
        assert.deepEqual(
          replies.map((r) => r.length),
          [4, 5, 4003],
        );
        peer.close();
        await socket.close();
        await socket.close(); // idempotent
      },
    );

    test('reports a datagram it cannot send to onError with its destination, and throws nothing', async () => {
      use();
      const errors: [string | undefined, number | undefined][] = [];
      const socket = await bindUdpSocket({
        address: '127.0.0.1',
        port: 0,
        ipv6Only: false,
        onMessage: () => undefined,
        onError: (_error, address, port) => errors.push([address, port]),
      });
      socket.send(Buffer.from('x'), 1812, '2001:db8::1'); // an IPv6 destination on an IPv4 socket
      for (let i = 0; i < 20 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(errors, [['2001:db8::1', 1812]]);
      await socket.close();
    });

    test('keeps reading datagrams left queued past one turn of reads', { timeout: 10_000 }, async () => {
      // Datagrams still queued after a turn's reads (4 × 64 by default) are read in the next turns
      // without a new arrival. Small limits here: 2 per read, 1 read per turn, 40 queued at once.
      use();
      let received = 0;
      let resolveAll: () => void = () => undefined;
      const all = new Promise<void>((resolve) => (resolveAll = resolve));
      const socket = await bindUdpSocket({
        address: '127.0.0.1',
        port: 0,
        ipv6Only: false,
        readLimits: { batch: 2, batchesPerTurn: 1 },
        onMessage: () => {
          if (++received === 40) resolveAll();
        },
        onError: (error) => assert.fail(error),
      });
      const peer = createSocket('udp4');
      peer.bind(0, '127.0.0.1');
      await once(peer, 'listening');
      try {
        const { port } = socket.localAddress();
        for (let i = 0; i < 40; i++) peer.send(Buffer.from([i]), port, '127.0.0.1');
        const deadline = new Promise<void>((resolve) => setTimeout(resolve, 3_000));
        await Promise.race([all, deadline]);
        assert.equal(received, 40, 'every queued datagram is read without a new arrival');
      } finally {
        peer.close();
        await socket.close();
      }
    });
  });
}

describe('RADIUS UDP socket (udp_batch addon): closing', () => {
  // Regression: a closed socket's libuv poll handle was closed only when its JavaScript handle was
  // garbage collected, and uv_close removes the fd *number* from epoll. By then a new socket (or
  // any other descriptor: the bench's Diameter connections) could hold that number, and it went
  // deaf (the RADIUS generator stalled in a full bench run), or libuv aborted the process on its
  // next epoll_ctl MOD of that descriptor (the bench died silently in the relay scenario).
  test(
    'a socket opened after another was closed keeps receiving once the old one is garbage collected',
    { timeout: 20_000 },
    async () => {
      assert.equal(useNativeUdp(true), true, 'udp_batch.node not built');
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      const peer = createSocket('udp4');
      peer.bind(0, '127.0.0.1');
      await once(peer, 'listening');
      const open = (onMessage: () => void): Promise<BoundUdpSocket> =>
        bindUdpSocket({
          address: '127.0.0.1',
          port: 0,
          ipv6Only: false,
          onMessage,
          onError: (error) => assert.fail(error),
        });
      try {
        for (let round = 0; round < 5; round++) {
          // The old socket's descriptor is freed, and the new one (opened next) usually gets it.
          await (await open(() => undefined)).close();
          let received = 0;
          const socket = await open(() => (received += 1));
          try {
            for (let i = 0; i < 3; i++) {
              gc();
              await new Promise((resolve) => setImmediate(resolve));
            }
            peer.send(Buffer.from([round]), socket.localAddress().port, '127.0.0.1');
            const deadline = Date.now() + 2_000;
            while (received === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
            assert.equal(received, 1, `round ${round}: the new socket still receives`);
          } finally {
            await socket.close();
          }
        }
      } finally {
        peer.close();
      }
    },
  );
});
