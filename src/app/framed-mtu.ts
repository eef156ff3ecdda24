/**
 * RFC 3579 §2.4 / RFC 4072 §2.1: Framed-MTU is the link MTU towards the peer, and EAPOL (IEEE
 * 802.1X) puts a 4-octet header before each EAP packet, so an EAP packet may take Framed-MTU − 4
 * octets. Both fronts bound the EAP engine's requests with this.
 */
export const FRAMED_MTU_OVERHEAD = 4;

/** The largest EAP packet for a Framed-MTU (never negative). */
export function maxEapPacketSize(framedMtu: number): number {
  return Math.max(0, framedMtu - FRAMED_MTU_OVERHEAD);
}
