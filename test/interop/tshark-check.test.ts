/**
 * The tshark checker (test/interop/tshark-check.sh via lib/tshark.ts) on crafted packets: it must
 * flag what is broken, decode the extra ports it is given, and accept exactly one known Wireshark
 * false positive (a binary EAP-Key-Name). If these fail, every capture-based interop test is suspect.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { writePcap } from './lib/pcap-writer.js';
import {
  AVP_CODE,
  DIAMETER_FLAG,
  encodeAvp,
  encodeMessage,
  RESULT_CODE_SUCCESS,
  u32,
} from './lib/raw-diameter.js';
import { Rig } from './lib/rig.js';
import { checkCapture } from './lib/tshark.js';

/** Ports that are not Diameter's or RADIUS's defaults: the checker must decode them only when told. */
const DIAMETER_PORT = 39868;
const RADIUS_PORT = 39812;
const CLIENT_PORT = 45000;

/** RFC 4072 §3.1 Diameter-EAP-Request/Answer, application 5. */
const DER_DEA = 268;
const EAP_APPLICATION = 5;
/** RFC 4072 §4.1.4 EAP-Key-Name (AVP 102, OctetString; the same number as the RADIUS attribute). */
const EAP_KEY_NAME = 102;
/** RFC 6733 §8.8 Session-Id, RFC 7155 §4.2.1 User-Name. */
const SESSION_ID = 263;
const USER_NAME = 1;
/** RFC 6733 §4.1: the AVP Length field (3 bytes after code and flags). */
const AVP_LENGTH_FIELD_OFFSET = 5;
const AVP_LENGTH_FIELD_SIZE = 3;
const AVP_OVERRUN = 8;
/** A binary EAP-PSK Session-Id (RFC 4764 §6.1: 0x2f || RAND_P || RAND_S) holding a 0 byte. */
const SESSION_ID_WITH_ZERO = Buffer.from(
  '2faefd593e1855f09e0e0fe1de389be355000624db62f2b8167d150d82db465fdf',
  'hex',
);

/** RFC 2865 §3 / §5, RFC 3579 §3.1-3.2. */
const RADIUS_ACCESS_ACCEPT = 2;
const RADIUS_AUTHENTICATOR_LENGTH = 16;
const RADIUS_HEADER_LENGTH = 20;
const RADIUS_EAP_MESSAGE = 79;
const RADIUS_MESSAGE_AUTHENTICATOR = 80;
const EAP_SUCCESS = Buffer.from([3, 7, 0, 4]);

function dea(extra: readonly Buffer[], flags: number = DIAMETER_FLAG.proxyable): Buffer {
  return encodeMessage(
    { flags, commandCode: DER_DEA, applicationId: EAP_APPLICATION, hopByHop: 1, endToEnd: 2 },
    [
      encodeAvp(SESSION_ID, Buffer.from('aaa.home.example;1;1')),
      encodeAvp(AVP_CODE.authApplicationId, u32(EAP_APPLICATION)),
      encodeAvp(AVP_CODE.resultCode, u32(RESULT_CODE_SUCCESS)),
      encodeAvp(AVP_CODE.originHost, Buffer.from('aaa.home.example')),
      encodeAvp(AVP_CODE.originRealm, Buffer.from('home.example')),
      ...extra,
    ],
  );
}

function radiusAttribute(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, value.length + 2]), value]);
}

function accessAccept(attributes: readonly Buffer[]): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(RADIUS_HEADER_LENGTH);
  header.writeUInt8(RADIUS_ACCESS_ACCEPT, 0);
  header.writeUInt8(1, 1);
  header.writeUInt16BE(RADIUS_HEADER_LENGTH + body.length, 2);
  header.fill(0xab, RADIUS_HEADER_LENGTH - RADIUS_AUTHENTICATOR_LENGTH);
  return Buffer.concat([header, body]);
}

describe('tshark-check.sh', () => {
  const rig = Rig.open('tshark-check', { after });
  const diameterOn = (bytes: Buffer) =>
    ({ transport: 'tcp', srcPort: DIAMETER_PORT, dstPort: CLIENT_PORT, bytes }) as const;

  test('decodes an extra Diameter port and reports the DEA with its flags and Result-Code', async () => {
    const pcap = await writePcap(rig, 'dea-clean', diameterOn(dea([])));
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.ok(report.ok, report.output);
    assert.equal(report.diameter.length, 1, report.output);
    const [message] = report.diameter;
    assert.equal(message?.commandCode, DER_DEA);
    assert.equal(message?.request, false);
    assert.equal(message?.proxyable, true);
    assert.equal(message?.resultCode, RESULT_CODE_SUCCESS);
    assert.equal(message?.applicationId, EAP_APPLICATION);
    assert.equal(message?.sessionId, 'aaa.home.example;1;1');
  });

  test('without the port it finds no Diameter at all (exit 3), so a wrong port cannot pass', async () => {
    const pcap = await writePcap(rig, 'dea-unknown-port', diameterOn(dea([])));
    const report = await checkCapture(pcap);
    assert.equal(report.ok, false, report.output);
    assert.equal(report.exitCode, 3, report.output);
  });

  test('accepts a binary EAP-Key-Name holding a 0 byte (Wireshark wrongly types it as text)', async () => {
    const pcap = await writePcap(
      rig,
      'dea-key-name',
      diameterOn(dea([encodeAvp(EAP_KEY_NAME, SESSION_ID_WITH_ZERO, false)])),
    );
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.ok(report.ok, report.output);
  });

  test('still flags a 0 byte inside a text AVP other than EAP-Key-Name', async () => {
    const pcap = await writePcap(
      rig,
      'dea-user-name',
      diameterOn(dea([encodeAvp(USER_NAME, Buffer.from('ab\0cd'))])),
    );
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.equal(report.ok, false, report.output);
    assert.match(report.output, /Trailing stray characters/);
  });

  test('accepts an empty EAP-Key-Name (RFC 4072: how a NAS asks for the key name)', async () => {
    const pcap = await writePcap(
      rig,
      'dea-empty-key-name',
      diameterOn(dea([encodeAvp(EAP_KEY_NAME, Buffer.alloc(0))])),
    );
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.ok(report.ok, report.output);
  });

  test('accepts two messages in one TCP segment that each carry an empty EAP-Key-Name', async () => {
    const pcap = await writePcap(
      rig,
      'two-der-empty-key-name',
      diameterOn(
        Buffer.concat([
          dea([encodeAvp(EAP_KEY_NAME, Buffer.alloc(0))]),
          dea([encodeAvp(EAP_KEY_NAME, Buffer.alloc(0))]),
        ]),
      ),
    );
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.ok(report.ok, report.output);
  });

  test('still flags an empty User-Name next to an empty EAP-Key-Name in one segment', async () => {
    const pcap = await writePcap(
      rig,
      'two-der-empty-user-name',
      diameterOn(
        Buffer.concat([
          dea([encodeAvp(EAP_KEY_NAME, Buffer.alloc(0))]),
          dea([encodeAvp(USER_NAME, Buffer.alloc(0))]),
        ]),
      ),
    );
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.equal(report.ok, false, report.output);
    assert.match(report.output, /Data is empty/);
  });

  test('still flags an empty AVP other than EAP-Key-Name', async () => {
    const pcap = await writePcap(
      rig,
      'dea-empty-user-name',
      diameterOn(dea([encodeAvp(USER_NAME, Buffer.alloc(0))])),
    );
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.equal(report.ok, false, report.output);
    assert.match(report.output, /Data is empty/);
  });

  test('flags an AVP whose length runs past the message as malformed', async () => {
    const last = encodeAvp(USER_NAME, Buffer.from('alice'));
    const bytes = dea([last]);
    const lastStart = bytes.length - last.length;
    bytes.writeUIntBE(last.length + AVP_OVERRUN, lastStart + AVP_LENGTH_FIELD_OFFSET, AVP_LENGTH_FIELD_SIZE);
    const pcap = await writePcap(rig, 'dea-bad-avp-length', diameterOn(bytes));
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.equal(report.ok, false, report.output);
  });

  test('flags a header with both R and E set (Wireshark shows it as undecoded data)', async () => {
    const pcap = await writePcap(
      rig,
      'der-r-and-e',
      diameterOn(dea([], DIAMETER_FLAG.request | DIAMETER_FLAG.error)),
    );
    const report = await checkCapture(pcap, { diameterPorts: [DIAMETER_PORT] });
    assert.equal(report.ok, false, report.output);
  });

  test('decodes an extra RADIUS port: Access-Accept with EAP-Success and a binary EAP-Key-Name is clean', async () => {
    const bytes = accessAccept([
      radiusAttribute(RADIUS_EAP_MESSAGE, EAP_SUCCESS),
      radiusAttribute(EAP_KEY_NAME, SESSION_ID_WITH_ZERO),
      radiusAttribute(RADIUS_MESSAGE_AUTHENTICATOR, Buffer.alloc(RADIUS_AUTHENTICATOR_LENGTH)),
    ]);
    const pcap = await writePcap(rig, 'radius-accept', {
      transport: 'udp',
      srcPort: RADIUS_PORT,
      dstPort: CLIENT_PORT,
      bytes,
    });
    const report = await checkCapture(pcap, { radiusPorts: [RADIUS_PORT] });
    assert.ok(report.ok, report.output);
    assert.equal(report.radius.length, 1, report.output);
    assert.equal(report.radius[0]?.code, RADIUS_ACCESS_ACCEPT);
    assert.deepEqual(
      [report.radius[0]?.eap?.code, report.radius[0]?.eap?.id],
      [EAP_SUCCESS[0], EAP_SUCCESS[1]],
    );
  });
});
