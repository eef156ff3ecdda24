/**
 * Issue 7 acceptance (TLS refusals) against the real `eapd serve`: RFC 6733 §13.1 mutual
 * authentication. node:tls clients that send a real CER once their handshake is done:
 *   - a certificate from our CA naming the CER's Origin-Host: CEA 2001 (the control);
 *   - no certificate, or one from another CA: the handshake fails, no Diameter message is answered;
 *   - a certificate from our CA naming another host than the CER's Origin-Host: CEA 3010
 *     DIAMETER_UNKNOWN_PEER (E bit, RFC 6733 §7.1.3) and eapd closes the connection.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { after, before, describe, test } from 'node:test';

import { Framer, MessageView } from '../../src/diameter/codec/index.js';
import { ApplicationId, CommandCode, ResultCode } from '../../src/diameter/dict/constants.gen.js';
import { cerFrame, resultCodeOf } from '../helpers/diameter-client.js';
import { startEapd, type EapdUnderTest } from './lib/eapd.js';
import { TestPki, type PkiFiles } from './lib/pki.js';
import { LOOPBACK, freePorts } from './lib/ports.js';
import { Rig } from './lib/rig.js';

const SERVER_NAME = 'aaa.home.example';
const CLIENT_HOST = 'dea.edge.example';
const CLIENT_REALM = 'edge.example';
/** How long a client waits for eapd to answer or close before giving up. */
const ATTEMPT_TIMEOUT_MS = 8_000;

/** What a TLS client saw: whether its handshake completed, the messages it got, how it ended. */
interface Attempt {
  readonly handshakeDone: boolean;
  readonly messages: readonly MessageView[];
  /** The server closed the connection (not our timeout, nor us after stopAfterMessages). */
  readonly closedByServer: boolean;
  readonly errorCode: string | undefined;
}

/**
 * Connects to eapd's TLS port with `credentials` (none: no client certificate), sends a CER for
 * `originHost` right after the handshake and collects what comes back until eapd closes the
 * connection (or ATTEMPT_TIMEOUT_MS, then we close it).
 */
function attempt(
  port: number,
  ca: string,
  credentials: PkiFiles | undefined,
  originHost: string,
  stopAfterMessages = Number.POSITIVE_INFINITY,
): Promise<Attempt> {
  const options: ConnectionOptions = {
    host: LOOPBACK,
    port,
    servername: SERVER_NAME,
    ca: readFileSync(ca),
    ...(credentials === undefined
      ? {}
      : { cert: readFileSync(credentials.certFile), key: readFileSync(credentials.keyFile) }),
  };
  return new Promise((resolve) => {
    const messages: MessageView[] = [];
    let handshakeDone = false;
    let errorCode: string | undefined;
    let timedOut = false;
    const socket = tlsConnect(options);
    const framer = new Framer((frame) => {
      messages.push(new MessageView(Buffer.from(frame)));
      if (messages.length >= stopAfterMessages) {
        timedOut = true;
        socket.destroy();
      }
    });
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, ATTEMPT_TIMEOUT_MS);
    socket.once('secureConnect', () => {
      handshakeDone = true;
      socket.write(cerFrame(originHost, CLIENT_REALM, [ApplicationId.DiameterEAP]));
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      errorCode ??= err.code ?? err.message;
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ handshakeDone, messages, closedByServer: !timedOut, errorCode });
    });
  });
}

function describeAttempt(a: Attempt, eapd: EapdUnderTest): string {
  const messages = a.messages.map((m) => `${m.commandCode}${m.isRequest ? 'R' : 'A'} rc=${resultCodeOf(m)}`);
  return `handshake=${a.handshakeDone} closedByServer=${a.closedByServer} error=${a.errorCode} messages=[${messages.join(', ')}]\n${eapd.process.describe(15)}`;
}

describe('eapd TLS listener refuses peers that do not prove their identity (RFC 6733 §13.1)', () => {
  // One eapd for the whole suite: the rig's cleanup is the suite's after hook.
  const rig = Rig.open('tls-refusals', { after });
  let eapd: EapdUnderTest;
  let pki: TestPki;
  let ca: PkiFiles;
  let tlsPort: number;
  let adminPort: number;

  before(async () => {
    pki = TestPki.create(rig);
    ca = pki.ca('ca');
    pki.ca('other-ca');
    const server = pki.leaf('aaa', 'ca', { cn: SERVER_NAME, dnsNames: [SERVER_NAME] });
    const [tcpPort, tls, admin] = await freePorts(3);
    tlsPort = tls!;
    adminPort = admin!;
    eapd = await startEapd(rig, {
      originHost: SERVER_NAME,
      originRealm: 'home.example',
      diameterPort: tcpPort!,
      adminPort,
      env: {
        EAPD_TLS_ENABLED: 'true',
        EAPD_TLS_PORT: String(tlsPort),
        EAPD_TLS_CERT: server.certFile,
        EAPD_TLS_KEY: server.keyFile,
        EAPD_TLS_CA: ca.certFile,
      },
    });
  });

  test('answers the CER of a client whose certificate names its Origin-Host with CEA 2001 (control)', async () => {
    const good = pki.leaf('dea', 'ca', { cn: CLIENT_HOST, dnsNames: [CLIENT_HOST] });
    const mark = eapd.process.mark();
    const socketDone = attempt(tlsPort, ca.certFile, good, CLIENT_HOST, 1);
    await eapd.process.waitForLog(
      /"message":"peer state".*"peer":"dea.edge.example".*"to":"R-Open"/,
      ATTEMPT_TIMEOUT_MS,
      mark,
    );
    const a = await socketDone;
    const cea = a.messages[0];
    assert.ok(a.handshakeDone, describeAttempt(a, eapd));
    assert.equal(cea?.commandCode, CommandCode.CapabilitiesExchange, describeAttempt(a, eapd));
    assert.equal(resultCodeOf(cea), ResultCode.DIAMETER_SUCCESS, describeAttempt(a, eapd));
    assert.equal(cea.isError, false);
  });

  test('refuses a client without a certificate during the handshake: its CER is never answered', async () => {
    const mark = eapd.process.mark();
    const a = await attempt(tlsPort, ca.certFile, undefined, CLIENT_HOST);
    assert.equal(a.messages.length, 0, describeAttempt(a, eapd));
    assert.ok(a.closedByServer, describeAttempt(a, eapd));
    // TLS 1.3: the client's side completes first, then the server's certificate_required alert (RFC 8446 §4.4.2.4).
    assert.match(a.errorCode ?? '', /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/, describeAttempt(a, eapd));
    await eapd.process.waitForLog(
      /"message":"tls connection refused".*"reason":"[^"]*(certificate|CERTIFICATE)/,
      5_000,
      mark,
    );
    assert.doesNotMatch(eapd.process.log().slice(mark), /"message":"peer state"/);
  });

  test('refuses a client whose certificate comes from another CA during the handshake', async () => {
    const stranger = pki.leaf('stranger', 'other-ca', { cn: CLIENT_HOST, dnsNames: [CLIENT_HOST] });
    const mark = eapd.process.mark();
    const a = await attempt(tlsPort, ca.certFile, stranger, CLIENT_HOST);
    assert.equal(a.messages.length, 0, describeAttempt(a, eapd));
    assert.ok(a.closedByServer, describeAttempt(a, eapd));
    // Node verifies the client's chain after the handshake and closes without a TLS alert: the
    // client only sees the connection end; eapd's log says why.
    await eapd.process.waitForLog(
      /"message":"tls connection refused".*"reason":"client certificate not accepted: UNABLE_TO_VERIFY_LEAF_SIGNATURE"/,
      5_000,
      mark,
    );
    assert.doesNotMatch(eapd.process.log().slice(mark), /"message":"peer state"/);
  });

  test('answers CEA 3010 with the E bit and closes when the certificate names another host than the CER Origin-Host', async () => {
    const other = pki.leaf('other', 'ca', { cn: 'other.edge.example', dnsNames: ['other.edge.example'] });
    const mark = eapd.process.mark();
    const a = await attempt(tlsPort, ca.certFile, other, CLIENT_HOST);
    assert.ok(a.handshakeDone, describeAttempt(a, eapd));
    assert.equal(a.messages.length, 1, describeAttempt(a, eapd));
    const cea = a.messages[0]!;
    assert.equal(cea.commandCode, CommandCode.CapabilitiesExchange);
    assert.equal(cea.isRequest, false);
    assert.equal(resultCodeOf(cea), ResultCode.DIAMETER_UNKNOWN_PEER, describeAttempt(a, eapd));
    assert.equal(cea.isError, true, 'RFC 6733 §7.1.3: a 3xxx answer has the E bit');
    assert.ok(a.closedByServer, `eapd closes after the 3010 CEA: ${describeAttempt(a, eapd)}`);
    await eapd.process.waitForLog(
      /"message":"peer refused at capabilities exchange".*"reason":"tls_identity_mismatch"/,
      5_000,
      mark,
    );
    const metrics = await (await fetch(`http://${LOOPBACK}:${adminPort}/metrics`)).text();
    assert.match(metrics, /eapd_diameter_peers_refused_total\{[^}]*reason="tls_identity_mismatch"[^}]*\} 1/);
  });
});
