import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/util/manual-clock.js';

describe('ManualClock', () => {
  test('stays still until advanced', () => {
    const c = new ManualClock(5);
    assert.equal(c.now(), 5);
    c.advance(10);
    assert.equal(c.now(), 15);
  });

  test('refuses to go backwards', () => {
    assert.throws(() => new ManualClock().advance(-1), RangeError);
    assert.throws(() => new ManualClock().advance(Number.NaN), RangeError);
  });
});
