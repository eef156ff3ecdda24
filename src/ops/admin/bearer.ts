import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 6750 §2.1: `Authorization: Bearer <token>` (scheme case-insensitive). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * True when the Authorization header carries `token`. Compared in constant time over SHA-256
 * digests, so neither the content nor the length of the token leaks through timing.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined) return false;
  const m = BEARER.exec(authorization);
  const presented = m?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

/** RFC 6750 §3: the challenge sent with 401. */
export function bearerChallenge(realm: string, presented: boolean): string {
  return presented ? `Bearer realm="${realm}", error="invalid_token"` : `Bearer realm="${realm}"`;
}
