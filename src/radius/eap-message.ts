// EAP-Message (RFC 3579 §3.1): an EAP packet longer than 253 octets spans several consecutive
// EAP-Message attributes, which the receiver concatenates in order.
import type { RadiusAttribute } from './attribute.js';
import { MAX_ATTRIBUTE_VALUE_LENGTH, RadiusAttr } from './constants.js';
import type { RadiusPacket } from './packet.js';

/**
 * Splits an EAP packet into EAP-Message attributes of at most 253 octets each (views, no copy).
 * An empty packet gives one empty EAP-Message: EAP-Start (RFC 3579 §2.1).
 */
export function eapMessageAttributes(eap: Buffer): RadiusAttribute[] {
  if (eap.length === 0) return [{ type: RadiusAttr.EapMessage, value: eap }];
  const out: RadiusAttribute[] = [];
  for (let offset = 0; offset < eap.length; offset += MAX_ATTRIBUTE_VALUE_LENGTH) {
    out.push({
      type: RadiusAttr.EapMessage,
      value: eap.subarray(offset, offset + MAX_ATTRIBUTE_VALUE_LENGTH),
    });
  }
  return out;
}

/**
 * RFC 3579 §3.1: the EAP packet carried by a RADIUS packet, or undefined when there is no
 * EAP-Message. One attribute gives a view into the datagram; several are concatenated (a copy).
 * An empty result is EAP-Start. Attributes are joined in wire order even when other attributes
 * sit between them (RFC 3579 requires them consecutive; hostapd accepts either way too).
 */
export function reassembleEapMessage(packet: RadiusPacket): Buffer | undefined {
  const count = packet.count(RadiusAttr.EapMessage);
  if (count === 0) return undefined;
  if (count === 1) return packet.get(RadiusAttr.EapMessage);
  return Buffer.concat(packet.all(RadiusAttr.EapMessage).map((p) => p.value));
}
