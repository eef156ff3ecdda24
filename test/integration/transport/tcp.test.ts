import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { TcpTransport } from '../../../src/diameter/transport/tcp.js';
import type { TransportConnection } from '../../../src/diameter/transport/transport.js';

const LOOPBACK = '127.0.0.1';

describe('TCP transport', () => {
  test('connects, exchanges bytes both ways and reports addresses', async () => {
    const transport = new TcpTransport();
    const accepted: TransportConnection[] = [];
    const listener = await transport.listen({ host: LOOPBACK, port: 0 }, (c) => {
      accepted.push(c);
      c.stream.on('data', (chunk: Buffer) => c.stream.write(chunk));
    });
    assert.equal(listener.address.host, LOOPBACK);
    assert.ok(listener.address.port > 0);
    const client = await transport.connect({ host: LOOPBACK, port: listener.address.port });
    assert.equal(client.kind, 'tcp');
    assert.equal(client.remotePort, listener.address.port);
    assert.equal(client.peerCertificate, undefined);
    assert.ok(client.localAddresses.includes(LOOPBACK), 'loopback connection advertises its own address');
    client.stream.write(Buffer.from('ping'));
    const [echo] = (await once(client.stream, 'data')) as [Buffer];
    assert.equal(echo.toString(), 'ping');
    assert.equal(accepted[0]?.remoteAddress, LOOPBACK);
    client.stream.destroy();
    accepted[0]?.stream.destroy();
    await listener.close();
  });

  test('rejects connect when nothing listens', async () => {
    const transport = new TcpTransport();
    const listener = await transport.listen({ host: LOOPBACK, port: 0 }, () => undefined);
    const { port } = listener.address;
    await listener.close();
    await assert.rejects(
      transport.connect({ host: LOOPBACK, port }),
      (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED',
    );
  });

  test('rejects listen on a port already in use', async () => {
    const transport = new TcpTransport();
    const listener = await transport.listen({ host: LOOPBACK, port: 0 }, () => undefined);
    await assert.rejects(transport.listen({ host: LOOPBACK, port: listener.address.port }, () => undefined));
    await listener.close();
  });
});
