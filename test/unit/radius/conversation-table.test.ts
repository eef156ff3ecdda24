import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/manual-clock.js';
import { ConversationTable, STATE_LENGTH } from '../../../src/radius/conversation-table.js';
import { ConversationEnd, type EapConversation } from '../../../src/radius/eap-backend.js';

function fixture(maxEntries = 3) {
  const clock = new ManualClock(1_000);
  const closed: string[] = [];
  const ended: string[] = [];
  const table = new ConversationTable({
    idleMs: 60_000,
    maxEntries,
    clock,
    onEnd: (_c, reason) => ended.push(reason),
  });
  const eap = (name: string): EapConversation => ({
    process: () => ({ kind: 'invalid', reason: 'unused', reissue: undefined }),
    close: (reason) => closed.push(`${name}:${reason}`),
  });
  return { table, eap, closed, ended, advance: (ms: number) => clock.advance(ms) };
}

const context = { clientName: 'nas', sourceAddress: '127.0.0.1' };

describe('ConversationTable', () => {
  test('issues distinct random 16-octet States and finds a conversation by State and client', () => {
    const { table, eap } = fixture();
    const a = table.create('nas', context, eap('a'));
    const b = table.create('nas', context, eap('b'));
    assert.equal(a.state.length, STATE_LENGTH);
    assert.notDeepEqual(a.state, b.state);
    assert.equal(table.find(Buffer.from(a.state), 'nas'), a);
    assert.equal(table.find(a.state, 'other-nas'), undefined);
    assert.equal(table.find(a.state.subarray(0, 15), 'nas'), undefined);
  });

  test('forgets a conversation idle past its deadline and closes it with timeout', () => {
    const { table, eap, closed, ended, advance } = fixture();
    const a = table.create('nas', context, eap('a'));
    advance(59_999);
    assert.equal(table.find(a.state, 'nas'), a);
    table.touch(a);
    advance(59_999);
    assert.equal(table.find(a.state, 'nas'), a);
    advance(1);
    assert.equal(table.find(a.state, 'nas'), undefined);
    assert.deepEqual(closed, ['a:timeout']);
    assert.deepEqual(ended, ['timeout']);
  });

  test('sweeps idle conversations and leaves fresh ones', () => {
    const { table, eap, closed, advance } = fixture();
    table.create('nas', context, eap('old'));
    advance(30_000);
    const fresh = table.create('nas', context, eap('fresh'));
    advance(30_000);
    assert.equal(table.sweep(), 1);
    assert.deepEqual(closed, ['old:timeout']);
    assert.equal(table.find(fresh.state, 'nas'), fresh);
  });

  test('evicts the least recently used conversation when full', () => {
    const { table, eap, closed } = fixture(2);
    const a = table.create('nas', context, eap('a'));
    table.create('nas', context, eap('b'));
    table.touch(a);
    table.create('nas', context, eap('c'));
    assert.deepEqual(closed, ['b:evicted']);
    assert.equal(table.size, 2);
  });

  test('closes each conversation exactly once', () => {
    const { table, eap, closed } = fixture();
    const a = table.create('nas', context, eap('a'));
    table.end(a, ConversationEnd.Success);
    table.end(a, ConversationEnd.Error);
    table.clear(ConversationEnd.Shutdown);
    assert.deepEqual(closed, ['a:success']);
  });
});
