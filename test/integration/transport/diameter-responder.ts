import type { TransportConnection } from '../../../src/diameter/transport/transport.js';

/**
 * A minimal Diameter peer for transport tests (the real node is not wired here): CER → CEA 2001
 * with one Host-IP-Address per local address, DWR → DWA 2001, any other request → an answer with
 * the request's AVPs echoed. Expects one whole message per chunk (true for SCTP).
 */
const HEADER_LENGTH = 20;
const FLAG_REQUEST = 0x80;
const AVP_MANDATORY = 0x40;
const CMD_CER = 257;
const CMD_DWR = 280;
const AVP_RESULT_CODE = 268;
const AVP_ORIGIN_HOST = 264;
const AVP_ORIGIN_REALM = 296;
const AVP_HOST_IP_ADDRESS = 257;
const AVP_VENDOR_ID = 266;
const AVP_PRODUCT_NAME = 269;
const AVP_AUTH_APPLICATION_ID = 258;
const DIAMETER_SUCCESS = 2001;
const APP_DIAMETER_EAP = 5;
const ADDRESS_FAMILY_IPV4 = 1;

function avp(code: number, value: Buffer, flags = AVP_MANDATORY): Buffer {
  const length = 8 + value.length;
  const out = Buffer.alloc(Math.ceil(length / 4) * 4);
  out.writeUInt32BE(code, 0);
  out.writeUInt32BE(((flags << 24) | length) >>> 0, 4);
  value.copy(out, 8);
  return out;
}
const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};
function ipv4(address: string): Buffer {
  return Buffer.from([0, ADDRESS_FAMILY_IPV4, ...address.split('.').map(Number)]);
}

function answer(request: Buffer, avps: Buffer[]): Buffer {
  const header = Buffer.from(request.subarray(0, HEADER_LENGTH));
  const out = Buffer.concat([header, ...avps]);
  out.writeUIntBE(out.length, 1, 3);
  out[4] = request[4]! & ~FLAG_REQUEST;
  return out;
}

export function respond(connection: TransportConnection, seen: Buffer[] = []): void {
  const identity = [
    avp(AVP_ORIGIN_HOST, Buffer.from('aaa.home.example')),
    avp(AVP_ORIGIN_REALM, Buffer.from('home.example')),
  ];
  connection.stream.on('data', (message: Buffer) => {
    seen.push(message);
    if (message.length < HEADER_LENGTH || !(message[4]! & FLAG_REQUEST)) return;
    const command = message.readUIntBE(5, 3);
    if (command === CMD_CER) {
      const addresses = connection.localAddresses
        .filter((a) => a.includes('.'))
        .map((a) => avp(AVP_HOST_IP_ADDRESS, ipv4(a)));
      connection.stream.write(
        answer(message, [
          avp(AVP_RESULT_CODE, u32(DIAMETER_SUCCESS)),
          ...identity,
          ...addresses,
          avp(AVP_VENDOR_ID, u32(0)),
          avp(AVP_PRODUCT_NAME, Buffer.from('eapd-test'), 0),
          avp(AVP_AUTH_APPLICATION_ID, u32(APP_DIAMETER_EAP)),
        ]),
      );
    } else if (command === CMD_DWR) {
      connection.stream.write(answer(message, [avp(AVP_RESULT_CODE, u32(DIAMETER_SUCCESS)), ...identity]));
    } else {
      connection.stream.write(answer(message, [message.subarray(HEADER_LENGTH)]));
    }
  });
  connection.stream.on('error', () => undefined);
}
