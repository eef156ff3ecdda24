import { StoreError, StoreErrorCode } from './store-error.js';

const MAC_OCTETS = 6;
const SEPARATED =
  /^([0-9A-Fa-f]{2})([-:])([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})\2([0-9A-Fa-f]{2})/;
const BARE = /^[0-9A-Fa-f]{12}/;
const DOTTED = /^([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})\.([0-9A-Fa-f]{4})/;

/**
 * Reads a MAC address at the start of `text` in any usual spelling (`aa:bb:cc:dd:ee:ff`,
 * `AA-BB-CC-DD-EE-FF`, `aabbccddeeff`, `aabb.ccdd.eeff`) and returns its canonical form with the
 * number of characters consumed. Canonical = RFC 3580 §3.21 Calling-Station-Id: upper-case hex
 * octets separated by "-".
 */
export function readMacPrefix(text: string): { mac: string; length: number } | undefined {
  const sep = SEPARATED.exec(text);
  if (sep)
    return {
      mac: canonical(
        sep
          .slice(1)
          .filter((_, i) => i !== 1)
          .join(''),
      ),
      length: sep[0].length,
    };
  const dotted = DOTTED.exec(text);
  if (dotted) return { mac: canonical(dotted.slice(1).join('')), length: dotted[0].length };
  const bare = BARE.exec(text);
  if (bare) return { mac: canonical(bare[0]), length: bare[0].length };
  return undefined;
}

/** `aa:bb:cc:dd:ee:ff` → `AA-BB-CC-DD-EE-FF`, or undefined when `text` is not exactly one MAC. */
export function parseMac(text: string): string | undefined {
  const found = readMacPrefix(text.trim());
  return found !== undefined && found.length === text.trim().length ? found.mac : undefined;
}

/** Like {@link parseMac} but refuses with EAPD_BAD_MAC. */
export function normalizeMac(text: string): string {
  const mac = parseMac(text);
  if (mac === undefined) {
    throw new StoreError(
      StoreErrorCode.BadMac,
      `not a MAC address: ${JSON.stringify(text)} (expected AA-BB-CC-DD-EE-FF, aa:bb:cc:dd:ee:ff or aabbccddeeff)`,
    );
  }
  return mac;
}

function canonical(hex12: string): string {
  const upper = hex12.toUpperCase();
  const octets: string[] = [];
  for (let i = 0; i < MAC_OCTETS; i++) octets.push(upper.substring(2 * i, 2 * i + 2));
  return octets.join('-');
}
