import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { RadiusAttr, RadiusCode } from '../../../src/radius/constants.js';
import { RadiusChannel, type RadiusDropEvent } from '../../../src/radius/events.js';
import { DEFAULT_RECV_BUFFER_BYTES, RadiusServer } from '../../../src/radius/server.js';
import { useNativeUdp } from '../../../src/radius/udp-socket.js';
import {
  accessRequest,
  collect,
  FakeBackend,
  identityResponse,
  pskResponse,
  readResponse,
  SECRET,
  twoRoundScript,
  type SentRequest,
} from './fixtures.js';

const NO_ANSWER_MS = 300;

/** Sends a datagram and waits for one answer, or undefined after NO_ANSWER_MS. */
async function exchange(
  client: Socket,
  request: SentRequest,
  port: number,
  host: string,
): Promise<Buffer | undefined> {
  const answer = new Promise<Buffer | undefined>((resolve) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      resolve(undefined);
    }, NO_ANSWER_MS);
    const onMessage = (msg: Buffer): void => {
      clearTimeout(timer);
      resolve(msg);
    };
    client.once('message', onMessage);
  });
  client.send(request.datagram, port, host);
  return answer;
}

async function clientSocket(type: 'udp4' | 'udp6', address: string): Promise<Socket> {
  const socket = createSocket(type);
  socket.bind(0, address);
  await once(socket, 'listening');
  return socket;
}

for (const udp of ['udp_batch addon', 'node:dgram'] as const) {
  describe(`RadiusServer over UDP (${udp})`, () => {
    before(() => {
      assert.equal(
        useNativeUdp(udp === 'udp_batch addon'),
        udp === 'udp_batch addon',
        'native/build/Release/udp_batch.node missing: run npm run build:native',
      );
    });
    after(() => useNativeUdp(true));

    for (const [family, host, type, clientAddress] of [
      ['IPv4', '127.0.0.1', 'udp4', '127.0.0.1/32'],
      ['IPv6', '::1', 'udp6', '::1'],
    ] as const) {
      test(`runs a whole EAP conversation with a NAS on ${family} loopback`, async () => {
        const backend = new FakeBackend(twoRoundScript());
        const server = new RadiusServer({
          listen: { address: host, port: 0 },
          clients: [{ name: 'lo', address: clientAddress, secret: SECRET.toString() }],
          backend,
        });
        const bound = await server.start();
        assert.equal(bound.family, family);
        const client = await clientSocket(type, host);
        try {
          const first = accessRequest({ identifier: 1, eap: identityResponse(1, 'sensor-0001@iot.example') });
          const challenge = readResponse(await exchange(client, first, bound.port, host), first);
          assert.equal(challenge.code, RadiusCode.AccessChallenge);
          const state = Buffer.from(challenge.get(RadiusAttr.State)!);
          const second = accessRequest({ identifier: 2, eap: pskResponse(2), state });
          const accept = readResponse(await exchange(client, second, bound.port, host), second);
          assert.equal(accept.code, RadiusCode.AccessAccept);
          assert.deepEqual(backend.closed, ['success']);
        } finally {
          client.close();
          await server.stop();
        }
      });
    }

    // On both paths. Round 6 ran it on the addon only: node:dgram stopped reading this socket with
    // datagrams queued whenever another test process ran beside it. The cause was the addon's:
    // the GC finalizer of a socket closed by an earlier test (the addon's describe runs first)
    // removed the fd number, reused by node:dgram's socket, from epoll (bd5548c).
    test('answers a burst from several NAS sockets, each request to its own source', async () => {
      // 3 × 30 requests at once: more than one read batch (64), and few enough that the kernel's
      // default receive buffers (208 KiB, when net.core.rmem_max is low) drop none of them.
      const backend = new FakeBackend(twoRoundScript());
      const server = new RadiusServer({
        listen: { address: '127.0.0.1', port: 0 },
        clients: [{ name: 'lo', address: '127.0.0.1', secret: SECRET.toString() }],
        backend,
      });
      const bound = await server.start();
      const clients = await Promise.all([1, 2, 3].map(() => clientSocket('udp4', '127.0.0.1')));
      const perClient = 30;
      const answered = clients.map(() => new Set<number>());
      try {
        const done = clients.map(
          (client, c) =>
            new Promise<void>((resolve) =>
              client.on('message', (msg: Buffer) => {
                answered[c]!.add(msg[1]!);
                if (answered[c]!.size === perClient) resolve();
              }),
            ),
        );
        clients.forEach((client) => {
          for (let id = 0; id < perClient; id++) {
            const request = accessRequest({ identifier: id, eap: identityResponse(id, `dev-${id}`) });
            client.send(request.datagram, bound.port, '127.0.0.1');
          }
        });
        await Promise.race([Promise.all(done), new Promise((resolve) => setTimeout(resolve, 5_000))]);
        for (const identifiers of answered)
          assert.deepEqual(
            [...identifiers].sort((a, b) => a - b),
            [...Array(perClient).keys()],
          );
        assert.equal(backend.opened.length, 3 * perClient);
      } finally {
        for (const client of clients) client.close();
        await server.stop();
      }
    });

    test('answers an IPv4 NAS on a dual-stack socket (source seen as IPv4-mapped IPv6)', async () => {
      const server = new RadiusServer({
        listen: { address: '::', port: 0 },
        clients: [{ name: 'lo', address: '127.0.0.1', secret: SECRET.toString() }],
        backend: new FakeBackend(twoRoundScript()),
      });
      const bound = await server.start();
      const client = await clientSocket('udp4', '127.0.0.1');
      try {
        const request = accessRequest({ identifier: 9, eap: identityResponse(9, 'x') });
        const answer = readResponse(await exchange(client, request, bound.port, '127.0.0.1'), request);
        assert.equal(answer.code, RadiusCode.AccessChallenge);
      } finally {
        client.close();
        await server.stop();
      }
    });

    test('stays silent to an unknown client and reports the drop', async () => {
      const backend = new FakeBackend(twoRoundScript());
      const server = new RadiusServer({
        listen: { address: '127.0.0.1', port: 0 },
        clients: [{ name: 'elsewhere', address: '10.0.0.0/8', secret: SECRET.toString() }],
        backend,
      });
      const bound = await server.start();
      const client = await clientSocket('udp4', '127.0.0.1');
      try {
        const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
        const drops = await collect<RadiusDropEvent>(RadiusChannel.Drop, async () => {
          assert.equal(await exchange(client, request, bound.port, '127.0.0.1'), undefined);
        });
        assert.deepEqual(
          drops.map((d) => [d.reason, d.address, d.port]),
          [['unknown-client', '127.0.0.1', client.address().port]],
        );
        assert.equal(backend.opened.length, 0);
      } finally {
        client.close();
        await server.stop();
      }
    });

    test('ends open conversations on stop and refuses a second start', async () => {
      const backend = new FakeBackend(twoRoundScript());
      const server = new RadiusServer({
        listen: { address: '127.0.0.1', port: 0 },
        clients: [{ name: 'lo', address: '127.0.0.1', secret: SECRET.toString() }],
        backend,
      });
      const bound = await server.start();
      await assert.rejects(server.start());
      const client = await clientSocket('udp4', '127.0.0.1');
      const request = accessRequest({ identifier: 1, eap: identityResponse(1, 'x') });
      readResponse(await exchange(client, request, bound.port, '127.0.0.1'), request);
      client.close();
      await server.stop();
      assert.deepEqual(backend.closed, ['shutdown']);
    });

    test('rejects start when the port is taken', async () => {
      const holder = await clientSocket('udp4', '127.0.0.1');
      const server = new RadiusServer({
        listen: { address: '127.0.0.1', port: holder.address().port },
        clients: [],
        backend: new FakeBackend(twoRoundScript()),
      });
      try {
        await assert.rejects(server.start(), /EADDRINUSE/);
      } finally {
        holder.close();
        await server.stop();
      }
    });

    test('asks for the configured receive buffer and reports what the kernel granted', async () => {
      const requested = 1024 * 1024;
      // Linux caps SO_RCVBUF at net.core.rmem_max and reports twice the size it keeps.
      const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
      const sizes: number[] = [];
      for (const recvBufferSize of [0, requested]) {
        const server = new RadiusServer({
          listen: { address: '127.0.0.1', port: 0, recvBufferSize },
          clients: [],
          backend: new FakeBackend(twoRoundScript()),
        });
        sizes.push((await server.start()).recvBufferSize);
        await server.stop();
      }
      const [kernelDefault, granted] = sizes as [number, number];
      const fresh = await clientSocket('udp4', '127.0.0.1');
      assert.equal(kernelDefault, fresh.getRecvBufferSize());
      fresh.close();
      assert.equal(granted, 2 * Math.min(requested, rmemMax));
    });

    test('asks for DEFAULT_RECV_BUFFER_BYTES when no size is configured', async () => {
      const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
      const server = new RadiusServer({
        listen: { address: '127.0.0.1', port: 0 },
        clients: [],
        backend: new FakeBackend(twoRoundScript()),
      });
      try {
        const bound = await server.start();
        assert.equal(bound.recvBufferSize, 2 * Math.min(DEFAULT_RECV_BUFFER_BYTES, rmemMax));
      } finally {
        await server.stop();
      }
    });
  });
}
