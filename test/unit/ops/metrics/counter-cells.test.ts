import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { CounterCells, MAX_CELLS } from '../../../../src/ops/metrics/counter-cells.js';

function counter(registry: Registry): Counter<'kind'> {
  return new Counter({
    name: 'test_events_total',
    help: 'h',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
}

async function valueOf(registry: Registry, kind: string): Promise<number | undefined> {
  const [metric] = await registry.getMetricsAsJSON();
  return metric?.values.find((v) => v.labels['kind'] === kind)?.value;
}

describe('CounterCells', () => {
  test('a registry read sees every event counted into a cell', async () => {
    const registry = new Registry();
    const cells = new CounterCells(counter(registry));
    for (let i = 0; i < 5; i++) cells.add('a', undefined, undefined, 'a', (k) => ({ kind: k }));
    cells.add('b', undefined, undefined, 'b', (k) => ({ kind: k }));
    assert.equal(await valueOf(registry, 'a'), 5);
    assert.equal(await valueOf(registry, 'b'), 1);
    // Counts after a read are added to what was read, never lost or doubled.
    cells.add('a', undefined, undefined, 'a', (k) => ({ kind: k }));
    assert.match(await registry.metrics(), /test_events_total\{kind="a"\} 6/);
    assert.equal(await valueOf(registry, 'a'), 6);
  });

  test('maps the labels of a key once, on its first event', () => {
    const registry = new Registry();
    const cells = new CounterCells(counter(registry));
    let calls = 0;
    const map = (k: string) => {
      calls += 1;
      return { kind: k };
    };
    for (let i = 0; i < 10; i++) cells.add('a', undefined, undefined, 'a', map);
    assert.equal(calls, 1);
  });

  test('reset keeps the counts and maps labels afresh', async () => {
    const registry = new Registry();
    const cells = new CounterCells(counter(registry));
    cells.add('x', undefined, undefined, 'x', () => ({ kind: 'other' }));
    cells.reset();
    cells.add('x', undefined, undefined, 'x', () => ({ kind: 'x' }));
    assert.equal(await valueOf(registry, 'other'), 1);
    assert.equal(await valueOf(registry, 'x'), 1);
  });

  test('beyond MAX_CELLS keys, events are counted straight into the counter', async () => {
    const registry = new Registry();
    const cells = new CounterCells(counter(registry));
    for (let i = 0; i < MAX_CELLS + 3; i++)
      cells.add(`k${i}`, undefined, undefined, 'same', (k) => ({ kind: k }));
    assert.equal(await valueOf(registry, 'same'), MAX_CELLS + 3);
  });
});
