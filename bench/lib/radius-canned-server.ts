// The trivial RADIUS answering server of the RADIUS generator's own ceiling: every Access-Request
// is answered by the same Access-Challenge carrying a fixed PSK-1, signed as RFC 2865 §3 and
// RFC 3579 §3.2 require (so the generator does its full per-response work). No EAP, no state.
import { createSocket, type Socket } from 'node:dgram';
import { RadiusAttr, RadiusCode } from '../../src/radius/constants.js';
import { eapMessageAttributes } from '../../src/radius/eap-message.js';
import { buildResponse } from '../../src/radius/packet-builder.js';
import { RadiusPacket } from '../../src/radius/packet.js';

/** RFC 4764 §5.1 PSK-1 as a fixed EAP-Request (Code 1, Id 1, Type 47, Flags T=0, RAND_S, ID_S). */
const CANNED_PSK1 = Buffer.from(
  '010100272f00' + '11'.repeat(16) + Buffer.from('aaa.bench.example').toString('hex'),
  'hex',
);
const CANNED_STATE = Buffer.from('canned-state');
/** Large enough that the generator's bursts are never dropped here (within net.core.rmem_max). */
const RECV_BUFFER_BYTES = 1024 * 1024;

export function startRadiusCannedServer(port: number, secret: Buffer): Promise<Socket> {
  const attributes = [...eapMessageAttributes(CANNED_PSK1), { type: RadiusAttr.State, value: CANNED_STATE }];
  const socket = createSocket({ type: 'udp4', recvBufferSize: RECV_BUFFER_BYTES });
  socket.on('message', (datagram, remote) => {
    const parsed = RadiusPacket.parse(datagram);
    if (!parsed.ok || parsed.packet.code !== RadiusCode.AccessRequest) return;
    const answer = buildResponse({
      code: RadiusCode.AccessChallenge,
      identifier: parsed.packet.identifier,
      requestAuthenticator: parsed.packet.authenticator,
      secret,
      attributes,
    });
    socket.send(answer, remote.port, remote.address);
  });
  return new Promise((resolve) => socket.bind(port, '127.0.0.1', () => resolve(socket)));
}
