import { accessPointMatches, parseCalledStationId, type AccessPoint } from './access-point.js';
import type { Device } from './device.js';
import { parseMac } from './mac-address.js';

/** Where an authentication attempt comes from: RADIUS attributes 30/31 or their Diameter AVPs. */
export interface Station {
  /** Called-Station-Id (RFC 3580 §3.20): the AP, `AA-BB-CC-DD-EE-FF[:SSID]`. */
  readonly calledStationId?: string;
  /** Calling-Station-Id (RFC 3580 §3.21): the device's MAC. */
  readonly callingStationId?: string;
}

export const AccessDecision = {
  Allowed: 'allowed',
  Disabled: 'disabled',
  ApNotAllowed: 'ap-not-allowed',
  MacNotAllowed: 'mac-not-allowed',
} as const;
export type AccessDecision = (typeof AccessDecision)[keyof typeof AccessDecision];

/**
 * The registry's authorisation rule for one attempt. Empty allow-lists allow everything; a
 * non-empty list fails closed when the attribute is missing or unparsable.
 */
export function checkStationAccess(device: Device, station: Station): AccessDecision {
  if (!device.enabled) return AccessDecision.Disabled;
  if (device.allowedAps.length > 0) {
    const called =
      station.calledStationId === undefined ? undefined : parseCalledStationId(station.calledStationId);
    if (called === undefined || !device.allowedAps.some((rule) => ruleMatches(rule, called))) {
      return AccessDecision.ApNotAllowed;
    }
  }
  if (device.allowedMacs.length > 0) {
    const mac = station.callingStationId === undefined ? undefined : parseMac(station.callingStationId);
    if (mac === undefined || !device.allowedMacs.includes(mac)) return AccessDecision.MacNotAllowed;
  }
  return AccessDecision.Allowed;
}

function ruleMatches(rule: string, called: AccessPoint): boolean {
  const parsed = parseCalledStationId(rule);
  return parsed !== undefined && accessPointMatches(parsed, called);
}
