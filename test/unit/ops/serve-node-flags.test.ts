import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { missingServeNodeFlags, SERVE_NODE_FLAGS } from '../../../src/ops/serve/node-flags.js';
import { repoRoot } from '../../helpers/paths.js';

test('npm start runs eapd serve with the node options the benchmark measured', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  assert.equal(pkg.scripts.start, `node ${SERVE_NODE_FLAGS.join(' ')} dist/src/main.js serve`);
});

test('the systemd unit in docs/operations.md passes the same node options', () => {
  const ops = readFileSync(join(repoRoot(), 'docs', 'operations.md'), 'utf8');
  const execStart = ops.split('\n').find((line) => line.startsWith('ExecStart='));
  assert.ok(execStart !== undefined, 'docs/operations.md has no ExecStart= line');
  for (const flag of SERVE_NODE_FLAGS)
    assert.ok(execStart.includes(` ${flag} `), `${flag} missing: ${execStart}`);
});

test('names the runtime options a process was started without, from its command line or NODE_OPTIONS', () => {
  assert.deepEqual(missingServeNodeFlags([]), [...SERVE_NODE_FLAGS]);
  assert.deepEqual(missingServeNodeFlags([...SERVE_NODE_FLAGS]), []);
  assert.deepEqual(missingServeNodeFlags(['--enable-source-maps'], ` ${SERVE_NODE_FLAGS.join(' ')} `), []);
  // Another value is the operator's choice.
  assert.deepEqual(missingServeNodeFlags(['--initial-old-space-size=512']), []);
  assert.deepEqual(missingServeNodeFlags(['--v8-pool-size=0']), [...SERVE_NODE_FLAGS]);
});
