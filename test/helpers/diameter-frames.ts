/**
 * Builds Diameter frames field by field for tests, independently of src/diameter/codec/writer.ts
 * (so the writer can be tested against it). Values are plain numbers: tests name what they build.
 */
import { join } from 'node:path';
import type { Dictionary } from '../../src/diameter/dict/dictionary.js';
import { loadDefaultDictionaries } from '../../src/diameter/dict/load-json.js';
import { repoRoot } from './paths.js';

export const F = { R: 0x80, P: 0x40, E: 0x20, T: 0x10 } as const;
export const A = { V: 0x80, M: 0x40, P: 0x20 } as const;

let cached: Dictionary | undefined;
/** The dictionaries/ folder of the repository, loaded once. */
export function testDictionary(): Dictionary {
  cached ??= loadDefaultDictionaries(join(repoRoot(), 'dictionaries'));
  return cached;
}

export function u32Data(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
export function u64Data(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}
export function textData(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

export interface AvpFields {
  code: number;
  flags?: number;
  vendorId?: number;
  data?: Buffer;
  /** Overrides the Length field (for broken AVPs). */
  length?: number;
  /** false: leave out the trailing padding. */
  pad?: boolean;
}

/** One AVP: code, flags, 24-bit length, [vendor id], data, zero padding. Flags default to M. */
export function avpBytes(f: AvpFields): Buffer {
  const flags = f.flags ?? A.M;
  const vendor = (flags & A.V) !== 0;
  const header = vendor ? 12 : 8;
  const data = f.data ?? Buffer.alloc(0);
  const length = header + data.length;
  const padded = f.pad === false ? length : (length + 3) & ~3;
  const b = Buffer.alloc(padded);
  b.writeUInt32BE(f.code, 0);
  b[4] = flags;
  b.writeUIntBE(f.length ?? length, 5, 3);
  if (vendor) b.writeUInt32BE(f.vendorId ?? 0, 8);
  data.copy(b, header);
  return b;
}

export interface FrameFields {
  version?: number;
  flags: number;
  code: number;
  appId?: number;
  hopByHop?: number;
  endToEnd?: number;
  avps: Buffer[];
  /** Overrides the Message Length field. */
  length?: number;
}

export function frameBytes(f: FrameFields): Buffer {
  const body = Buffer.concat(f.avps);
  const h = Buffer.alloc(20);
  h[0] = f.version ?? 1;
  h.writeUIntBE(f.length ?? 20 + body.length, 1, 3);
  h[4] = f.flags;
  h.writeUIntBE(f.code, 5, 3);
  h.writeUInt32BE(f.appId ?? 0, 8);
  h.writeUInt32BE(f.hopByHop ?? 0x11223344, 12);
  h.writeUInt32BE(f.endToEnd ?? 0x55667788, 16);
  return Buffer.concat([h, body]);
}

// RFC 6733 / RFC 4072 codes used by the sample messages.
export const Code = {
  SessionId: 263,
  OriginHost: 264,
  OriginRealm: 296,
  DestinationRealm: 283,
  DestinationHost: 293,
  AuthApplicationId: 258,
  AuthRequestType: 274,
  EapPayload: 462,
  UserName: 1,
  ResultCode: 268,
  ProxyInfo: 284,
  ProxyHost: 280,
  ProxyState: 33,
  FailedAvp: 279,
  ErrorMessage: 281,
  HostIpAddress: 257,
  VendorId: 266,
  ProductName: 269,
  NasPortType: 61,
  OriginAaaProtocol: 408,
  State: 24,
  DisconnectCause: 273,
  FramedMtu: 12,
  RedirectHost: 292,
} as const;

export const DER = 268;
export const CER = 257;
export const DPR = 282;
export const EAP_APP = 5;

/** The AVPs of a first DER as a RADIUS gateway (freeDiameter app_radgw) sends it, all with M. */
export function derAvps(): Buffer[] {
  return [
    avpBytes({ code: Code.SessionId, data: textData('gw.example.net;1;2;psk.user@example.com') }),
    avpBytes({ code: Code.AuthApplicationId, data: u32Data(5) }),
    avpBytes({ code: Code.OriginHost, data: textData('gw.example.net') }),
    avpBytes({ code: Code.OriginRealm, data: textData('example.net') }),
    avpBytes({ code: Code.DestinationRealm, data: textData('example.org') }),
    avpBytes({ code: Code.AuthRequestType, data: u32Data(3) }),
    avpBytes({ code: Code.OriginAaaProtocol, data: u32Data(1) }),
    avpBytes({ code: Code.UserName, data: textData('psk.user@example.com') }),
    avpBytes({ code: Code.NasPortType, data: u32Data(19) }),
    avpBytes({ code: Code.FramedMtu, data: u32Data(1400) }),
    avpBytes({
      code: Code.EapPayload,
      data: Buffer.from('0201001901' + Buffer.from('psk.user@example.com').toString('hex'), 'hex'),
    }),
  ];
}

export function derFrame(avps: Buffer[] = derAvps(), flags: number = F.R | F.P): Buffer {
  return frameBytes({ flags, code: DER, appId: EAP_APP, avps });
}
