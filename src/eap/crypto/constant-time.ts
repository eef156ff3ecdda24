import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two MACs or tags. Lengths are public (fixed by the protocol), so a
 * length mismatch returns false at once; equal lengths are compared with crypto.timingSafeEqual.
 */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
