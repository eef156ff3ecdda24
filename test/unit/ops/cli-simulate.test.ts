import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runSimulateCommand } from '../../../src/ops/cli/simulate-command.js';
import { ExitCode } from '../../../src/ops/cli/exit-codes.js';

function io(): { io: { out(s: string): void; err(s: string): void }; err: string[] } {
  const err: string[] = [];
  return { io: { out: () => undefined, err: (s) => err.push(s) }, err };
}

const BASE = [
  '--server',
  '127.0.0.1:3868',
  '--identity',
  'sensor@iot.example',
  '--psk',
  '000102030405060708090a0b0c0d0e0f',
];

describe('eapd simulate: command line', () => {
  const cases: [string, string[], RegExp][] = [
    ['without --server', ['--identity', 'x', '--psk', '00'.repeat(16)], /--server HOST:PORT is required/],
    [
      'with a PSK that is not 32 hex digits',
      ['--server', '127.0.0.1:1', '--identity', 'x', '--psk', 'abc'],
      /--psk must be 32 hex digits/,
    ],
    ['with an unknown flag', [...BASE, '--frobnicate'], /frobnicate/],
    ['with --count 0', [...BASE, '--count', '0'], /--count must be a positive integer/],
    ['with an unknown --expect', [...BASE, '--expect', 'maybe'], /--expect must be success or failure/],
    ['with an unknown transport', [...BASE, '--transport', 'udp'], /transport/],
  ];
  for (const [what, args, message] of cases) {
    test(`exits 2 ${what}, naming the problem`, async () => {
      const c = io();
      assert.equal(await runSimulateCommand(args, c.io), ExitCode.USAGE);
      assert.match(c.err.join('\n'), message);
    });
  }

  test('exits 69 when nothing listens at --server', async () => {
    const c = io();
    assert.equal(
      await runSimulateCommand(
        ['--server', '127.0.0.1:1', '--identity', 'x', '--psk', '00'.repeat(16)],
        c.io,
      ),
      ExitCode.UNAVAILABLE,
    );
    assert.match(c.err.join('\n'), /cannot reach 127\.0\.0\.1:1/);
  });
});
