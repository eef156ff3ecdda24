/** EAP-PSK (RFC 4764) wire constants. */

/** RFC 4764 §7: RAND_S, RAND_P, MAC_P, MAC_S, AK, KDK, TEK and PSK are all 16 octets. */
export const PSK_RAND_LENGTH = 16;
export const PSK_MAC_LENGTH = 16;
export const PSK_KEY_LENGTH = 16;
/** RFC 4764 §3.2: MSK and EMSK are 64 octets each. */
export const PSK_MSK_LENGTH = 64;
export const PSK_EMSK_LENGTH = 64;
/** RFC 4764 §5.3: PCHANNEL = Nonce (4) ‖ Tag (16) ‖ R/E/reserved (1) ‖ EXT (optional). */
export const PCHANNEL_NONCE_LENGTH = 4;
export const PCHANNEL_TAG_LENGTH = 16;
export const PCHANNEL_FLAGS_LENGTH = 1;
export const PCHANNEL_MIN_LENGTH = PCHANNEL_NONCE_LENGTH + PCHANNEL_TAG_LENGTH + PCHANNEL_FLAGS_LENGTH;
/** RFC 4764 §3.3: the EAX nonce is the 4-octet Nonce left-padded with 12 zero octets. */
export const EAX_NONCE_LENGTH = 16;

/** RFC 4764 §5: the T field, top two bits of the Flags octet: the message number minus one. */
export const PskT = { Psk1: 0, Psk2: 1, Psk3: 2, Psk4: 3 } as const;
export type PskT = (typeof PskT)[keyof typeof PskT];
export const PSK_T_SHIFT = 6;

/** RFC 4764 §5.3: the R flag, top two bits of the first PCHANNEL plaintext octet. */
export const PskResult = { Cont: 1, DoneSuccess: 2, DoneFailure: 3 } as const;
export const PSK_R_SHIFT = 6;
/** RFC 4764 §5.3: the E (extension) flag in the same octet. */
export const PSK_E_FLAG = 0x20;

/** PCHANNEL nonces (RFC 4764 §5.3, §5.4): the server starts at 0, the peer answers with 1. */
export const PSK3_NONCE = 0;
export const PSK4_NONCE = 1;

/**
 * Offsets in the whole EAP packet: Code, Identifier, Length (4), Type (1), Flags (1), RAND_S (16).
 * RFC 4764 §5.3: the EAX header is these first 22 octets.
 */
export const PSK_FLAGS_OFFSET = 5;
export const PSK_RAND_S_OFFSET = 6;
export const PSK_EAX_HEADER_LENGTH = PSK_RAND_S_OFFSET + PSK_RAND_LENGTH;
