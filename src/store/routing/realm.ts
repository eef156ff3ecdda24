import { invalidField } from './routing-error.js';

/** RFC 7542 §2.2 / RFC 1035 §2.3.4: a realm is a domain name of at most 253 octets. */
export const MAX_REALM_LENGTH = 253;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const REALM_SEPARATOR = '@';

/** The canonical form of a realm (lower case, no trailing dot), or a refusal naming `field`. */
export function normalizeRealm(text: string, field = 'realm'): string {
  const realm = text.trim().toLowerCase().replace(/\.$/, '');
  if (realm === '') throw invalidField(field, 'is empty');
  if (realm.length > MAX_REALM_LENGTH)
    throw invalidField(field, `longer than ${MAX_REALM_LENGTH} characters`);
  if (!realm.split('.').every((l) => LABEL.test(l))) {
    throw invalidField(
      field,
      `${JSON.stringify(text)} is not a realm (a domain name such as iot.example, RFC 7542 §2.2)`,
    );
  }
  return realm;
}

/**
 * The realm of an NAI (RFC 7542 §2.2: what follows the "@"; with several, the last one, so a
 * decorated NAI `home!user@visited` yields `visited`), lower-cased; undefined when there is none.
 */
export function naiRealm(nai: string | undefined): string | undefined {
  if (nai === undefined) return undefined;
  const at = nai.lastIndexOf(REALM_SEPARATOR);
  if (at === -1 || at === nai.length - 1) return undefined;
  return nai.substring(at + 1).toLowerCase();
}
