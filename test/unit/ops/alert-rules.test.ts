import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

const ALERTS = join(repoRoot(), 'grafana', 'alerts');
const PROMTOOL_TIMEOUT_MS = 60_000;

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd: ALERTS, encoding: 'utf8', timeout: PROMTOOL_TIMEOUT_MS });
  if (r.error !== undefined) {
    throw new Error(
      `promtool could not run (${r.error.message}): install it with apt-get install prometheus`,
    );
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('alert rules with promtool', () => {
  test('promtool check rules accepts grafana/alerts/eapd-rules.yml', () => {
    const r = promtool('check', 'rules', 'eapd-rules.yml');
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS: \d+ rules found/);
  });

  test('promtool test rules: each alert fires on its condition and stays quiet otherwise', () => {
    const r = promtool('test', 'rules', 'eapd-rules.test.yml');
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /SUCCESS/);
  });
});
