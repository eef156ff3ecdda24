import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { ClientTable } from '../../../src/radius/client-table.js';

const table = new ClientTable([
  { name: 'campus', address: '10.0.0.0/8', secret: 'campus-secret' },
  { name: 'ap-7', address: '10.1.2.7', secret: 'ap7-secret' },
  { name: 'lab-v6', address: '2001:db8:1::/48', secret: 'v6-secret' },
  { name: 'loopback6', address: '::1', secret: 'lo6' },
]);

describe('ClientTable', () => {
  test('matches a CIDR entry', () => {
    assert.equal(table.lookup('10.200.3.4')?.name, 'campus');
  });

  test('prefers the longest matching prefix', () => {
    assert.equal(table.lookup('10.1.2.7')?.name, 'ap-7');
    assert.equal(table.lookup('10.1.2.7')?.secret.toString(), 'ap7-secret');
  });

  test('matches IPv4-mapped IPv6 sources of a dual-stack socket against IPv4 entries', () => {
    assert.equal(table.lookup('::ffff:10.1.2.7')?.name, 'ap-7');
  });

  test('matches IPv6 entries, ignoring a zone index', () => {
    assert.equal(table.lookup('2001:db8:1:ff::9')?.name, 'lab-v6');
    assert.equal(table.lookup('::1')?.name, 'loopback6');
    assert.equal(table.lookup('::1%lo')?.name, 'loopback6');
  });

  test('finds no client for other addresses or garbage', () => {
    assert.equal(table.lookup('192.0.2.1'), undefined);
    assert.equal(table.lookup('2001:db8:2::1'), undefined);
    assert.equal(table.lookup('not-an-ip'), undefined);
  });

  test('answers a repeated source the same way, for known and unknown sources alike', () => {
    const fresh = new ClientTable([{ name: 'campus', address: '10.0.0.0/8', secret: 's' }]);
    const first = fresh.lookup('10.9.9.9');
    assert.equal(fresh.lookup('10.9.9.9'), first);
    assert.equal(fresh.lookup('192.0.2.1'), undefined);
    assert.equal(fresh.lookup('192.0.2.1'), undefined);
  });

  test('stays correct past the number of remembered sources', () => {
    const fresh = new ClientTable([{ name: 'campus', address: '10.0.0.0/8', secret: 's' }]);
    for (let i = 0; i < 3000; i++) {
      const inside = `10.0.${i >> 8}.${i & 0xff}`;
      const outside = `192.0.${i >> 8}.${i & 0xff}`;
      assert.equal(fresh.lookup(inside)?.name, 'campus');
      assert.equal(fresh.lookup(outside), undefined);
    }
    assert.equal(fresh.lookup('10.0.0.0')?.name, 'campus');
  });

  test('refuses bad configuration at construction', () => {
    const bad = [
      [{ name: 'a', address: '10.0.0.300', secret: 's' }],
      [{ name: 'a', address: '10.0.0.0/33', secret: 's' }],
      [{ name: 'a', address: '10.0.0.0/x', secret: 's' }],
      [{ name: 'a', address: '2001:db8::/129', secret: 's' }],
      [{ name: 'a', address: '10.0.0.1', secret: '' }],
      [{ name: '', address: '10.0.0.1', secret: 's' }],
      [
        { name: 'a', address: '10.0.0.1', secret: 's' },
        { name: 'a', address: '10.0.0.2', secret: 't' },
      ],
    ];
    for (const config of bad) assert.throws(() => new ClientTable(config), Error, JSON.stringify(config));
  });

  test('lets one name cover several addresses with the same secret', () => {
    const loopback = new ClientTable([
      { name: 'loopback', address: '127.0.0.1', secret: 's3cret-s3cret' },
      { name: 'loopback', address: '::1', secret: 's3cret-s3cret' },
    ]);
    assert.equal(loopback.lookup('127.0.0.1')?.name, 'loopback');
    assert.equal(loopback.lookup('::1')?.name, 'loopback');
  });

  test('never shows the secret when a client is inspected or serialised', () => {
    const client = table.lookup('10.1.2.7');
    assert.ok(client);
    assert.ok(!inspect(client, { depth: 5 }).includes('ap7-secret'));
    assert.ok(!JSON.stringify(client).includes('ap7-secret'));
  });
});
