import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { networkInterfaces } from 'node:os';
import { advertisedLocalAddresses, unmapIpv4 } from '../../../../src/diameter/transport/local-addresses.js';

type Ifaces = ReturnType<typeof networkInterfaces>;
const entry = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({
    address,
    family,
    internal,
    netmask: '',
    mac: '00:00:00:00:00:00',
    cidr: null,
  }) as Ifaces[string] extends (infer T)[] | undefined ? T : never;

const ifaces: Ifaces = {
  lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
  eth0: [entry('192.0.2.10', 'IPv4'), entry('2001:db8::10', 'IPv6'), entry('fe80::1', 'IPv6')],
  eth1: [entry('198.51.100.7', 'IPv4')],
};

describe('advertisedLocalAddresses (RFC 6733 §5.3.5 Host-IP-Address)', () => {
  test('lists the non-internal addresses of the socket family plus the socket address', () => {
    assert.deepEqual(advertisedLocalAddresses('127.0.0.1', ifaces), [
      '192.0.2.10',
      '198.51.100.7',
      '127.0.0.1',
    ]);
  });
  test('does not repeat the socket address when it is an interface address', () => {
    assert.deepEqual(advertisedLocalAddresses('192.0.2.10', ifaces), ['192.0.2.10', '198.51.100.7']);
  });
  test('treats an IPv4-mapped socket address as IPv4', () => {
    assert.deepEqual(advertisedLocalAddresses('::ffff:192.0.2.10', ifaces), ['192.0.2.10', '198.51.100.7']);
  });
  test('lists IPv6 addresses without link-local ones for an IPv6 socket', () => {
    assert.deepEqual(advertisedLocalAddresses('::1', ifaces), ['2001:db8::10', '::1']);
  });
  test('unmapIpv4 leaves plain addresses alone', () => {
    assert.equal(unmapIpv4('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(unmapIpv4('::ffff:abcd'), '::ffff:abcd');
    assert.equal(unmapIpv4('2001:db8::1'), '2001:db8::1');
  });
});
