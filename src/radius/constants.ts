// RADIUS numbers used by eapd's authentication front. Values from the IANA RADIUS registry; each
// line names the RFC that defines it.

/** Packet codes (RFC 2865 §3, RFC 5997 §3 for Status-Server). */
export const RadiusCode = {
  AccessRequest: 1, // RFC 2865 §4.1
  AccessAccept: 2, // RFC 2865 §4.2
  AccessReject: 3, // RFC 2865 §4.3
  AccessChallenge: 11, // RFC 2865 §4.4
  StatusServer: 12, // RFC 5997
} as const;
export type RadiusCode = (typeof RadiusCode)[keyof typeof RadiusCode];

/** Attribute types (RFC 2865 §5 unless noted). */
export const RadiusAttr = {
  UserName: 1,
  UserPassword: 2,
  NasIpAddress: 4,
  NasPort: 5,
  ServiceType: 6,
  FramedMtu: 12,
  ReplyMessage: 18,
  State: 24,
  Class: 25,
  VendorSpecific: 26,
  SessionTimeout: 27,
  CalledStationId: 30,
  CallingStationId: 31,
  NasIdentifier: 32,
  ProxyState: 33,
  NasPortType: 61,
  EapMessage: 79, // RFC 3579 §3.1
  MessageAuthenticator: 80, // RFC 3579 §3.2
  NasIpv6Address: 95, // RFC 3162 §2.1
  EapKeyName: 102, // RFC 4072 §4.1.4 (shared RADIUS/Diameter code space), RFC 7268 §2
} as const;
export type RadiusAttr = (typeof RadiusAttr)[keyof typeof RadiusAttr];

/** Microsoft's SMI network management private enterprise code (RFC 2548 §2). */
export const VENDOR_MICROSOFT = 311;

/** Microsoft vendor-specific attribute types (RFC 2548 §2.4.2, §2.4.3). */
export const MsAttr = {
  MppeSendKey: 16,
  MppeRecvKey: 17,
} as const;
export type MsAttr = (typeof MsAttr)[keyof typeof MsAttr];

/** RFC 2865 §3: Code(1) Identifier(1) Length(2) Authenticator(16). */
export const HEADER_LENGTH = 20;
export const AUTHENTICATOR_OFFSET = 4;
export const AUTHENTICATOR_LENGTH = 16;
export const LENGTH_OFFSET = 2;
/** RFC 2865 §3: "The minimum length is 20 and maximum length is 4096." */
export const MIN_PACKET_LENGTH = 20;
export const MAX_PACKET_LENGTH = 4096;
/** RFC 2865 §5: Type(1) Length(1); Length includes these two octets. */
export const ATTRIBUTE_HEADER_LENGTH = 2;
/** The largest value one attribute can carry: 255 - 2. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 253;
/** RFC 3579 §3.2: Message-Authenticator is an HMAC-MD5, 16 octets. */
export const MESSAGE_AUTHENTICATOR_LENGTH = 16;
/** RFC 2865 §5.26: Vendor-Id is four octets, high octet 0. */
export const VENDOR_ID_LENGTH = 4;
