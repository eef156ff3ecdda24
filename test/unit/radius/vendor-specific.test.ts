import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RadiusAttr, VENDOR_MICROSOFT } from '../../../src/radius/constants.js';
import { parseVendorSpecific, vendorSpecificAttribute } from '../../../src/radius/vendor-specific.js';

describe('Vendor-Specific (RFC 2865 §5.26)', () => {
  test('lays out Vendor-Id then Vendor-Type, Vendor-Length, value for each sub-attribute', () => {
    const vsa = vendorSpecificAttribute(VENDOR_MICROSOFT, [
      { type: 16, value: Buffer.from([0xaa, 0xbb]) },
      { type: 17, value: Buffer.alloc(0) },
    ]);
    assert.equal(vsa.type, RadiusAttr.VendorSpecific);
    assert.equal(vsa.value.toString('hex'), '00000137' + '1004aabb' + '1102');
  });

  test('parses what it builds', () => {
    const subs = [
      { type: 1, value: Buffer.from('abc') },
      { type: 2, value: Buffer.alloc(40, 1) },
    ];
    const parsed = parseVendorSpecific(vendorSpecificAttribute(9, subs).value);
    assert.equal(parsed?.vendorId, 9);
    assert.deepEqual(parsed?.attributes, subs);
  });

  test('returns undefined for values whose sub-attributes do not tile exactly', () => {
    assert.equal(parseVendorSpecific(Buffer.from('000001', 'hex')), undefined);
    assert.equal(parseVendorSpecific(Buffer.from('000001371005aabb', 'hex')), undefined);
    assert.equal(parseVendorSpecific(Buffer.from('0000013710', 'hex')), undefined);
    assert.equal(parseVendorSpecific(Buffer.from('000001371001', 'hex')), undefined);
    assert.deepEqual(parseVendorSpecific(Buffer.from('00000137', 'hex')), { vendorId: 311, attributes: [] });
  });

  test('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), (v) => void parseVendorSpecific(Buffer.from(v))),
    );
  });

  test('refuses to build more than 253 octets', () => {
    assert.throws(() => vendorSpecificAttribute(1, [{ type: 1, value: Buffer.alloc(248) }]), RangeError);
    assert.equal(vendorSpecificAttribute(1, [{ type: 1, value: Buffer.alloc(247) }]).value.length, 253);
  });
});
