/**
 * Known answers shared by the EAP tests, copied from the project's reference vectors
 * (RFC 4493 §4, the EAX paper, FreeRADIUS rlm_eap_psk KATs, a hostapd 2.10 ↔ wpa_supplicant 2.10 capture).
 */

/** Hex (spaces and newlines allowed) → Buffer. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** A random source that hands out the given buffers in order, then fails the test loudly. */
export function scriptedRandom(...chunks: Buffer[]): (n: number) => Buffer {
  const queue = [...chunks];
  return (n: number) => {
    const next = queue.shift();
    if (next === undefined) throw new Error(`scriptedRandom: no more random data (wanted ${n})`);
    if (next.length !== n)
      throw new Error(`scriptedRandom: next chunk has ${next.length} octets, wanted ${n}`);
    return next;
  };
}

/** FreeRADIUS rlm_eap_psk KATs (values computed with hostap). */
export const FREERADIUS = {
  psk: hex('000102030405060708090a0b0c0d0e0f'),
  randS: hex('101112131415161718191a1b1c1d1e1f'),
  randP: hex('202122232425262728292a2b2c2d2e2f'),
  idS: 'FreeRADIUS',
  idP: 'bob@example.com',
  ak: hex('18b62d2c84c5e4571afc41a29db71f4d'),
  kdk: hex('97b704350085028363924612565b9b0d'),
  tek: hex('96a00b888b1f6b2f8e201ee96a2277f6'),
  macP: hex('97b0ede689a3e4553d8b302258d19512'),
  macS: hex('25a1d646879eef187d1cc1ff177e266d'),
  psk3: { identifier: 2, length: 59, encrypted: 0x8f, tag: hex('47d644265cae5a689a40a47ac54ddf80') },
  psk4: {
    identifier: 2,
    length: 43,
    nonce: 1,
    encrypted: 0xcc,
    tag: hex('7a7a71527b1f047a77fbf0efa673f754'),
  },
} as const;

/** A whole EAP-PSK exchange between hostapd 2.10 (server) and wpa_supplicant 2.10 (peer). */
export const HOSTAPD = {
  idS: 'srv.example.org',
  idP: 'psk.user@example.com',
  psk: hex('0123456789abcdef0123456789abcdef'),
  psk1: hex('01cb00252f002aa94fb3ad380946a6d74b0d34b4357b7372762e6578616d706c652e6f7267'),
  psk2: hex(`02cb004a2f402aa94fb3ad380946a6d74b0d34b4357b4f8e473e796075715b2211b73d028372
             938d8f0025f0f3c2d82879e99180d47470736b2e75736572406578616d706c652e636f6d`),
  psk3: hex(`01cc003b2f802aa94fb3ad380946a6d74b0d34b4357b75d8d16d3e309c03ac66cc0354209329
             00000000619ca06cc2990a8f0392cdc03c66fce376`),
  psk4: hex('02cc002b2fc02aa94fb3ad380946a6d74b0d34b4357b00000001d89d8746a1bec9f44007555be0b07f32ce'),
  success: hex('03cc0004'),
  randS: hex('2aa94fb3ad380946a6d74b0d34b4357b'),
  randP: hex('4f8e473e796075715b2211b73d028372'),
  ak: hex('2556085a46cd39f33416fad1e9844cff'),
  kdk: hex('68f957081ecc6bb6b3316883db809f80'),
  tek: hex('dcf830920e16654ee553b1a288502081'),
  macP: hex('938d8f0025f0f3c2d82879e99180d474'),
  macS: hex('75d8d16d3e309c03ac66cc0354209329'),
  msk: hex(`8726fc981340ef4e5e8ebcd435b1373c1c3ba92d2dd987aecb1f6bbad5ae3c45
            cd37609f491451382482e100f2be2084bc29946298ca97f2799bd69db32e92c3`),
  emsk: hex(`f6bc662743018319dc673c13ea9ef77657d900d72b912520d50861f754d95988
             c710f3a3f19cd019681185c969aeefc0383b97ec941e3b229dcbcfbfbf6a7c8d`),
  sessionId: hex('2f4f8e473e796075715b2211b73d0283722aa94fb3ad380946a6d74b0d34b4357b'),
  /** The Identifier of the NAS's Identity round, one before PSK-1's 0xcb. */
  identityId: 0xca,
} as const;
