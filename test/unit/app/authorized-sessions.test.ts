import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countMapKeyWalks } from '../../helpers/map-walks.js';
import { AuthorizedSessions, type AuthorizedSession } from '../../../src/app/authorized-sessions.js';

function session(sessionId: string, identity: string): AuthorizedSession {
  return { sessionId, identity, nasHost: 'nas', nasRealm: 'realm', viaPeer: 'nas', since: 0 };
}

describe('AuthorizedSessions', () => {
  test('finds every session of an identity, oldest first, as sessions come and go', () => {
    const t = new AuthorizedSessions(10);
    t.add(session('s1', 'dev@x'));
    assert.deepEqual(
      t.byIdentity('dev@x').map((s) => s.sessionId),
      ['s1'],
    );
    t.add(session('s2', 'dev@x'));
    t.add(session('s3', 'dev@x'));
    t.add(session('o1', 'other@x'));
    assert.deepEqual(
      t.byIdentity('dev@x').map((s) => s.sessionId),
      ['s1', 's2', 's3'],
    );
    assert.equal(t.remove('s2'), true);
    assert.deepEqual(
      t.byIdentity('dev@x').map((s) => s.sessionId),
      ['s1', 's3'],
    );
    t.remove('s1');
    assert.deepEqual(
      t.byIdentity('dev@x').map((s) => s.sessionId),
      ['s3'],
    );
    t.remove('s3');
    assert.deepEqual(t.byIdentity('dev@x'), []);
    assert.deepEqual(
      t.resolve('other@x').map((s) => s.sessionId),
      ['o1'],
    );
    assert.equal(t.remove('s3'), false);
  });

  test('re-authentication under the same Session-Id replaces the entry and its identity', () => {
    const t = new AuthorizedSessions(10);
    t.add(session('s1', 'dev@x'));
    t.add(session('s1', 'new@x'));
    assert.equal(t.size, 1);
    assert.deepEqual(t.byIdentity('dev@x'), []);
    assert.deepEqual(
      t.byIdentity('new@x').map((s) => s.sessionId),
      ['s1'],
    );
  });

  test('forgets the oldest session at its bound', () => {
    const t = new AuthorizedSessions(2);
    t.add(session('s1', 'a@x'));
    t.add(session('s2', 'a@x'));
    t.add(session('s3', 'b@x'));
    assert.equal(t.size, 2);
    assert.equal(t.get('s1'), undefined);
    assert.deepEqual(
      t.byIdentity('a@x').map((s) => s.sessionId),
      ['s2'],
    );
  });

  test('at its bound forgets the oldest session still held, skipping those ended or replaced', () => {
    const t = new AuthorizedSessions(3);
    t.add(session('a', 'a@x'));
    t.add(session('b', 'b@x'));
    t.add(session('c', 'c@x'));
    t.remove('b'); // ended by an STR
    t.add(session('a', 'a@x')); // re-authenticated: now the newest
    t.add(session('d', 'd@x'));
    t.add(session('e', 'e@x'));
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].filter((id) => t.get(id) !== undefined),
      ['a', 'd', 'e'],
    );
    t.add(session('f', 'f@x'));
    assert.deepEqual(
      ['a', 'd', 'e', 'f'].filter((id) => t.get(id) !== undefined),
      ['d', 'e', 'f'],
    );
  });

  test('keeps evicting in order through many sessions ended early (its order queue is compacted)', () => {
    const max = 4;
    const t = new AuthorizedSessions(max);
    for (let i = 0; i < 10_000; i++) {
      t.add(session(`x${i}`, 'x@x'));
      if (i % 3 !== 0) t.remove(`x${i}`);
    }
    // Held: the last four multiples of 3 below 10,000, oldest evicted first.
    assert.equal(t.size, max);
    assert.deepEqual(
      t.byIdentity('x@x').map((s) => s.sessionId),
      ['x9990', 'x9993', 'x9996', 'x9999'],
    );
  });

  // Regression: at the bound every authentication evicts one session, and taking the Map's first
  // key walks one hole per earlier deletion until V8 rebuilds the table (O(bound) per add). With a
  // full table that made eapd at 5,000/s use a whole core (docs/performance.md, round 4).
  test('evicts at the bound without walking the Map from its front', () => {
    const t = new AuthorizedSessions(3);
    for (const id of ['a', 'b', 'c']) t.add(session(id, `${id}@x`));
    const walks = countMapKeyWalks(() => {
      for (let i = 0; i < 100; i++) t.add(session(`n${i}`, 'n@x'));
    });
    assert.equal(walks, 0);
    assert.deepEqual(
      ['n97', 'n98', 'n99'].map((id) => t.get(id)?.sessionId),
      ['n97', 'n98', 'n99'],
    );
  });
});
