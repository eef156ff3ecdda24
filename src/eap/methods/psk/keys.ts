import { AES_BLOCK, Aes128 } from '../../crypto/aes-128.js';
import { Cmac } from '../../crypto/cmac.js';
import { EapType } from '../../packet.js';
import { PSK_EMSK_LENGTH, PSK_KEY_LENGTH, PSK_MSK_LENGTH, PSK_RAND_LENGTH } from './constants.js';

/**
 * The two long-term keys derived from a PSK (RFC 4764 §3.1). The store may keep these instead of
 * the PSK. Treat as immutable: keys from `derivePskKeys` carry their cipher objects (see keyContext).
 */
export type PskKeys = { readonly ak: Buffer; readonly kdk: Buffer };

/** Session keys (RFC 4764 §3.2). */
export type PskSessionKeys = { tek: Buffer; msk: Buffer; emsk: Buffer };

/** Cipher objects for one device's keys: AK as a CMAC, KDK as a block cipher. */
export type PskKeyContext = { readonly ak: Cmac; readonly kdk: Aes128 };

/** RFC 4764 §3.1 counters c1 = 1 (AK) and c2 = 2 (KDK), XORed into the last octet of M. */
const AK_COUNTER = 1;
const KDK_COUNTER = 2;
/** RFC 4764 §3.2: block 1 is TEK, blocks 2-5 MSK, blocks 6-9 EMSK. */
const SESSION_BLOCKS = 9;
const LAST = AES_BLOCK - 1;

/**
 * AK and KDK as `derivePskKeys` returns them: they carry their cipher objects, created on first use
 * and kept as long as the keys are (a store that caches these per device caches its AES state too).
 * Held by the object itself rather than in a WeakMap keyed by it: every WeakMap entry is an
 * ephemeron, and with one per cached device their marking dominated eapd's full-GC pauses.
 */
class DerivedPskKeys implements PskKeys {
  readonly ak: Buffer;
  readonly kdk: Buffer;
  #context: PskKeyContext | undefined;

  constructor(ak: Buffer, kdk: Buffer) {
    this.ak = ak;
    this.kdk = kdk;
  }

  get context(): PskKeyContext {
    return (this.#context ??= newKeyContext(this));
  }
}

function newKeyContext(keys: PskKeys): PskKeyContext {
  return { ak: new Cmac(keys.ak), kdk: new Aes128(keys.kdk) };
}

/** RFC 4764 §3.1: M = AES(PSK, 0); AK = AES(PSK, M ⊕ c1); KDK = AES(PSK, M ⊕ c2). */
export function derivePskKeys(psk: Buffer): PskKeys {
  if (psk.length !== PSK_KEY_LENGTH) throw new RangeError(`EAP-PSK PSK must be ${PSK_KEY_LENGTH} octets`);
  const aes = new Aes128(psk);
  const m = aes.encryptEcb(Buffer.alloc(AES_BLOCK));
  const inputs = Buffer.concat([m, m]);
  inputs[LAST]! ^= AK_COUNTER;
  inputs[AES_BLOCK + LAST]! ^= KDK_COUNTER;
  const out = aes.encryptEcb(inputs);
  const keys = new DerivedPskKeys(
    Buffer.from(out.subarray(0, AES_BLOCK)),
    Buffer.from(out.subarray(AES_BLOCK)),
  );
  m.fill(0);
  inputs.fill(0);
  out.fill(0);
  return keys;
}

/**
 * The cipher objects for `keys`: those of keys from `derivePskKeys` are created once and kept with
 * them; keys built any other way get fresh ones on each call.
 */
export function keyContext(keys: PskKeys): PskKeyContext {
  return keys instanceof DerivedPskKeys ? keys.context : newKeyContext(keys);
}

/** True when both keys have the RFC 4764 length. */
export function isValidPskKeys(keys: PskKeys): boolean {
  return keys.ak.length === PSK_KEY_LENGTH && keys.kdk.length === PSK_KEY_LENGTH;
}

/** The counter blocks B ⊕ i: encryptEcb copies them, one scratch serves all sessions (zeroed after). */
const sessionInputs = Buffer.alloc(SESSION_BLOCKS * AES_BLOCK);

/** RFC 4764 §3.2: B = AES(KDK, RAND_P); block i = AES(KDK, B ⊕ i), i = 1..9. Two AES calls. */
export function deriveSessionKeys(kdk: Aes128, randP: Buffer): PskSessionKeys {
  const b = kdk.encryptEcb(randP.subarray(0, PSK_RAND_LENGTH));
  const inputs = sessionInputs;
  for (let i = 0; i < SESSION_BLOCKS; i++) {
    b.copy(inputs, i * AES_BLOCK);
    inputs[i * AES_BLOCK + LAST]! ^= i + 1;
  }
  const out = kdk.encryptEcb(inputs);
  b.fill(0);
  inputs.fill(0);
  const mskStart = AES_BLOCK;
  const emskStart = mskStart + PSK_MSK_LENGTH;
  return {
    tek: out.subarray(0, mskStart),
    msk: out.subarray(mskStart, emskStart),
    emsk: out.subarray(emskStart, emskStart + PSK_EMSK_LENGTH),
  };
}

/** RFC 4764 §5.2: MAC_P = CMAC-AES-128(AK, ID_P ‖ ID_S ‖ RAND_S ‖ RAND_P). */
export function computeMacP(ak: Cmac, idP: Buffer, idS: Buffer, randS: Buffer, randP: Buffer): Buffer {
  return ak.mac([idP, idS, randS, randP]);
}

/** RFC 4764 §5.3: MAC_S = CMAC-AES-128(AK, ID_S ‖ RAND_P). */
export function computeMacS(ak: Cmac, idS: Buffer, randP: Buffer): Buffer {
  return ak.mac([idS, randP]);
}

/** RFC 5247 Appendix A (EAP-PSK): Session-Id = Type-Code (0x2F) ‖ RAND_P ‖ RAND_S. */
export function pskSessionId(randP: Buffer, randS: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + 2 * PSK_RAND_LENGTH);
  out[0] = EapType.Psk;
  randP.copy(out, 1, 0, PSK_RAND_LENGTH);
  randS.copy(out, 1 + PSK_RAND_LENGTH, 0, PSK_RAND_LENGTH);
  return out;
}
