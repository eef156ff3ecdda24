import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AdmissionPolicy,
  AdmissionReason,
  commonApplications,
  isCommonApplication,
  negotiateCapabilities,
  UnknownPeerPolicy,
  type AdmissionConfig,
  type AdmissionRequest,
  type AdvertisedApplications,
} from '../../../../src/diameter/peer/capabilities.js';
import { ApplicationId, ResultCode } from '../../../../src/diameter/dict/constants.gen.js';

const RELAY_APPLICATION_ID = ApplicationId.Relay;

const DIAMETER_EAP = 5;
const NASREQ = 1;
const BASE_ACCOUNTING = 3;
const VENDOR_3GPP = 10415;
const S6A = 16777251;

const apps = (
  auth: number[],
  acct: number[] = [],
  vsai: AdvertisedApplications['vendorSpecificApplicationIds'] = [],
): AdvertisedApplications => ({
  authApplicationIds: auth,
  acctApplicationIds: acct,
  vendorSpecificApplicationIds: vsai,
});

const EAPD = apps([DIAMETER_EAP]);

describe('capabilities exchange (RFC 6733 §5.3)', () => {
  test('common applications are the intersection of both sides', () => {
    const c = commonApplications(
      apps([DIAMETER_EAP, NASREQ], [BASE_ACCOUNTING]),
      apps([NASREQ, 4], [BASE_ACCOUNTING]),
    );
    assert.deepEqual(c, { relay: false, auth: [NASREQ], acct: [BASE_ACCOUNTING] });
  });

  test('auth and accounting ids do not match each other', () => {
    const c = commonApplications(apps([DIAMETER_EAP]), apps([], [DIAMETER_EAP]));
    assert.deepEqual(c, { relay: false, auth: [], acct: [] });
  });

  test('application ids inside Vendor-Specific-Application-Id count', () => {
    const c = commonApplications(
      apps([DIAMETER_EAP, S6A]),
      apps([], [], [{ vendorId: VENDOR_3GPP, authApplicationId: S6A }]),
    );
    assert.deepEqual(c.auth, [S6A]);
  });

  test('a peer advertising Relay has every one of our applications in common', () => {
    const c = commonApplications(EAPD, apps([RELAY_APPLICATION_ID]));
    assert.deepEqual(c, { relay: true, auth: [DIAMETER_EAP], acct: [] });
    assert.equal(isCommonApplication(c, DIAMETER_EAP), true);
  });

  test('Relay advertised as an accounting or vendor-specific id counts too', () => {
    assert.equal(commonApplications(EAPD, apps([], [RELAY_APPLICATION_ID])).relay, true);
    assert.equal(
      commonApplications(EAPD, apps([], [], [{ vendorId: 0, authApplicationId: RELAY_APPLICATION_ID }]))
        .relay,
      true,
    );
  });

  test('Relay on our side makes every application of the peer common', () => {
    const c = commonApplications(apps([RELAY_APPLICATION_ID]), apps([NASREQ]));
    assert.deepEqual(c, { relay: true, auth: [NASREQ], acct: [] });
  });

  test('repeated ids appear once', () => {
    assert.deepEqual(
      commonApplications(apps([DIAMETER_EAP, DIAMETER_EAP]), apps([DIAMETER_EAP, DIAMETER_EAP])).auth,
      [DIAMETER_EAP],
    );
  });

  test('no application in common signals 5010 DIAMETER_NO_COMMON_APPLICATION', () => {
    const v = negotiateCapabilities(EAPD, apps([NASREQ], [BASE_ACCOUNTING]));
    assert.deepEqual(v, { kind: 'no-common-application', resultCode: 5010 });
    assert.equal(ResultCode.DIAMETER_NO_COMMON_APPLICATION, 5010);
  });

  test('a peer advertising nothing has nothing in common (5010)', () => {
    assert.equal(negotiateCapabilities(EAPD, apps([])).kind, 'no-common-application');
  });

  test('a common application or Relay lets the exchange succeed', () => {
    assert.equal(negotiateCapabilities(EAPD, apps([NASREQ, DIAMETER_EAP])).kind, 'common');
    assert.equal(negotiateCapabilities(EAPD, apps([RELAY_APPLICATION_ID])).kind, 'common');
  });

  test('isCommonApplication refuses an application outside the intersection', () => {
    const c = commonApplications(EAPD, apps([DIAMETER_EAP]));
    assert.equal(isCommonApplication(c, NASREQ), false);
  });
});

const req = (over: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  originHost: 'nas.example.net',
  originRealm: 'example.net',
  sourceAddress: '192.0.2.1',
  transport: 'tcp',
  ...over,
});

function policy(config: Partial<AdmissionConfig> = {}): AdmissionPolicy {
  const r = AdmissionPolicy.compile({ peers: [], unknownPeers: UnknownPeerPolicy.LoopbackOnly, ...config });
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

describe('peer admission', () => {
  test('loopback-only (default) admits unknown peers from 127.0.0.1, ::1 and ::ffff:127.0.0.1', () => {
    const p = policy();
    for (const sourceAddress of ['127.0.0.1', '127.10.0.3', '::1', '::ffff:127.0.0.1']) {
      const d = p.decide(req({ sourceAddress }));
      assert.equal(d.kind, 'admit', sourceAddress);
      assert.equal(d.reason, AdmissionReason.UnknownPeerLoopback);
    }
  });

  test('loopback-only refuses an unknown peer from 192.0.2.1 with 3010', () => {
    const d = policy().decide(req({ sourceAddress: '192.0.2.1' }));
    assert.equal(d.kind, 'refuse');
    assert.equal(d.kind === 'refuse' && d.resultCode, 3010);
    assert.equal(d.reason, AdmissionReason.UnknownPeerNotLoopback);
    assert.match(d.detail, /nas\.example\.net from 192\.0\.2\.1/);
  });

  test('loopback-only refuses ::ffff:192.0.2.1 and an unparseable source', () => {
    assert.equal(policy().decide(req({ sourceAddress: '::ffff:192.0.2.1' })).kind, 'refuse');
    assert.equal(policy().decide(req({ sourceAddress: 'localhost' })).kind, 'refuse');
  });

  test('accept admits any unknown peer', () => {
    const d = policy({ unknownPeers: UnknownPeerPolicy.Accept }).decide(req());
    assert.equal(d.kind, 'admit');
    assert.equal(d.reason, AdmissionReason.UnknownPeerAccepted);
  });

  test('reject refuses unknown peers even on loopback with 3010', () => {
    const d = policy({ unknownPeers: UnknownPeerPolicy.Reject }).decide(req({ sourceAddress: '127.0.0.1' }));
    assert.equal(d.kind === 'refuse' && d.resultCode, 3010);
    assert.equal(d.reason, AdmissionReason.UnknownPeerRejected);
  });

  test('a configured peer is admitted from anywhere when it lists no addresses', () => {
    const p = policy({ unknownPeers: UnknownPeerPolicy.Reject, peers: [{ originHost: 'nas.example.net' }] });
    const d = p.decide(req());
    assert.equal(d.kind, 'admit');
    assert.equal(d.reason, AdmissionReason.ConfiguredPeer);
    assert.equal(d.kind === 'admit' && d.peer?.originHost, 'nas.example.net');
  });

  test('Origin-Host and realm match without regard to case', () => {
    const p = policy({
      unknownPeers: UnknownPeerPolicy.Reject,
      peers: [{ originHost: 'NAS.example.net', realm: 'Example.NET' }],
    });
    assert.equal(p.decide(req({ originHost: 'nas.EXAMPLE.net' })).kind, 'admit');
  });

  test('a configured peer with the wrong realm is refused with 3010', () => {
    const p = policy({ peers: [{ originHost: 'nas.example.net', realm: 'example.org' }] });
    const d = p.decide(req());
    assert.equal(d.kind === 'refuse' && d.resultCode, 3010);
    assert.equal(d.reason, AdmissionReason.RealmMismatch);
  });

  test('a configured peer must come from its listed addresses or CIDRs', () => {
    const p = policy({
      peers: [{ originHost: 'nas.example.net', addresses: ['198.51.100.0/24', '2001:db8::/32'] }],
    });
    assert.equal(p.decide(req({ sourceAddress: '198.51.100.7' })).kind, 'admit');
    assert.equal(p.decide(req({ sourceAddress: '::ffff:198.51.100.7' })).kind, 'admit');
    assert.equal(p.decide(req({ sourceAddress: '2001:db8:1::5' })).kind, 'admit');
    const d = p.decide(req({ sourceAddress: '192.0.2.1' }));
    assert.equal(d.kind, 'refuse');
    assert.equal(d.reason, AdmissionReason.SourceNotAllowed);
  });

  test('a configured peer from an unlisted address is refused even from loopback', () => {
    const p = policy({ peers: [{ originHost: 'nas.example.net', addresses: ['198.51.100.1'] }] });
    assert.equal(p.decide(req({ sourceAddress: '127.0.0.1' })).kind, 'refuse');
  });

  test('a configured peer must use one of its listed transports', () => {
    const p = policy({ peers: [{ originHost: 'nas.example.net', transports: ['tls'] }] });
    assert.equal(p.decide(req({ transport: 'tls' })).kind, 'admit');
    const d = p.decide(req({ transport: 'tcp' }));
    assert.equal(d.kind, 'refuse');
    assert.equal(d.reason, AdmissionReason.TransportNotAllowed);
  });

  test('compiling refuses a bad CIDR and a peer configured twice', () => {
    const bad = AdmissionPolicy.compile({
      unknownPeers: 'reject',
      peers: [{ originHost: 'a.example', addresses: ['10.0.0.0/33'] }],
    });
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /a\.example.*10\.0\.0\.0\/33/);
    const twice = AdmissionPolicy.compile({
      unknownPeers: 'reject',
      peers: [{ originHost: 'a.example' }, { originHost: 'A.example' }],
    });
    assert.equal(twice.ok, false);
  });
});
