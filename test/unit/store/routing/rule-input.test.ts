import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RedirectHostUsage } from '../../../../src/diameter/dict/constants.gen.js';
import { compileGlob } from '../../../../src/store/routing/glob.js';
import { naiRealm, normalizeRealm } from '../../../../src/store/routing/realm.js';
import { isRoutingError, RoutingErrorCode } from '../../../../src/store/routing/routing-error.js';
import { DEFAULT_MAX_CACHE_TIME_SECONDS } from '../../../../src/store/routing/routing-model.js';
import { parseUsage, validateRule } from '../../../../src/store/routing/rule-input.js';
import { parseRuleJson } from '../../../../src/store/routing/rule-json.js';

const URI = 'aaa://aaa.new.example:3868;transport=tcp';

function refusedField(fn: () => unknown, field: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isRoutingError(e, RoutingErrorCode.Invalid), String(e));
    assert.equal(e.field, field);
    assert.ok(e.message.startsWith(field), e.message);
    return true;
  });
}

describe('redirect rule validation', () => {
  test('a group rule defaults to ALL_USER with a 3600 s Redirect-Max-Cache-Time', () => {
    const r = validateRule({ name: 'g', match: { group: 'meters' }, targets: [URI] });
    assert.equal(r.usage, RedirectHostUsage.ALL_USER);
    assert.equal(r.maxCacheTimeSeconds, DEFAULT_MAX_CACHE_TIME_SECONDS);
    assert.equal(r.enabled, true);
  });

  test('a realm-only rule defaults to REALM_AND_APPLICATION and lower-cases the realm', () => {
    const r = validateRule({ name: 'r', match: { realm: 'IoT.Example' }, targets: [URI] });
    assert.equal(r.usage, RedirectHostUsage.REALM_AND_APPLICATION);
    assert.deepEqual(r.match, { realm: 'iot.example', realmFrom: 'any' });
  });

  test('DONT_CACHE stores a cache time of 0 and refuses an explicit non-zero one', () => {
    assert.equal(
      validateRule({ name: 'd', match: { group: 'g' }, targets: [URI], usage: 'DONT_CACHE' })
        .maxCacheTimeSeconds,
      0,
    );
    refusedField(
      () =>
        validateRule({
          name: 'd',
          match: { group: 'g' },
          targets: [URI],
          usage: 'DONT_CACHE',
          maxCacheTimeSeconds: 5,
        }),
      'maxCacheTimeSeconds',
    );
  });

  test('a caching usage needs a Redirect-Max-Cache-Time of at least 1 s (RFC 6733 §6.14)', () => {
    refusedField(
      () => validateRule({ name: 'c', match: { group: 'g' }, targets: [URI], maxCacheTimeSeconds: 0 }),
      'maxCacheTimeSeconds',
    );
  });

  test('targets are parsed as DiameterURIs and stored canonical, default port dropped', () => {
    const r = validateRule({
      name: 't',
      match: { group: 'g' },
      targets: ['AAA://aaa.new.example:3868;transport=TCP', 'aaas://tls.example:5868'],
    });
    assert.deepEqual(r.targets, ['aaa://aaa.new.example;transport=tcp', 'aaas://tls.example']);
  });

  test('a bad target is refused naming its position', () => {
    refusedField(
      () => validateRule({ name: 't', match: { group: 'g' }, targets: [URI, 'http://x'] }),
      'targets[1]',
    );
    refusedField(() => validateRule({ name: 't', match: { group: 'g' }, targets: [] }), 'targets');
    refusedField(
      () => validateRule({ name: 't', match: { group: 'g' }, targets: ['aaa://x.example;protocol=radius'] }),
      'targets[0]',
    );
  });

  test('a rule without any criterion is refused', () => {
    refusedField(() => validateRule({ name: 'all', match: {}, targets: [URI] }), 'match');
  });

  test('bad names, realms, usages and priorities are refused naming the field', () => {
    refusedField(() => validateRule({ name: 'has space', match: { group: 'g' }, targets: [URI] }), 'name');
    refusedField(
      () => validateRule({ name: 'r', match: { realm: 'not a realm' }, targets: [URI] }),
      'match.realm',
    );
    refusedField(
      () => validateRule({ name: 'r', match: { group: 'g' }, targets: [URI], usage: 'SOMETIMES' }),
      'usage',
    );
    refusedField(
      () => validateRule({ name: 'r', match: { group: 'g' }, targets: [URI], priority: -1 }),
      'priority',
    );
    refusedField(
      () => validateRule({ name: 'r', match: { identity: 'bad\\' }, targets: [URI] }),
      'match.identity',
    );
  });

  test('usage is read by name (any case, - or _) or by value', () => {
    assert.equal(parseUsage('all-user'), RedirectHostUsage.ALL_USER);
    assert.equal(parseUsage(2), RedirectHostUsage.ALL_REALM);
    assert.equal(parseUsage('0'), RedirectHostUsage.DONT_CACHE);
    assert.throws(() => parseUsage(7));
  });
});

describe('rule JSON', () => {
  test('reads the admin API shape and refuses unknown fields by name', () => {
    const r = parseRuleJson({
      name: 'a',
      match: { group: 'g' },
      targets: URI,
      usage: 'ALL_USER',
      maxCacheTimeSeconds: 60,
    });
    assert.deepEqual(r, {
      name: 'a',
      match: { group: 'g' },
      targets: [URI],
      usage: 'ALL_USER',
      maxCacheTimeSeconds: 60,
    });
    refusedField(() => parseRuleJson({ name: 'a', match: { grup: 'g' }, targets: [URI] }), 'match.grup');
    refusedField(() => parseRuleJson({ name: 'a', match: { group: 'g' }, targets: [1] }), 'targets[0]');
    refusedField(() => parseRuleJson([]), 'body');
  });
});

describe('globs and realms', () => {
  test('* and ? are wildcards, \\ escapes, everything else is literal', () => {
    const g = compileGlob('meter-??.*@iot.example')!;
    assert.ok(g.test('meter-01.x@iot.example'));
    assert.ok(!g.test('meter-001.x@iot.example'));
    assert.ok(!g.test('meter-01.x@iotXexample'));
    assert.ok(compileGlob('a\\*b')!.test('a*b'));
    assert.ok(!compileGlob('a\\*b')!.test('axb'));
    assert.ok(compileGlob('aa-bb-*', { ignoreCase: true })!.test('AA-BB-CC'));
  });

  test('the NAI realm is what follows the last @, lower-cased', () => {
    assert.equal(naiRealm('sensor@IoT.Example'), 'iot.example');
    assert.equal(naiRealm('home.example!sensor@visited.example'), 'visited.example');
    assert.equal(naiRealm('sensor'), undefined);
    assert.equal(naiRealm('sensor@'), undefined);
    assert.equal(normalizeRealm('AAA.Example.'), 'aaa.example');
  });
});
