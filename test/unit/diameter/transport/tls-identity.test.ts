import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import {
  identityFromCertificate,
  matchesOriginHost,
} from '../../../../src/diameter/transport/tls-identity.js';

function cert(fields: { san?: string; cn?: string | string[] }): PeerCertificate {
  return {
    subject: fields.cn === undefined ? {} : { CN: fields.cn },
    ...(fields.san === undefined ? {} : { subjectaltname: fields.san }),
    fingerprint256: 'AA:BB',
  } as unknown as PeerCertificate;
}

describe('identityFromCertificate', () => {
  test('takes dNSName SANs and ignores the CN when SANs exist', () => {
    const id = identityFromCertificate(
      cert({ san: 'DNS:Dea.Edge.Example, IP Address:10.0.0.1, DNS:b.example', cn: 'cn.example' }),
    );
    assert.deepEqual(id.names, ['dea.edge.example', 'b.example']);
    assert.equal(id.fingerprint256, 'AA:BB');
  });
  test('falls back to every CN when there is no dNSName SAN', () => {
    assert.deepEqual(identityFromCertificate(cert({ cn: 'Peer.Example' })).names, ['peer.example']);
    assert.deepEqual(
      identityFromCertificate(cert({ san: 'IP Address:10.0.0.1', cn: ['a.example', 'b.example'] })).names,
      ['a.example', 'b.example'],
    );
  });
  test('skips quoted (escaped) SAN entries', () => {
    assert.deepEqual(
      identityFromCertificate(cert({ san: 'DNS:"a.example, DNS:evil.example"', cn: 'c.example' })).names,
      ['c.example'],
    );
  });
});

describe('matchesOriginHost', () => {
  const id = { names: ['dea.edge.example'], fingerprint256: 'AA' };
  test('matches case-insensitively, with or without a trailing dot', () => {
    assert.equal(matchesOriginHost(id, 'DEA.edge.example'), true);
    assert.equal(matchesOriginHost(id, 'dea.edge.example.'), true);
  });
  test('refuses another host, a suffix, and an empty Origin-Host', () => {
    assert.equal(matchesOriginHost(id, 'other.edge.example'), false);
    assert.equal(matchesOriginHost(id, 'edge.example'), false);
    assert.equal(matchesOriginHost(id, ''), false);
  });
  test('does not accept a wildcard certificate name for a Diameter identity', () => {
    assert.equal(
      matchesOriginHost({ names: ['*.edge.example'], fingerprint256: 'AA' }, 'dea.edge.example'),
      false,
    );
  });
});
