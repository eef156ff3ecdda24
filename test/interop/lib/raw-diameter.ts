/**
 * Just enough Diameter to prove the rig before eapd exists: read a header, answer CER and DPR, build
 * test messages for the tshark checker. eapd's own tests use the project codec (src/diameter/codec);
 * this stays independent of it on purpose, so the rig can check the codec rather than trust it.
 */

/** RFC 6733 §3 header layout. */
export const DIAMETER_HEADER_LENGTH = 20;
const VERSION = 1;
/** RFC 6733 §3: command flags. */
export const DIAMETER_FLAG = { request: 0x80, proxyable: 0x40, error: 0x20, retransmit: 0x10 } as const;
/** RFC 6733 §4.1: AVP flags. */
const AVP_FLAG_MANDATORY = 0x40;
const AVP_HEADER_LENGTH = 8;
const AVP_ALIGN = 4;
const LENGTH_FIELD_MAX = 0xffffff;

/** RFC 6733 §3.1 command codes used by the rig tests. */
export const COMMAND_CODE = { capabilitiesExchange: 257, deviceWatchdog: 280, disconnectPeer: 282 } as const;
/** RFC 6733 §4.5 AVP codes used by the rig tests. */
export const AVP_CODE = {
  hostIpAddress: 257,
  authApplicationId: 258,
  vendorId: 266,
  productName: 269,
  resultCode: 268,
  originHost: 264,
  originRealm: 296,
} as const;
/** RFC 6733 §7.1.2 */
export const RESULT_CODE_SUCCESS = 2001;
/** RFC 6733 §2.4: the Relay application id. */
export const RELAY_APPLICATION_ID = 0xffffffff;
/** RFC 6733 §4.3.1 Address: AddressType 1 = IPv4 (IANA address family numbers). */
const ADDRESS_FAMILY_IPV4 = 1;
const ADDRESS_FAMILY_LENGTH = 2;
/** RFC 6733 §5.3.3: Vendor-Id 0 when the product has no IANA vendor number. */
const NO_VENDOR = 0;

export interface DiameterHeader {
  readonly version: number;
  readonly length: number;
  readonly flags: number;
  readonly commandCode: number;
  readonly applicationId: number;
  readonly hopByHop: number;
  readonly endToEnd: number;
}

/** RFC 6733 §3: reads the 20-byte header; throws if the buffer is too short or the version is not 1. */
export function parseDiameterHeader(bytes: Buffer): DiameterHeader {
  if (bytes.length < DIAMETER_HEADER_LENGTH)
    throw new Error(`Diameter header needs 20 bytes, got ${bytes.length}`);
  const version = bytes.readUInt8(0);
  if (version !== VERSION) throw new Error(`Diameter version ${version}, expected ${VERSION}`);
  return {
    version,
    length: bytes.readUIntBE(1, 3),
    flags: bytes.readUInt8(4),
    commandCode: bytes.readUIntBE(5, 3),
    applicationId: bytes.readUInt32BE(8),
    hopByHop: bytes.readUInt32BE(12),
    endToEnd: bytes.readUInt32BE(16),
  };
}

/** RFC 6733 §4.1: one base (non-vendor) AVP, M bit set unless mandatory is false, padded to 4 bytes. */
export function encodeAvp(code: number, data: Buffer, mandatory = true): Buffer {
  const length = AVP_HEADER_LENGTH + data.length;
  const padded = Math.ceil(length / AVP_ALIGN) * AVP_ALIGN;
  const out = Buffer.alloc(padded);
  out.writeUInt32BE(code, 0);
  out.writeUInt8(mandatory ? AVP_FLAG_MANDATORY : 0, 4);
  out.writeUIntBE(length, 5, 3);
  data.copy(out, AVP_HEADER_LENGTH);
  return out;
}

/** An Unsigned32 / Enumerated AVP value. */
export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value, 0);
  return b;
}

function ipv4Address(dotted: string): Buffer {
  const family = Buffer.alloc(ADDRESS_FAMILY_LENGTH);
  family.writeUInt16BE(ADDRESS_FAMILY_IPV4, 0);
  return Buffer.concat([family, Buffer.from(dotted.split('.').map(Number))]);
}

export interface AnswerIdentity {
  readonly originHost: string;
  readonly originRealm: string;
}

export interface CeaFields extends AnswerIdentity {
  readonly hostIpAddress: string;
  readonly productName: string;
}

/**
 * RFC 6733 §3: an answer to request (same command code, Application-ID, Hop-by-Hop and End-to-End
 * ids, R bit clear) with Result-Code 2001, Origin-Host, Origin-Realm and then extraAvps.
 */
function buildSuccessAnswer(
  request: DiameterHeader,
  identity: AnswerIdentity,
  extraAvps: readonly Buffer[],
): Buffer {
  return encodeMessage(
    { ...request, flags: request.flags & DIAMETER_FLAG.proxyable }, // §6.2: P copied, R cleared
    [
      encodeAvp(AVP_CODE.resultCode, u32(RESULT_CODE_SUCCESS)),
      encodeAvp(AVP_CODE.originHost, Buffer.from(identity.originHost)),
      encodeAvp(AVP_CODE.originRealm, Buffer.from(identity.originRealm)),
      ...extraAvps,
    ],
  );
}

/** RFC 6733 §3: a whole message from header fields (version 1, length computed) and encoded AVPs. */
export function encodeMessage(
  header: Omit<DiameterHeader, 'version' | 'length'>,
  avps: readonly Buffer[],
): Buffer {
  const body = Buffer.concat(avps);
  const length = DIAMETER_HEADER_LENGTH + body.length;
  if (length > LENGTH_FIELD_MAX) throw new Error('Diameter message too long');
  const out = Buffer.alloc(DIAMETER_HEADER_LENGTH);
  out.writeUInt8(VERSION, 0);
  out.writeUIntBE(length, 1, 3);
  out.writeUInt8(header.flags, 4);
  out.writeUIntBE(header.commandCode, 5, 3);
  out.writeUInt32BE(header.applicationId, 8);
  out.writeUInt32BE(header.hopByHop, 12);
  out.writeUInt32BE(header.endToEnd, 16);
  return Buffer.concat([out, body]);
}

/**
 * RFC 6733 §5.3.2: a successful CEA, advertising the Relay application like freeDiameterd's own CER.
 */
export function buildSuccessCea(request: DiameterHeader, fields: CeaFields): Buffer {
  return buildSuccessAnswer(request, fields, [
    encodeAvp(AVP_CODE.hostIpAddress, ipv4Address(fields.hostIpAddress)),
    encodeAvp(AVP_CODE.vendorId, u32(NO_VENDOR)),
    encodeAvp(AVP_CODE.productName, Buffer.from(fields.productName)),
    encodeAvp(AVP_CODE.authApplicationId, u32(RELAY_APPLICATION_ID)),
  ]);
}

/** RFC 6733 §5.4.2: a successful DPA, so the disconnecting peer closes at once. */
export function buildSuccessDpa(request: DiameterHeader, identity: AnswerIdentity): Buffer {
  return buildSuccessAnswer(request, identity, []);
}
