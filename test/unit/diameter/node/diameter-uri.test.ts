import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  AaaProtocol,
  DiameterUriTransport,
  formatDiameterUri,
  parseDiameterUri,
  type DiameterUri,
} from '../../../../src/diameter/node/diameter-uri.js';

function parsed(text: string): DiameterUri {
  const r = parseDiameterUri(text);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function rejection(text: string): string {
  const r = parseDiameterUri(text);
  assert.equal(r.ok, false, `${text} should be rejected`);
  assert.equal(r.ok ? '' : r.error.code, 'ERR_DIAMETER_URI');
  return r.ok ? '' : r.error.message;
}

describe('DiameterURI (RFC 6733 §4.3.1)', () => {
  test('parses the RFC examples', () => {
    assert.deepEqual(parsed('aaa://host.example.com;transport=tcp'), {
      scheme: 'aaa',
      host: 'host.example.com',
      port: 3868,
      transport: 'tcp',
    });
    assert.deepEqual(parsed('aaa://host.example.com:6666;transport=tcp'), {
      scheme: 'aaa',
      host: 'host.example.com',
      port: 6666,
      transport: 'tcp',
    });
    assert.deepEqual(parsed('aaa://host.example.com;protocol=diameter'), {
      scheme: 'aaa',
      host: 'host.example.com',
      port: 3868,
      protocol: 'diameter',
    });
    assert.deepEqual(parsed('aaa://host.example.com:6666;transport=tcp;protocol=diameter'), {
      scheme: 'aaa',
      host: 'host.example.com',
      port: 6666,
      transport: 'tcp',
      protocol: 'diameter',
    });
    assert.deepEqual(parsed('aaa://host.example.com:1813;transport=udp;protocol=radius'), {
      scheme: 'aaa',
      host: 'host.example.com',
      port: 1813,
      transport: 'udp',
      protocol: 'radius',
    });
  });

  test('defaults the port to 3868 for aaa and 5868 for aaas', () => {
    assert.equal(parsed('aaa://peer.example').port, 3868);
    assert.equal(parsed('aaas://peer.example').port, 5868);
  });

  test('accepts IPv4 literals and bracketed IPv6 literals', () => {
    assert.deepEqual(parsed('aaa://192.0.2.1:3869'), { scheme: 'aaa', host: '192.0.2.1', port: 3869 });
    assert.deepEqual(parsed('aaas://[2001:db8::1]:5900;transport=sctp'), {
      scheme: 'aaas',
      host: '2001:db8::1',
      port: 5900,
      transport: 'sctp',
    });
    assert.deepEqual(parsed('aaa://[::1]'), { scheme: 'aaa', host: '::1', port: 3868 });
  });

  test('matches scheme and parameters without regard to case', () => {
    assert.deepEqual(parsed('AAA://peer.example;Transport=TCP;PROTOCOL=Diameter'), {
      scheme: 'aaa',
      host: 'peer.example',
      port: 3868,
      transport: 'tcp',
      protocol: 'diameter',
    });
  });

  test('accepts tacacs+ as protocol', () => {
    assert.equal(parsed('aaa://peer.example;transport=tcp;protocol=tacacs+').protocol, 'tacacs+');
  });

  test('formats with the port only when it is not the default', () => {
    assert.equal(
      formatDiameterUri({ scheme: 'aaa', host: 'peer.example', port: 3868, transport: 'tcp' }),
      'aaa://peer.example;transport=tcp',
    );
    assert.equal(
      formatDiameterUri({ scheme: 'aaas', host: 'peer.example', port: 3868 }),
      'aaas://peer.example:3868',
    );
    assert.equal(
      formatDiameterUri({ scheme: 'aaa', host: '2001:db8::1', port: 4000, protocol: 'diameter' }),
      'aaa://[2001:db8::1]:4000;protocol=diameter',
    );
  });

  test('rejects other schemes', () => {
    assert.match(rejection('http://peer.example'), /aaa:\/\/ or aaas:\/\//);
    assert.match(rejection('peer.example'), /aaa:\/\//);
  });

  test('rejects a missing or malformed host', () => {
    assert.match(rejection('aaa://'), /host is missing/);
    assert.match(rejection('aaa://:3868'), /host is missing/);
    assert.match(rejection('aaa://bad_host!.example'), /not a host name/);
    assert.match(rejection('aaa://999.1.1.1'), /not a host name/);
    assert.match(rejection('aaa://-peer.example'), /not a host name/);
  });

  test('rejects IPv6 without brackets or with bad brackets', () => {
    assert.match(rejection('aaa://2001:db8::1'), /brackets/);
    assert.match(rejection('aaa://[2001:db8::1'), /closing/);
    assert.match(rejection('aaa://[not-v6]'), /not an IPv6/);
    assert.match(rejection('aaa://[::1]x'), /unexpected/);
  });

  test('rejects bad ports', () => {
    assert.match(rejection('aaa://peer.example:0'), /port "0"/);
    assert.match(rejection('aaa://peer.example:65536'), /port "65536"/);
    assert.match(rejection('aaa://peer.example:'), /port ""/);
    assert.match(rejection('aaa://peer.example:38a'), /port "38a"/);
  });

  test('rejects unknown, repeated or misordered parameters and bad values', () => {
    assert.match(rejection('aaa://peer.example;transport=quic'), /transport "quic"/);
    assert.match(rejection('aaa://peer.example;protocol=ldap'), /protocol "ldap"/);
    assert.match(rejection('aaa://peer.example;foo=bar'), /unknown parameter "foo=bar"/);
    assert.match(rejection('aaa://peer.example;transport=tcp;transport=sctp'), /once/);
    assert.match(rejection('aaa://peer.example;protocol=diameter;transport=tcp'), /before protocol/);
  });

  test('rejects UDP with Diameter, stated or by default', () => {
    assert.match(rejection('aaa://peer.example;transport=udp'), /UDP/);
    assert.match(rejection('aaa://peer.example;transport=udp;protocol=diameter'), /UDP/);
  });

  test('error messages name the URI', () => {
    assert.match(rejection('aaa://peer.example:99999'), /^DiameterURI "aaa:\/\/peer\.example:99999": /);
  });

  test('format then parse gives back the same URI', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/).filter((l) => !/^\d+$/.test(l));
    const host = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.')),
      fc.ipV4(),
      fc.ipV6(),
    );
    const uri = fc
      .record({
        scheme: fc.constantFrom('aaa' as const, 'aaas' as const),
        host,
        port: fc.integer({ min: 1, max: 65535 }),
        transport: fc.option(fc.constantFrom(...Object.values(DiameterUriTransport)), { nil: undefined }),
        protocol: fc.option(fc.constantFrom(...Object.values(AaaProtocol)), { nil: undefined }),
      })
      .filter((u) => !(u.transport === 'udp' && (u.protocol ?? 'diameter') === 'diameter'))
      .map((u): DiameterUri => ({
        scheme: u.scheme,
        host: u.host,
        port: u.port,
        ...(u.transport === undefined ? {} : { transport: u.transport }),
        ...(u.protocol === undefined ? {} : { protocol: u.protocol }),
      }));
    fc.assert(
      fc.property(uri, (u) => {
        assert.deepEqual(parsed(formatDiameterUri(u)), u);
      }),
    );
  });
});
