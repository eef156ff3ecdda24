import type { PeerCertificate } from 'node:tls';
import type { PeerCertificateIdentity } from './transport.js';

/** A dNSName as it may legally appear in a SAN; quoted/escaped entries are never names. */
const DNS_SAN = /^DNS:([A-Za-z0-9.*-]+)$/;
const SAN_SEPARATOR = ', ';

/**
 * The identity a verified certificate proves (RFC 6733 §13; RFC 6125 §6.4.4): its dNSName
 * subjectAltNames, or the subject CN only when the certificate has no dNSName at all.
 */
export function identityFromCertificate(cert: PeerCertificate): PeerCertificateIdentity {
  const names: string[] = [];
  for (const entry of (cert.subjectaltname ?? '').split(SAN_SEPARATOR)) {
    const name = DNS_SAN.exec(entry.trim())?.[1];
    if (name !== undefined) names.push(name.toLowerCase());
  }
  if (names.length === 0) {
    // Node gives an array when the subject carries several CNs.
    const cn: unknown = cert.subject?.CN;
    for (const value of Array.isArray(cn) ? cn : [cn]) {
      if (typeof value === 'string' && value !== '') names.push(value.toLowerCase());
    }
  }
  return { names, fingerprint256: cert.fingerprint256 };
}

/**
 * RFC 6733 §13.1: the peer's certificate must name the Origin-Host it announced in CER/CEA;
 * otherwise the peer layer answers 3010 (DIAMETER_UNKNOWN_PEER) and closes. Exact,
 * case-insensitive match (DiameterIdentity is an FQDN); wildcard certificates are not accepted
 * for a Diameter identity.
 */
export function matchesOriginHost(identity: PeerCertificateIdentity, originHost: string): boolean {
  const wanted = originHost.toLowerCase().replace(/\.$/, '');
  return wanted !== '' && identity.names.some((name) => name === wanted);
}
