import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CommandFlag, MessageView, u32, utf8 } from '../../../src/diameter/codec/index.js';
import {
  AvpCode,
  CommandCode,
  DisconnectCause,
  ResultCode,
} from '../../../src/diameter/dict/constants.gen.js';
import { RawDiameterClient, baseRequest, cerFrame, resultCodeOf } from '../../helpers/diameter-client.js';
import { startNode, type NodeFixture } from '../../helpers/node-fixture.js';

async function openPeer(f: NodeFixture, host = 'dea.edge.example'): Promise<RawDiameterClient> {
  const c = await RawDiameterClient.open(f.port);
  c.write(cerFrame(host, 'edge.example'));
  const cea = await c.next();
  assert.equal(resultCodeOf(cea), ResultCode.DIAMETER_SUCCESS);
  return c;
}

describe('Diameter base protocol over TCP (RFC 6733)', () => {
  let f: NodeFixture;
  before(async () => {
    f = await startNode();
  });
  after(async () => {
    await f.stop();
  });

  test('answers a CER that advertises only Relay with 2001 and our identity', async () => {
    const c = await RawDiameterClient.open(f.port);
    const cer = cerFrame('dea.edge.example', 'edge.example');
    c.write(cer);
    const cea = await c.next();
    assert.equal(cea.commandCode, CommandCode.CapabilitiesExchange);
    assert.equal(cea.isRequest, false);
    assert.equal(cea.isError, false);
    assert.equal(cea.hopByHop, new MessageView(cer).hopByHop);
    assert.equal(cea.endToEnd, new MessageView(cer).endToEnd);
    assert.equal(resultCodeOf(cea), ResultCode.DIAMETER_SUCCESS);
    assert.equal(cea.find(AvpCode.OriginHost)?.asUtf8(), 'aaa.home.example');
    assert.equal(cea.find(AvpCode.AuthApplicationId)?.asUnsigned32(), 5);
    assert.ok(cea.findAll(AvpCode.HostIPAddress).length >= 1, 'one Host-IP-Address per local address');
    assert.equal(cea.find(AvpCode.SessionId), undefined, 'CEA carries no Session-Id');
    c.close();
  });

  test('answers a CER without a common application with 5010 and closes', async () => {
    const c = await RawDiameterClient.open(f.port);
    c.write(cerFrame('nas1.edge.example', 'edge.example', [16777238]));
    const cea = await c.next();
    assert.equal(resultCodeOf(cea), ResultCode.DIAMETER_NO_COMMON_APPLICATION);
    assert.equal(cea.isError, false);
    await c.waitClosed();
  });

  test('refuses a CER insisting on in-band TLS with 5017 and closes', async () => {
    const c = await RawDiameterClient.open(f.port);
    c.write(cerFrame('nas2.edge.example', 'edge.example', [5], [u32(AvpCode.InbandSecurityId, 1)]));
    const cea = await c.next();
    assert.equal(resultCodeOf(cea), ResultCode.DIAMETER_NO_COMMON_SECURITY);
    await c.waitClosed();
  });

  test('closes a connection whose first message is not a CER', async () => {
    const c = await RawDiameterClient.open(f.port);
    c.write(baseRequest(CommandCode.DeviceWatchdog, 'x.edge.example', 'edge.example'));
    await c.waitClosed();
  });

  test('answers DWR with DWA 2001 on an open connection', async () => {
    const c = await openPeer(f, 'dwr.edge.example');
    const dwr = baseRequest(CommandCode.DeviceWatchdog, 'dwr.edge.example', 'edge.example');
    c.write(dwr);
    const dwa = await c.next();
    assert.equal(dwa.commandCode, CommandCode.DeviceWatchdog);
    assert.equal(dwa.isRequest, false);
    assert.equal(dwa.hopByHop, new MessageView(dwr).hopByHop);
    assert.equal(resultCodeOf(dwa), ResultCode.DIAMETER_SUCCESS);
    c.close();
  });

  test('answers DPR with DPA 2001 and the peer leaves the table', async () => {
    const c = await openPeer(f, 'dpr.edge.example');
    assert.equal(f.node.peer('dpr.edge.example')?.isOpen, true);
    c.write(
      baseRequest(CommandCode.DisconnectPeer, 'dpr.edge.example', 'edge.example', [
        u32(AvpCode.DisconnectCause, DisconnectCause.REBOOTING),
      ]),
    );
    const dpa = await c.next();
    assert.equal(dpa.commandCode, CommandCode.DisconnectPeer);
    assert.equal(resultCodeOf(dpa), ResultCode.DIAMETER_SUCCESS);
    c.close();
    for (let i = 0; i < 50 && f.node.peer('dpr.edge.example'); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(f.node.peer('dpr.edge.example'), undefined);
  });

  test('refuses a second connection from an open peer (R-Reject)', async () => {
    const c1 = await openPeer(f, 'twice.edge.example');
    const c2 = await RawDiameterClient.open(f.port);
    c2.write(cerFrame('twice.edge.example', 'edge.example'));
    await c2.waitClosed();
    assert.equal(c1.closed, false);
    c1.close();
  });

  test('answers a request of an unsupported application with 3007 and the E bit', async () => {
    const c = await openPeer(f, 'app.edge.example');
    const req = baseRequest(CommandCode.DiameterEAP, 'app.edge.example', 'edge.example');
    req.writeUInt32BE(16777238, 8);
    req[4] = CommandFlag.R | CommandFlag.P;
    c.write(req);
    const ans = await c.next();
    assert.equal(resultCodeOf(ans), ResultCode.DIAMETER_APPLICATION_UNSUPPORTED);
    assert.equal(ans.isError, true);
    assert.equal(ans.isProxiable, true, 'P bit copied');
    c.close();
  });

  test('aborts the connection on an impossible message length (RFC 6733 §2.1)', async () => {
    const c = await openPeer(f, 'len.edge.example');
    const bad = baseRequest(CommandCode.DeviceWatchdog, 'len.edge.example', 'edge.example');
    bad.writeUIntBE(bad.length + 2, 1, 3); // not a multiple of 4
    c.write(bad);
    await c.waitClosed();
  });

  test('on stop sends DPR to every open peer', async () => {
    const g = await startNode({ originHost: 'aaa2.home.example' });
    const c = await openPeer(g, 'stop.edge.example');
    const stopped = g.node.stop(2000);
    const dpr = await c.next();
    assert.equal(dpr.commandCode, CommandCode.DisconnectPeer);
    assert.equal(dpr.isRequest, true);
    assert.equal(dpr.find(AvpCode.DisconnectCause)?.asUnsigned32(), DisconnectCause.REBOOTING);
    // answer DPA, then the node finishes
    const { encodeAnswer, answerSkeleton } = await import('../../../src/diameter/codec/index.js');
    c.write(
      encodeAnswer(answerSkeleton(dpr), [
        u32(AvpCode.ResultCode, 2001),
        utf8(AvpCode.OriginHost, 'stop.edge.example'),
        utf8(AvpCode.OriginRealm, 'edge.example'),
      ]),
    );
    await stopped;
    await c.waitClosed();
  });
});
