// The RADIUS MD5 addon (native/src/radius_md5.c): HMAC-MD5 on precomputed pad states, the
// Response Authenticator and MS-MPPE key hiding, each one call hashing the packet in place.
// Without it (not built, or EAPD_NATIVE_MD5=0) md5.ts does the same with node:crypto.
import { loadAddon } from '../util/native-addon.js';

export interface NativeRadiusMd5 {
  /** Octets of the per-secret HMAC state (`hmacKey` fills it). */
  readonly stateLength: number;
  hmacKey(secret: Buffer, state: Buffer): void;
  hmac(
    state: Buffer,
    data: Buffer,
    end: number,
    zeroAt: number,
    override: Buffer | null,
    out: Buffer,
    outAt: number,
  ): void;
  responseAuthenticator(
    frame: Buffer,
    end: number,
    requestAuthenticator: Buffer,
    secret: Buffer,
    out: Buffer,
    outAt: number,
  ): void;
  mppe(
    secret: Buffer,
    requestAuthenticator: Buffer,
    salt: Buffer,
    input: Buffer,
    out: Buffer,
    outAt: number,
    decrypt: boolean,
  ): void;
}

/** Set to 0 to hash with node:crypto even when the addon is built (A/B, fallback tests). */
export const NATIVE_MD5_ENV = 'EAPD_NATIVE_MD5';

function load(): NativeRadiusMd5 | undefined {
  if (process.env[NATIVE_MD5_ENV] === '0') return undefined;
  const result = loadAddon<NativeRadiusMd5>('radius_md5');
  return result.ok ? result.addon : undefined;
}

let native = load();
/** Per secret Buffer: its HMAC state (key material: never log it). */
let states = new WeakMap<Buffer, Buffer>();

/** The addon, or undefined when node:crypto does the hashing. */
export function nativeMd5(): NativeRadiusMd5 | undefined {
  return native;
}

/**
 * Chooses the MD5 backend for the whole process: the addon (when built) or node:crypto. Returns
 * whether the addon is in use. For tests that check both agree.
 */
export function useNativeMd5(on: boolean): boolean {
  native = on ? load() : undefined;
  states = new WeakMap();
  return native !== undefined;
}

/** The addon's HMAC state for `secret`, computed once per secret Buffer (a weak cache). */
export function hmacStateFor(addon: NativeRadiusMd5, secret: Buffer): Buffer {
  let state = states.get(secret);
  if (state === undefined) {
    state = Buffer.alloc(addon.stateLength);
    addon.hmacKey(secret, state);
    states.set(secret, state);
  }
  return state;
}
