import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLabels, DEFAULT_LABEL_LIMITS } from '../../../../src/ops/metrics/labels.js';

describe('createLabels: redirectRule', () => {
  test('keeps the rule name `eapd group move` writes (group:<group>) instead of folding it into other', () => {
    const labels = createLabels(DEFAULT_LABEL_LIMITS);
    assert.equal(labels.redirectRule.value('group:meters'), 'group:meters');
    assert.equal(labels.redirectRule.value('meters-to-b.v2_1'), 'meters-to-b.v2_1');
  });

  test('declares a group rule ahead of traffic', () => {
    const labels = createLabels(DEFAULT_LABEL_LIMITS);
    assert.equal(labels.redirectRule.declare('group:meters'), true);
    assert.deepEqual(labels.redirectRule.knownValues(), ['group:meters']);
  });

  test('still folds a NAI-like name, a name the store refuses and an over-long name into other', () => {
    const labels = createLabels(DEFAULT_LABEL_LIMITS);
    assert.equal(labels.redirectRule.value('meter-1@iot.example'), 'other');
    assert.equal(labels.redirectRule.value('has space'), 'other');
    assert.equal(labels.redirectRule.value(':leading-colon'), 'other');
    assert.equal(labels.redirectRule.value(`r${'x'.repeat(64)}`), 'other');
  });
});
