import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { TlsTransport } from '../../../src/diameter/transport/tls.js';
import { matchesOriginHost } from '../../../src/diameter/transport/tls-identity.js';
import type { TransportConnection, TransportListener } from '../../../src/diameter/transport/transport.js';
import { TestPki } from '../../unit/diameter/transport/pki-fixture.js';

const LOOPBACK = '127.0.0.1';
const ANY_PORT = 0;

/** Outcome of a raw TLS client against our listener: did the server accept us and hand us data? */
async function rawClient(port: number, options: ConnectionOptions): Promise<'accepted' | 'refused'> {
  const socket: TLSSocket = tlsConnect({ host: LOOPBACK, port, rejectUnauthorized: false, ...options });
  // The server writes one byte to each connection it hands up; a refused handshake ends without it
  // (TLS 1.3 may complete on the client side before the server's certificate-required alert).
  const outcome = await new Promise<'accepted' | 'refused'>((resolve) => {
    socket.once('data', () => resolve('accepted'));
    socket.once('error', () => resolve('refused'));
    socket.once('close', () => resolve('refused'));
  });
  socket.destroy();
  return outcome;
}

describe('TLS transport (RFC 6733 §13, mutual authentication)', () => {
  const pki = new TestPki();
  let transport: TlsTransport;
  let listener: TransportListener;
  const accepted: TransportConnection[] = [];
  const refusals: string[] = [];
  let caFile: string;
  let serverFiles: { certFile: string; keyFile: string };
  let goodClient: { certFile: string; keyFile: string };

  before(async () => {
    caFile = pki.ca('ca');
    pki.ca('other-ca');
    serverFiles = pki.leaf('server', 'ca', 'aaa.home.example', ['aaa.home.example', 'localhost']);
    goodClient = pki.leaf('client', 'ca', 'ignored-cn.example', ['dea.edge.example']);
    transport = await TlsTransport.create({
      ...serverFiles,
      caFile,
      onRefused: (reason) => refusals.push(reason),
    });
    listener = await transport.listen({ host: LOOPBACK, port: ANY_PORT }, (connection) => {
      accepted.push(connection);
      connection.stream.write(Buffer.of(1));
    });
  });
  after(async () => {
    await listener.close();
    for (const c of accepted) c.stream.destroy();
    pki.cleanup();
  });

  test('accepts a client whose certificate chains to the CA and reports its SAN identity', async () => {
    const before = accepted.length;
    const outcome = await rawClient(listener.address.port, {
      cert: readFileSync(goodClient.certFile),
      key: readFileSync(goodClient.keyFile),
      ca: readFileSync(caFile),
    });
    assert.equal(outcome, 'accepted');
    const conn = accepted[before]!;
    assert.equal(conn.kind, 'tls');
    assert.deepEqual(conn.peerCertificate?.names, ['dea.edge.example']);
    assert.match(conn.peerCertificate?.fingerprint256 ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(matchesOriginHost(conn.peerCertificate!, 'dea.edge.example'), true);
    assert.ok(conn.localAddresses.includes(LOOPBACK));
  });

  test('refuses a client without a certificate', async () => {
    const before = { accepted: accepted.length, refusals: refusals.length };
    assert.equal(await rawClient(listener.address.port, { ca: readFileSync(caFile) }), 'refused');
    assert.equal(accepted.length, before.accepted);
    assert.ok(refusals.length > before.refusals, 'refusal reported');
  });

  test('refuses a client whose certificate comes from another CA', async () => {
    const stranger = pki.leaf('stranger', 'other-ca', 'dea.edge.example', ['dea.edge.example']);
    const before = accepted.length;
    const outcome = await rawClient(listener.address.port, {
      cert: readFileSync(stranger.certFile),
      key: readFileSync(stranger.keyFile),
      ca: readFileSync(caFile),
    });
    assert.equal(outcome, 'refused');
    assert.equal(accepted.length, before);
  });

  test('a verified client whose certificate names another host fails the Origin-Host check', async () => {
    const wrong = pki.leaf('wrong-name', 'ca', 'other.edge.example', ['other.edge.example']);
    const before = accepted.length;
    assert.equal(
      await rawClient(listener.address.port, {
        cert: readFileSync(wrong.certFile),
        key: readFileSync(wrong.keyFile),
        ca: readFileSync(caFile),
      }),
      'accepted',
    );
    assert.equal(matchesOriginHost(accepted[before]!.peerCertificate!, 'dea.edge.example'), false);
  });

  test('refuses to offer TLS 1.1 or lower', async () => {
    const outcome = await rawClient(listener.address.port, {
      cert: readFileSync(goodClient.certFile),
      key: readFileSync(goodClient.keyFile),
      ca: readFileSync(caFile),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
    });
    assert.equal(outcome, 'refused');
  });

  test('outgoing connect verifies the server certificate against the expected name', async () => {
    const client = await TlsTransport.create({ ...goodClient, caFile });
    const ok = await client.connect({
      host: LOOPBACK,
      port: listener.address.port,
      serverName: 'aaa.home.example',
    });
    assert.deepEqual(ok.peerCertificate?.names, ['aaa.home.example', 'localhost']);
    ok.stream.destroy();
    await assert.rejects(
      client.connect({ host: LOOPBACK, port: listener.address.port, serverName: 'someone-else.example' }),
      (err: NodeJS.ErrnoException) => err.code === 'ERR_TLS_CERT_ALTNAME_INVALID',
    );
  });

  test('outgoing connect refuses a server from another CA', async () => {
    const otherCaFile = `${pki.dir}/other-ca.crt`;
    const client = await TlsTransport.create({ ...goodClient, caFile: otherCaFile });
    await assert.rejects(
      client.connect({ host: LOOPBACK, port: listener.address.port, serverName: 'aaa.home.example' }),
    );
  });

  test('reload() picks up a new server certificate without restarting the listener', async () => {
    const client = await TlsTransport.create({ ...goodClient, caFile });
    const first = await client.connect({
      host: LOOPBACK,
      port: listener.address.port,
      serverName: 'aaa.home.example',
    });
    const firstPrint = first.peerCertificate?.fingerprint256;
    first.stream.destroy();

    const renewed = pki.leaf('server-renewed', 'ca', 'aaa.home.example', ['aaa.home.example']);
    copyFileSync(renewed.certFile, serverFiles.certFile);
    copyFileSync(renewed.keyFile, serverFiles.keyFile);
    await transport.reload();

    const second = await client.connect({
      host: LOOPBACK,
      port: listener.address.port,
      serverName: 'aaa.home.example',
    });
    assert.notEqual(second.peerCertificate?.fingerprint256, firstPrint);
    assert.deepEqual(second.peerCertificate?.names, ['aaa.home.example']);
    second.stream.destroy();
  });

  test('reload() keeps the old context when the new files are unusable', async () => {
    const saved = readFileSync(serverFiles.keyFile);
    writeFileSync(serverFiles.keyFile, 'not a key');
    await assert.rejects(transport.reload());
    writeFileSync(serverFiles.keyFile, saved);
    const client = await TlsTransport.create({ ...goodClient, caFile });
    const conn = await client.connect({
      host: LOOPBACK,
      port: listener.address.port,
      serverName: 'aaa.home.example',
    });
    conn.stream.destroy();
  });
});
