import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { extractConfigFlag, runCli, type Command } from '../../../src/ops/cli/cli.js';
import { ExitCode } from '../../../src/ops/cli/exit-codes.js';
import { configReference } from '../../../src/ops/config/doc.js';
import { repoRoot } from '../../helpers/paths.js';

function capture(): { io: { out(s: string): void; err(s: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s) => out.push(s), err: (s) => err.push(s) }, out, err };
}

describe('eapd command line', () => {
  test('--version prints the version and exits 0', async () => {
    const c = capture();
    assert.equal(await runCli(['--version'], {}, c.io, '1.2.3', {}), ExitCode.OK);
    assert.deepEqual(c.out, ['1.2.3']);
  });

  test('--help prints usage on stdout and exits 0', async () => {
    const c = capture();
    assert.equal(await runCli(['--help'], {}, c.io, 'x', {}), ExitCode.OK);
    assert.match(c.out.join('\n'), /Usage: eapd <command>/);
  });

  test('no command prints usage on stderr and exits 2', async () => {
    const c = capture();
    assert.equal(await runCli([], {}, c.io, 'x', {}), ExitCode.USAGE);
    assert.match(c.err.join('\n'), /Usage: eapd/);
  });

  test('an unknown command exits 2 and names it', async () => {
    const c = capture();
    assert.equal(await runCli(['frobnicate'], {}, c.io, 'x', {}), ExitCode.USAGE);
    assert.match(c.err.join('\n'), /unknown command 'frobnicate'/);
  });

  test('check-config exits 0 on the defaults', async () => {
    const c = capture();
    assert.equal(await runCli(['check-config'], {}, c.io, 'x', {}), ExitCode.OK);
    assert.match(c.out.join('\n'), /configuration valid/);
  });

  test('check-config exits 78 on a bad value and names the key', async () => {
    const c = capture();
    assert.equal(await runCli(['check-config'], {}, c.io, 'x', { EAPD_LOG_LEVEL: 'loud' }), ExitCode.CONFIG);
    assert.match(c.err.join('\n'), /log\.level: must be one of the possible values.*"loud".*EAPD_LOG_LEVEL/);
  });

  test('--config without a file is a usage error', async () => {
    const c = capture();
    assert.equal(await runCli(['check-config', '--config'], {}, c.io, 'x', {}), ExitCode.USAGE);
  });

  test('--config is taken wherever it stands', () => {
    assert.deepEqual(extractConfigFlag(['device', '--config', 'a.json', 'list']), {
      file: 'a.json',
      rest: ['device', 'list'],
    });
    assert.deepEqual(extractConfigFlag(['--config=b.json', 'serve']), { file: 'b.json', rest: ['serve'] });
  });

  test('a command that throws exits 1 with its message, never a stack', async () => {
    const c = capture();
    const boom: Command = async () => {
      throw new Error('store is locked');
    };
    assert.equal(await runCli(['device', 'list'], { device: boom }, c.io, 'x', {}), ExitCode.FAILURE);
    assert.deepEqual(c.err, ['eapd device: store is locked']);
  });

  test('docs/configuration.md is the generated reference (run `eapd config-doc`)', () => {
    const committed = readFileSync(join(repoRoot(), 'docs', 'configuration.md'), 'utf8');
    assert.equal(committed, configReference());
  });
});
