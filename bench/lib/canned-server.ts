import { createServer, type Server } from 'node:net';
import {
  CommandFlag,
  Framer,
  HeaderOffset,
  MessageView,
  encodeMessage,
  octets,
  u32,
  utf8,
} from '../../src/diameter/codec/index.js';
import { ApplicationId, AvpCode, CommandCode, ResultCode } from '../../src/diameter/dict/constants.gen.js';
import { buildCea, buildDpa, buildDwa, type LocalNode } from '../../src/diameter/peer/base-messages.js';
import { BENCH_REALM } from './bench-devices.js';

/** RFC 4764 §5.1 PSK-1 as a fixed EAP-Request (Code 1, Id 1, Type 47, Flags T=0, RAND_S, ID_S). */
const CANNED_PSK1 = Buffer.from(
  '010100272f00' + '11'.repeat(16) + Buffer.from('aaa.bench.example').toString('hex'),
  'hex',
);
const LOCAL: LocalNode = {
  originHost: 'canned.bench.example',
  originRealm: BENCH_REALM,
  originStateId: 1,
  vendorId: 0,
  productName: 'eapd-bench-canned',
  firmwareRevision: 1,
  authApplicationIds: [ApplicationId.DiameterEAP],
  acctApplicationIds: [],
};

/**
 * The trivial answering server of the generator's own ceiling: CER → CEA, and every DER answered
 * with the same canned DEA 1001 (only Hop-by-Hop and End-to-End copied in). No EAP, no state.
 */
export function startCannedServer(port: number): Promise<Server> {
  const template = encodeMessage({
    commandCode: CommandCode.DiameterEAP,
    applicationId: ApplicationId.DiameterEAP,
    flags: CommandFlag.P,
    hopByHop: 0,
    endToEnd: 0,
    avps: [
      utf8(AvpCode.SessionId, 'canned.bench.example;1;1'),
      u32(AvpCode.AuthApplicationId, ApplicationId.DiameterEAP),
      u32(AvpCode.ResultCode, ResultCode.DIAMETER_MULTI_ROUND_AUTH),
      utf8(AvpCode.OriginHost, LOCAL.originHost),
      utf8(AvpCode.OriginRealm, LOCAL.originRealm),
      octets(AvpCode.EAPPayload, CANNED_PSK1),
    ],
  });
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const framer = new Framer((frame) => {
      const m = new MessageView(frame);
      if (!m.isRequest) return;
      if (m.commandCode === CommandCode.DiameterEAP) {
        const answer = Buffer.allocUnsafe(template.length);
        template.copy(answer);
        frame.copy(answer, HeaderOffset.HOP_BY_HOP, HeaderOffset.HOP_BY_HOP, HeaderOffset.END_TO_END + 4);
        socket.write(answer);
      } else if (m.commandCode === CommandCode.CapabilitiesExchange) {
        socket.write(buildCea(m, LOCAL, ['127.0.0.1'], ResultCode.DIAMETER_SUCCESS));
      } else if (m.commandCode === CommandCode.DeviceWatchdog) {
        socket.write(buildDwa(m, LOCAL));
      } else if (m.commandCode === CommandCode.DisconnectPeer) {
        socket.end(buildDpa(m, LOCAL));
      }
    });
    socket.on('data', (chunk: Buffer) => {
      if (framer.push(chunk) !== undefined) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
