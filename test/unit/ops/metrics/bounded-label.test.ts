import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedLabel } from '../../../../src/ops/metrics/bounded-label.js';

describe('BoundedLabel', () => {
  test('keeps known values and admits pattern matches up to the cap, then answers other', () => {
    const l = new BoundedLabel({ known: ['a'], pattern: /^[a-z]+$/, maxExtra: 2 });
    assert.equal(l.value('a'), 'a');
    assert.equal(l.value('b'), 'b');
    assert.equal(l.value('c'), 'c');
    assert.equal(l.value('d'), 'other');
    assert.equal(l.value('b'), 'b', 'an admitted value stays admitted');
    assert.equal(l.value('B'), 'other');
    assert.equal(l.value(7), 'other');
  });

  test('never admits an IP address, a MAC address or a NAI, even when declared', () => {
    const l = new BoundedLabel({ known: [], pattern: /^.+$/, maxExtra: 100 });
    for (const v of [
      '10.0.0.1',
      '2001:db8::1',
      '02:aa:bb:cc:dd:ee',
      '02-AA-BB-CC-DD-EE',
      '02aabbccddee',
      'user@realm.example',
    ]) {
      assert.equal(l.value(v), 'other', v);
      assert.equal(l.declare(v), false, v);
    }
  });

  test('maps spellings onto the canonical value', () => {
    const l = new BoundedLabel({ known: ['OKAY'], maxExtra: 0, canonical: (s) => s.toUpperCase() });
    assert.equal(l.value('okay'), 'OKAY');
    assert.equal(l.value('other-state'), 'other');
  });

  test('declare() refuses values outside the pattern and lists declared values', () => {
    const l = new BoundedLabel({ known: [], pattern: /^[a-z.]+$/, maxExtra: 0 });
    assert.equal(l.declare('peer.example'), true);
    assert.equal(l.declare('Bad Name'), false);
    assert.deepEqual(l.knownValues(), ['peer.example']);
    assert.equal(l.value('peer.example'), 'peer.example');
  });
});
