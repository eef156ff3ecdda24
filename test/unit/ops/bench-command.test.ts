import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchRerunArgs,
  parseBenchArgs,
  renderScenarioMarkdown,
  writeBenchResults,
  type BenchMachine,
} from '../../../src/ops/cli/bench-command.js';
import type { ScenarioResult } from '../../../bench/lib/scenario.js';
import { SERVE_NODE_FLAGS } from '../../../src/ops/serve/node-flags.js';

const KNOWN = ['micro', 'max-rate', 'latency'];

const result: ScenarioResult = {
  id: 'micro',
  title: '4. Micro-benchmarks',
  baseline: 'JSON.parse of the same DER',
  figures: { derDecodeValidateUs: 1.5, note: 'a|b' },
  targets: [
    { target: '≤ 15 µs', measured: '29.9 µs', met: false },
    { target: '≤ 2 µs', measured: '1.5 µs', met: true },
  ],
  notes: ['CPU time per call'],
};

const machine: BenchMachine = {
  node: 'v20.20.0',
  cpuModel: 'test cpu',
  cores: 2,
  pinned: true,
  quick: true,
  date: '2026-01-01T00:00:00.000Z',
  loadAverageAtStart: 1.5,
};

describe('eapd bench argument parsing', () => {
  test('defaults: every scenario, pinned, results in the default directory', () => {
    assert.deepEqual(parseBenchArgs([], '/r', KNOWN), {
      quick: false,
      only: undefined,
      outDir: '/r',
      pin: true,
      list: false,
      help: false,
      profileDir: undefined,
    });
  });

  test('reads --quick, --only, --out, --no-pin and --profile', () => {
    const a = parseBenchArgs(
      ['--quick', '--only', 'micro, latency', '--out', '/tmp/x', '--no-pin', '--profile', '/tmp/p'],
      '/r',
      KNOWN,
    );
    assert.deepEqual(a, {
      quick: true,
      only: ['micro', 'latency'],
      outDir: '/tmp/x',
      pin: false,
      list: false,
      help: false,
      profileDir: '/tmp/p',
    });
  });

  test('refuses an unknown scenario id, naming the known ones', () => {
    const a = parseBenchArgs(['--only', 'micro,nope'], '/r', KNOWN);
    assert.equal(typeof a, 'string');
    assert.match(a as string, /unknown scenario nope \(known: micro, max-rate, latency\)/);
  });

  test('refuses an unknown flag and an empty --only', () => {
    assert.equal(typeof parseBenchArgs(['--fast'], '/r', KNOWN), 'string');
    assert.match(parseBenchArgs(['--only', ','], '/r', KNOWN) as string, /at least one scenario/);
  });
});

describe('eapd bench result writing', () => {
  test('renders figures, targets with met/not met, and notes, escaping pipes', () => {
    const md = renderScenarioMarkdown(result);
    assert.match(md, /^## 4\. Micro-benchmarks\n/);
    assert.match(md, /\| derDecodeValidateUs \| 1\.5 \|/);
    assert.match(md, /\| note \| a\\\|b \|/);
    assert.match(md, /\| ≤ 15 µs \| 29\.9 µs \| \*\*no\*\* \|/);
    assert.match(md, /\| ≤ 2 µs \| 1\.5 µs \| yes \|/);
    assert.match(md, /- CPU time per call/);
  });

  test('writes <id>.json with the machine, <id>.md and summary.md naming failed scenarios', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
    try {
      const written = writeBenchResults(join(dir, 'out'), machine, [result], ['latency: eapd did not start']);
      assert.deepEqual(
        written,
        ['micro.json', 'micro.md', 'summary.md'].map((f) => join(dir, 'out', f)),
      );
      const json = JSON.parse(readFileSync(join(dir, 'out', 'micro.json'), 'utf8')) as {
        machine: BenchMachine;
        figures: Record<string, unknown>;
      };
      assert.deepEqual(json.machine, machine);
      assert.equal(json.figures.derDecodeValidateUs, 1.5);
      const summary = readFileSync(join(dir, 'out', 'summary.md'), 'utf8');
      assert.match(
        summary,
        /eapd pinned to core 0, generator to core 1 · --quick · load average 1\.5 at start/,
      );
      assert.match(summary, /- latency: eapd did not start/);
      assert.match(summary, /## 4\. Micro-benchmarks/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the bench reruns itself with the node options eapd runs with, keeping its own options and arguments', () => {
  assert.deepEqual(
    benchRerunArgs(['--cpu-prof'], ['/usr/bin/node', '/x/dist/src/main.js', 'bench', '--only', 'latency']),
    [...SERVE_NODE_FLAGS, '--cpu-prof', '/x/dist/src/main.js', 'bench', '--only', 'latency'],
  );
});
