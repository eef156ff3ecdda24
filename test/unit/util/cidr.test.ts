import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { cidrContains, isLoopbackAddress, parseCidr, type Cidr } from '../../../src/util/cidr.js';

function block(text: string): Cidr {
  const r = parseCidr(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

describe('CIDR blocks', () => {
  test('an IPv4 block holds exactly its addresses', () => {
    const b = block('192.0.2.0/24');
    assert.equal(cidrContains(b, '192.0.2.0'), true);
    assert.equal(cidrContains(b, '192.0.2.255'), true);
    assert.equal(cidrContains(b, '192.0.3.0'), false);
    assert.equal(cidrContains(b, '192.0.1.255'), false);
  });

  test('an IPv4 block holds the IPv4-mapped IPv6 form of its addresses', () => {
    assert.equal(cidrContains(block('10.0.0.0/8'), '::ffff:10.1.2.3'), true);
    assert.equal(cidrContains(block('10.0.0.0/8'), '::ffff:a01:203'), true);
    assert.equal(cidrContains(block('::ffff:10.0.0.0/104'), '10.200.0.1'), true);
  });

  test('an IPv4 block does not hold other IPv6 addresses', () => {
    assert.equal(cidrContains(block('0.0.0.0/0'), '2001:db8::1'), false);
    assert.equal(cidrContains(block('0.0.0.0/0'), '203.0.113.9'), true);
  });

  test('an IPv6 block holds exactly its addresses', () => {
    const b = block('2001:db8:abcd::/48');
    assert.equal(cidrContains(b, '2001:db8:abcd:ffff::1'), true);
    assert.equal(cidrContains(b, '2001:db8:abce::1'), false);
    assert.equal(cidrContains(b, '2001:0db8:abcd:0000:0000:0000:0000:0001'), true);
  });

  test('prefix lengths that do not end on a byte boundary', () => {
    const b = block('198.51.100.64/26');
    assert.equal(cidrContains(b, '198.51.100.64'), true);
    assert.equal(cidrContains(b, '198.51.100.127'), true);
    assert.equal(cidrContains(b, '198.51.100.128'), false);
    assert.equal(cidrContains(b, '198.51.100.63'), false);
    const v6 = block('fe80::/10');
    assert.equal(cidrContains(v6, 'febf::1'), true);
    assert.equal(cidrContains(v6, 'fec0::1'), false);
  });

  test('a bare address is a single-address block', () => {
    assert.equal(cidrContains(block('192.0.2.7'), '192.0.2.7'), true);
    assert.equal(cidrContains(block('192.0.2.7'), '192.0.2.8'), false);
    assert.equal(cidrContains(block('::1'), '::1'), true);
    assert.equal(cidrContains(block('::1'), '::2'), false);
  });

  test('host bits below the prefix are cleared', () => {
    assert.equal(cidrContains(block('10.1.2.3/8'), '10.9.9.9'), true);
  });

  test('an IPv6 address with a zone matches without its zone', () => {
    assert.equal(cidrContains(block('fe80::/10'), 'fe80::1%eth0'), true);
  });

  test('embedded IPv4 in the middle of IPv6 text is parsed', () => {
    assert.equal(cidrContains(block('64:ff9b::/96'), '64:ff9b::192.0.2.1'), true);
  });

  test('host names and garbage never match', () => {
    assert.equal(cidrContains(block('0.0.0.0/0'), 'localhost'), false);
    assert.equal(cidrContains(block('::/0'), ''), false);
  });

  test('rejects bad blocks with a message', () => {
    for (const text of [
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/x',
      'example.net/8',
      '10.0.0.256',
      'fe80::1%eth0/64',
      '',
    ]) {
      const r = parseCidr(text);
      assert.equal(r.ok, false, text);
      assert.match(r.ok ? '' : r.error, /CIDR|prefix length/);
    }
  });

  test('an address always lies in its own /32 or /128 and in /0 of its family', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (addr) => {
        const v4 = !addr.includes(':');
        return (
          cidrContains(block(addr), addr) &&
          cidrContains(block(v4 ? '0.0.0.0/0' : '::/0'), addr) &&
          cidrContains(block(`${addr}/${v4 ? 32 : 128}`), addr)
        );
      }),
    );
  });
});

describe('loopback', () => {
  test('127.0.0.0/8, ::1 and ::ffff:127.0.0.1 are loopback', () => {
    for (const a of ['127.0.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      assert.equal(isLoopbackAddress(a), true, a);
    }
  });

  test('other addresses and names are not', () => {
    for (const a of ['192.0.2.1', '128.0.0.1', '::2', '::ffff:192.0.2.1', '::', 'localhost', '']) {
      assert.equal(isLoopbackAddress(a), false, a);
    }
  });
});
