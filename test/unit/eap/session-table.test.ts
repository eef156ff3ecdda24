import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionTable } from '../../../src/eap/session-table.js';

function clock(start = 1_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('SessionTable', () => {
  test('stores, reads and deletes conversations by key', () => {
    const table = new SessionTable<string>({ maxEntries: 10, timeoutMs: 1000 });
    assert.deepEqual(table.insert('a', 'A'), { ok: true });
    assert.equal(table.get('a'), 'A');
    assert.equal(table.size, 1);
    assert.equal(table.delete('a'), true);
    assert.equal(table.get('a'), undefined);
    assert.equal(table.size, 0);
  });

  test('refuses a new key beyond the cap with too_busy and keeps the existing entries', () => {
    const c = clock();
    const table = new SessionTable<number>({ maxEntries: 2, timeoutMs: 1000, now: c.now });
    table.insert('a', 1);
    table.insert('b', 2);
    assert.deepEqual(table.insert('c', 3), { ok: false, reason: 'too_busy' });
    assert.equal(table.get('c'), undefined);
    assert.equal(table.size, 2);
    assert.deepEqual(table.insert('a', 10), { ok: true }, 'replacing an existing key is allowed at the cap');
    assert.equal(table.get('a'), 10);
  });

  test('frees expired entries when full, so an insert at the cap succeeds after expiry', () => {
    const c = clock();
    const table = new SessionTable<number>({ maxEntries: 1, timeoutMs: 1000, now: c.now });
    table.insert('a', 1);
    c.advance(1000);
    assert.deepEqual(table.insert('b', 2), { ok: true });
    assert.equal(table.size, 1);
  });

  test('hides an expired entry and sweep removes exactly the expired ones, reporting each', () => {
    const c = clock();
    const expired: string[] = [];
    const table = new SessionTable<number>({
      maxEntries: 10,
      timeoutMs: 1000,
      now: c.now,
      onExpire: (k) => expired.push(k),
    });
    table.insert('old', 1);
    c.advance(600);
    table.insert('new', 2);
    c.advance(400);
    assert.equal(table.get('old'), undefined);
    assert.equal(table.get('new'), 2);
    assert.equal(table.sweep(c.now()), 1);
    assert.deepEqual(expired, ['old']);
    assert.equal(table.size, 1);
  });

  test('touch restarts the timeout of a live entry', () => {
    const c = clock();
    const table = new SessionTable<number>({ maxEntries: 10, timeoutMs: 1000, now: c.now });
    table.insert('a', 1);
    table.insert('b', 2);
    c.advance(900);
    assert.equal(table.touch('a'), true);
    c.advance(500);
    assert.equal(table.sweep(), 1, 'b expired, a was touched');
    assert.equal(table.get('a'), 1);
    assert.equal(table.touch('b'), false);
  });

  test("sweeps from an unref'd timer until stopped", async () => {
    let t = 0;
    const table = new SessionTable<number>({ maxEntries: 10, timeoutMs: 5, now: () => t });
    table.insert('a', 1);
    t = 10;
    table.startSweeper(5);
    await new Promise((r) => setTimeout(r, 30));
    table.stopSweeper();
    assert.equal(table.size, 0);
  });
});
