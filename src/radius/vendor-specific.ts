// Vendor-Specific (RFC 2865 §5.26): Vendor-Id (4 octets) followed, in the format the RFC
// recommends and Microsoft uses (RFC 2548 §2), by sub-attributes Vendor-Type(1) Vendor-Length(1).
import type { RadiusAttribute } from './attribute.js';
import {
  ATTRIBUTE_HEADER_LENGTH,
  MAX_ATTRIBUTE_VALUE_LENGTH,
  RadiusAttr,
  VENDOR_ID_LENGTH,
} from './constants.js';

export interface VendorSpecific {
  readonly vendorId: number;
  /** Sub-attributes; each value is a view into the original attribute. */
  readonly attributes: readonly RadiusAttribute[];
}

/** Builds one Vendor-Specific attribute holding `subAttributes`. Throws RangeError if > 253 octets. */
export function vendorSpecificAttribute(
  vendorId: number,
  subAttributes: readonly RadiusAttribute[],
): RadiusAttribute {
  const length = subAttributes.reduce(
    (n, a) => n + ATTRIBUTE_HEADER_LENGTH + a.value.length,
    VENDOR_ID_LENGTH,
  );
  if (length > MAX_ATTRIBUTE_VALUE_LENGTH)
    throw new RangeError(`Vendor-Specific ${vendorId}: longer than 253 octets`);
  const value = Buffer.allocUnsafe(length);
  value.writeUInt32BE(vendorId, 0);
  let offset = VENDOR_ID_LENGTH;
  for (const sub of subAttributes) {
    value[offset] = sub.type;
    value[offset + 1] = ATTRIBUTE_HEADER_LENGTH + sub.value.length;
    sub.value.copy(value, offset + ATTRIBUTE_HEADER_LENGTH);
    offset += ATTRIBUTE_HEADER_LENGTH + sub.value.length;
  }
  return { type: RadiusAttr.VendorSpecific, value };
}

/**
 * Parses a Vendor-Specific value in the RFC 2865 §5.26 recommended format. Undefined when the
 * value is too short or its sub-attributes do not tile it exactly (never throws).
 */
export function parseVendorSpecific(value: Buffer): VendorSpecific | undefined {
  if (value.length < VENDOR_ID_LENGTH) return undefined;
  const attributes: RadiusAttribute[] = [];
  let offset = VENDOR_ID_LENGTH;
  while (offset < value.length) {
    if (offset + ATTRIBUTE_HEADER_LENGTH > value.length) return undefined;
    const subLength = value[offset + 1]!;
    if (subLength < ATTRIBUTE_HEADER_LENGTH || offset + subLength > value.length) return undefined;
    attributes.push({
      type: value[offset]!,
      value: value.subarray(offset + ATTRIBUTE_HEADER_LENGTH, offset + subLength),
    });
    offset += subLength;
  }
  return { vendorId: value.readUInt32BE(0), attributes };
}
