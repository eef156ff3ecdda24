/** The AVP data formats of RFC 6733 §4.2 (basic) and §4.3 (derived). */
export const AvpType = {
  OctetString: 'OctetString',
  Integer32: 'Integer32',
  Integer64: 'Integer64',
  Unsigned32: 'Unsigned32',
  Unsigned64: 'Unsigned64',
  Float32: 'Float32',
  Float64: 'Float64',
  Grouped: 'Grouped',
  Address: 'Address',
  Time: 'Time',
  UTF8String: 'UTF8String',
  DiameterIdentity: 'DiameterIdentity',
  DiameterURI: 'DiameterURI',
  Enumerated: 'Enumerated',
  IPFilterRule: 'IPFilterRule',
  QoSFilterRule: 'QoSFilterRule',
} as const;
export type AvpType = (typeof AvpType)[keyof typeof AvpType];

const FOUR = 4;
const EIGHT = 8;
/** RFC 6733 §4.3.1: AddressType (2 octets) + an IPv4 address (4 octets), the shortest address. */
const MIN_ADDRESS = 6;

/** Payload size a value of this type must have, or undefined when the size varies (RFC 6733 §4.2). */
export const FIXED_PAYLOAD_SIZE: Readonly<Record<AvpType, number | undefined>> = {
  OctetString: undefined,
  Integer32: FOUR,
  Integer64: EIGHT,
  Unsigned32: FOUR,
  Unsigned64: EIGHT,
  Float32: FOUR,
  Float64: EIGHT,
  Grouped: undefined,
  Address: undefined,
  Time: FOUR,
  UTF8String: undefined,
  DiameterIdentity: undefined,
  DiameterURI: undefined,
  Enumerated: FOUR,
  IPFilterRule: undefined,
  QoSFilterRule: undefined,
};

/** Minimal payload size of a type: the zero-filled example payload of RFC 6733 §7.5 (5005, 5014). */
export function minimalPayloadSize(type: AvpType): number {
  if (type === AvpType.Address) return MIN_ADDRESS;
  return FIXED_PAYLOAD_SIZE[type] ?? 0;
}

const TYPES = new Set<string>(Object.values(AvpType));
export function isAvpType(s: string): s is AvpType {
  return TYPES.has(s);
}
