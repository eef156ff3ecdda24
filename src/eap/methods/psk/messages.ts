import type { Eax } from '../../crypto/eax.js';
import {
  buildEapPacket,
  EAP_TYPE_OFFSET,
  EapCode,
  EapType,
  type EapPacket,
  type Parsed,
} from '../../packet.js';
import {
  PCHANNEL_FLAGS_LENGTH,
  PCHANNEL_MIN_LENGTH,
  PSK_EAX_HEADER_LENGTH,
  PSK_FLAGS_OFFSET,
  PSK_MAC_LENGTH,
  PSK_RAND_LENGTH,
  PSK_RAND_S_OFFSET,
  PSK_T_SHIFT,
  PskT,
} from './constants.js';
import { pchannelAt, pchannelLength, sealPchannel, type PchannelView } from './pchannel.js';

/**
 * EAP-PSK messages (RFC 4764 §5.1-§5.4). Parsers take a whole parsed EAP packet of Type 47 and
 * return views into it (zero-copy); builders return whole EAP packets.
 */

export type Psk1 = { readonly randS: Buffer; readonly idS: Buffer };
export type Psk2 = {
  readonly randS: Buffer;
  readonly randP: Buffer;
  readonly macP: Buffer;
  readonly idP: Buffer;
};
export type Psk3 = { readonly randS: Buffer; readonly macS: Buffer; readonly pchannel: PchannelView };
export type Psk4 = { readonly randS: Buffer; readonly pchannel: PchannelView };

const RAND_S_END = PSK_RAND_S_OFFSET + PSK_RAND_LENGTH;
/** PSK-2: RAND_P, MAC_P then ID_P follow RAND_S. */
const PSK2_RAND_P_END = RAND_S_END + PSK_RAND_LENGTH;
const PSK2_MAC_P_END = PSK2_RAND_P_END + PSK_MAC_LENGTH;
/** PSK-3: MAC_S then PCHANNEL follow RAND_S. */
const PSK3_MAC_S_END = RAND_S_END + PSK_MAC_LENGTH;
/** PSK-3: the PCHANNEL follows MAC_S. */
export const PSK3_PCHANNEL_OFFSET = PSK3_MAC_S_END;
/** PSK-4: PCHANNEL follows RAND_S. */
const PSK4_PCHANNEL_OFFSET = RAND_S_END;
/** RFC 4764 §5.4: a PSK-4 whose PCHANNEL holds only the R/E/reserved octet. */
const PSK4_LENGTH_WITHOUT_EXT = PSK4_PCHANNEL_OFFSET + PCHANNEL_MIN_LENGTH;
/** RFC 3748 §4: Code, Identifier, Length. */
const EAP_CODE_OFFSET = 0;
const EAP_IDENTIFIER_OFFSET = 1;
const EAP_LENGTH_OFFSET = 2;

/** The message's T field (RFC 4764 §5), or undefined when the packet has no Flags octet. */
export function pskMessageT(packet: EapPacket): PskT | undefined {
  const flags = packet.raw[PSK_FLAGS_OFFSET];
  return flags === undefined ? undefined : ((flags >>> PSK_T_SHIFT) as PskT);
}

/** RFC 4764 §5.1: Flags ‖ RAND_S ‖ ID_S. */
export function parsePsk1(packet: EapPacket): Parsed<Psk1> {
  const raw = expect(packet, PskT.Psk1, RAND_S_END);
  if (typeof raw === 'string') return { ok: false, error: raw };
  return {
    ok: true,
    value: { randS: raw.subarray(PSK_RAND_S_OFFSET, RAND_S_END), idS: raw.subarray(RAND_S_END) },
  };
}

/** RFC 4764 §5.2: Flags ‖ RAND_S ‖ RAND_P ‖ MAC_P ‖ ID_P (ID_P must not be empty). */
export function parsePsk2(packet: EapPacket): Parsed<Psk2> {
  const raw = expect(packet, PskT.Psk2, PSK2_MAC_P_END + 1);
  if (typeof raw === 'string') return { ok: false, error: raw };
  return {
    ok: true,
    value: {
      randS: raw.subarray(PSK_RAND_S_OFFSET, RAND_S_END),
      randP: raw.subarray(RAND_S_END, PSK2_RAND_P_END),
      macP: raw.subarray(PSK2_RAND_P_END, PSK2_MAC_P_END),
      idP: raw.subarray(PSK2_MAC_P_END),
    },
  };
}

/** RFC 4764 §5.3: Flags ‖ RAND_S ‖ MAC_S ‖ PCHANNEL. */
export function parsePsk3(packet: EapPacket): Parsed<Psk3> {
  const raw = expect(packet, PskT.Psk3, PSK3_MAC_S_END + PCHANNEL_MIN_LENGTH);
  if (typeof raw === 'string') return { ok: false, error: raw };
  return {
    ok: true,
    value: {
      randS: raw.subarray(PSK_RAND_S_OFFSET, RAND_S_END),
      macS: raw.subarray(RAND_S_END, PSK3_MAC_S_END),
      pchannel: pchannelAt(raw, PSK3_MAC_S_END),
    },
  };
}

/** RFC 4764 §5.4: Flags ‖ RAND_S ‖ PCHANNEL. */
export function parsePsk4(packet: EapPacket): Parsed<Psk4> {
  const raw = expect(packet, PskT.Psk4, PSK4_PCHANNEL_OFFSET + PCHANNEL_MIN_LENGTH);
  if (typeof raw === 'string') return { ok: false, error: raw };
  return {
    ok: true,
    value: {
      randS: raw.subarray(PSK_RAND_S_OFFSET, RAND_S_END),
      pchannel: pchannelAt(raw, PSK4_PCHANNEL_OFFSET),
    },
  };
}

export function buildPsk1(identifier: number, randS: Buffer, idS: Buffer): Buffer {
  return buildEapPacket(EapCode.Request, identifier, EapType.Psk, [flags(PskT.Psk1), randS, idS]);
}

export function buildPsk2(identifier: number, fields: Psk2): Buffer {
  return buildEapPacket(EapCode.Response, identifier, EapType.Psk, [
    flags(PskT.Psk2),
    fields.randS,
    fields.randP,
    fields.macP,
    fields.idP,
  ]);
}

/** PSK-3 with its PCHANNEL sealed under the TEK (`eax`) with this Nonce and plaintext. */
export function buildPsk3(
  identifier: number,
  randS: Buffer,
  macS: Buffer,
  eax: Eax,
  nonce: number,
  plaintext: Buffer,
): Buffer {
  const packet = buildUnsealedPsk3(identifier, randS, macS, plaintext.length);
  sealPchannel(eax, packet, PSK3_PCHANNEL_OFFSET, nonce, plaintext);
  return packet;
}

/** RFC 4764 §5.3: PSK-3 whose PCHANNEL (at PSK3_PCHANNEL_OFFSET) is still to be written. */
export function buildUnsealedPsk3(
  identifier: number,
  randS: Buffer,
  macS: Buffer,
  plaintextLength: number,
): Buffer {
  return buildEapPacket(EapCode.Request, identifier, EapType.Psk, [
    flags(PskT.Psk3),
    randS,
    macS,
    zeros(PCHANNEL_MIN_LENGTH - PCHANNEL_FLAGS_LENGTH + plaintextLength),
  ]);
}

/** Room for the PCHANNEL, copied into the packet: shared zeros, not a fresh ArrayBuffer each time. */
const ZEROS = Buffer.alloc(64);
function zeros(n: number): Buffer {
  return n <= ZEROS.length ? ZEROS.subarray(0, n) : Buffer.alloc(n);
}

/**
 * RFC 4764 §5.4: the EAX header (first 22 octets) of the PSK-4 a peer sends in answer to the PSK-3
 * with this Identifier when its PCHANNEL carries no EXT: Response, same Identifier, the length of
 * a PSK-4 without EXT, Type 47, T = 3, RAND_S.
 */
export function expectedPsk4Header(identifier: number, randS: Buffer): Buffer {
  const header = Buffer.allocUnsafe(PSK_EAX_HEADER_LENGTH);
  header[EAP_CODE_OFFSET] = EapCode.Response;
  header[EAP_IDENTIFIER_OFFSET] = identifier;
  header.writeUInt16BE(PSK4_LENGTH_WITHOUT_EXT, EAP_LENGTH_OFFSET);
  header[EAP_TYPE_OFFSET] = EapType.Psk;
  header[PSK_FLAGS_OFFSET] = PskT.Psk4 << PSK_T_SHIFT;
  randS.copy(header, PSK_RAND_S_OFFSET, 0, PSK_RAND_LENGTH);
  return header;
}

/** PSK-4 with its PCHANNEL sealed under the TEK (`eax`) with this Nonce and plaintext. */
export function buildPsk4(
  identifier: number,
  randS: Buffer,
  eax: Eax,
  nonce: number,
  plaintext: Buffer,
): Buffer {
  const packet = buildEapPacket(EapCode.Response, identifier, EapType.Psk, [
    flags(PskT.Psk4),
    randS,
    Buffer.alloc(pchannelLength(plaintext)),
  ]);
  sealPchannel(eax, packet, PSK4_PCHANNEL_OFFSET, nonce, plaintext);
  return packet;
}

/** The Flags octet of each message (T only: RFC 4764 §5), one shared buffer per T. */
const FLAGS = [PskT.Psk1, PskT.Psk2, PskT.Psk3, PskT.Psk4].map((t) => Buffer.from([t << PSK_T_SHIFT]));

function flags(t: PskT): Buffer {
  return FLAGS[t]!;
}

/** The packet's raw octets when it is an EAP-PSK message number `t` of at least `minLength` octets; else an error text. */
function expect(packet: EapPacket, t: PskT, minLength: number): Buffer | string {
  if (packet.type !== EapType.Psk) return `EAP type ${String(packet.type)} is not EAP-PSK`;
  const got = pskMessageT(packet);
  if (got !== t) return `EAP-PSK message T=${String(got)}, expected T=${t}`;
  if (packet.raw.length < minLength)
    return `EAP-PSK message T=${t} of ${packet.raw.length} octets, at least ${minLength} needed`;
  return packet.raw;
}
