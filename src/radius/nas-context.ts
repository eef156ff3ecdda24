// The NAS context of an Access-Request (RFC 2865 §5, RFC 3162, RFC 3580 §3) as the EAP engine
// sees it: plain strings and numbers copied out of the datagram.
import { readInteger, readIpv4, readIpv6, readText } from './attribute.js';
import { RadiusAttr } from './constants.js';
import type { NasContext } from './eap-backend.js';
import type { RadiusPacket } from './packet.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Reads the attributes eapd's capture policy may use; absent or malformed ones are left out. */
export function nasContextFrom(packet: RadiusPacket, clientName: string, sourceAddress: string): NasContext {
  const context: Mutable<NasContext> = { clientName, sourceAddress };
  const nasIpAddress = readIpv4(packet.get(RadiusAttr.NasIpAddress));
  if (nasIpAddress !== undefined) context.nasIpAddress = nasIpAddress;
  const nasIpv6Address = readIpv6(packet.get(RadiusAttr.NasIpv6Address));
  if (nasIpv6Address !== undefined) context.nasIpv6Address = nasIpv6Address;
  const nasIdentifier = readText(packet.get(RadiusAttr.NasIdentifier));
  if (nasIdentifier !== undefined) context.nasIdentifier = nasIdentifier;
  const calledStationId = readText(packet.get(RadiusAttr.CalledStationId));
  if (calledStationId !== undefined) context.calledStationId = calledStationId;
  const callingStationId = readText(packet.get(RadiusAttr.CallingStationId));
  if (callingStationId !== undefined) context.callingStationId = callingStationId;
  const userName = readText(packet.get(RadiusAttr.UserName));
  if (userName !== undefined) context.userName = userName;
  const nasPortType = readInteger(packet.get(RadiusAttr.NasPortType));
  if (nasPortType !== undefined) context.nasPortType = nasPortType;
  const framedMtu = readInteger(packet.get(RadiusAttr.FramedMtu));
  if (framedMtu !== undefined) context.framedMtu = framedMtu;
  return context;
}
