import { readMacPrefix } from './mac-address.js';
import { StoreError, StoreErrorCode } from './store-error.js';

/** IEEE 802.11: an SSID is at most 32 octets. */
const MAX_SSID_OCTETS = 32;
const SSID_SEPARATOR = ':';
const CONTROL_CHARS = /\p{Cc}/u;

/** An access point as RFC 3580 §3.20 formats Called-Station-Id: the AP's MAC, then ":SSID" if known. */
export interface AccessPoint {
  /** Canonical `AA-BB-CC-DD-EE-FF`. */
  readonly mac: string;
  readonly ssid?: string;
}

/**
 * Parses a Called-Station-Id (RFC 3580 §3.20, e.g. `00-10-A4-23-19-C0:AP1`). The MAC part may use
 * any usual spelling; what follows the first ":" after it is the SSID, taken verbatim (SSIDs are
 * case-sensitive octet strings). An empty SSID counts as absent. Returns undefined when the value
 * does not start with a MAC address.
 */
export function parseCalledStationId(text: string): AccessPoint | undefined {
  const prefix = readMacPrefix(text);
  if (prefix === undefined) return undefined;
  const rest = text.substring(prefix.length);
  if (rest === '') return { mac: prefix.mac };
  if (!rest.startsWith(SSID_SEPARATOR)) return undefined;
  const ssid = rest.substring(SSID_SEPARATOR.length);
  return ssid === '' ? { mac: prefix.mac } : { mac: prefix.mac, ssid };
}

/** The canonical spelling of an allowed-AP rule: `AA-BB-CC-DD-EE-FF` or `AA-BB-CC-DD-EE-FF:SSID`. */
export function formatAccessPoint(ap: AccessPoint): string {
  return ap.ssid === undefined ? ap.mac : `${ap.mac}${SSID_SEPARATOR}${ap.ssid}`;
}

/** Validates an allowed-AP rule and returns its canonical form; refuses with EAPD_BAD_ACCESS_POINT. */
export function normalizeAccessPoint(text: string): string {
  const ap = parseCalledStationId(text.trim());
  const bad = (why: string): StoreError =>
    new StoreError(StoreErrorCode.BadAccessPoint, `bad access point ${JSON.stringify(text)}: ${why}`);
  if (ap === undefined) throw bad('expected AA-BB-CC-DD-EE-FF or AA-BB-CC-DD-EE-FF:SSID (RFC 3580 §3.20)');
  if (ap.ssid !== undefined) {
    if (Buffer.byteLength(ap.ssid, 'utf8') > MAX_SSID_OCTETS)
      throw bad(`SSID longer than ${MAX_SSID_OCTETS} octets`);
    if (CONTROL_CHARS.test(ap.ssid)) throw bad('SSID contains control characters');
  }
  return formatAccessPoint(ap);
}

/**
 * The AP matching rule: a rule without SSID matches the AP's MAC (BSSID) on any SSID; a rule with
 * an SSID also needs the Called-Station-Id to carry exactly that SSID.
 */
export function accessPointMatches(rule: AccessPoint, called: AccessPoint): boolean {
  if (rule.mac !== called.mac) return false;
  return rule.ssid === undefined || rule.ssid === called.ssid;
}
