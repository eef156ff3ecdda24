import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCsv, parseCsv } from '../../../src/ops/cli/csv.js';
import { formatDeviceCsv, parseDeviceCsv } from '../../../src/ops/cli/device-csv.js';

const HEADER = 'identity,psk,group,enabled,allowed_aps,allowed_macs';
const PSK_HEX = '000102030405060708090a0b0c0d0e0f';

describe('CSV (RFC 4180)', () => {
  test('reads quoted fields with commas, doubled quotes and line breaks, and CRLF or LF records', () => {
    const { records, errors } = parseCsv('a,"b,1","say ""hi"""\r\n"multi\nline",x,\ny,z,w');
    assert.deepEqual(errors, []);
    assert.deepEqual(records, [
      { line: 1, fields: ['a', 'b,1', 'say "hi"'] },
      { line: 2, fields: ['multi\nline', 'x', ''] },
      { line: 4, fields: ['y', 'z', 'w'] },
    ]);
  });
  test('reports every malformed record with its line and goes on', () => {
    const { records, errors } = parseCsv('ok,1\nba"d,2\nok,3\n"x"y,4\nok,5\n"open');
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 3, 5],
    );
    assert.deepEqual(
      errors.map((e) => e.line),
      [2, 4, 6],
    );
  });
  test('round-trips what it formats', () => {
    const rows = [['a', 'b,c', 'd"e', 'f\r\ng', ' lead', '']];
    assert.deepEqual(parseCsv(formatCsv(rows)).records[0]?.fields, rows[0]);
  });
});

describe('device CSV', () => {
  test('reads devices with defaults, lists and any column order', () => {
    const text = `psk,identity,group,enabled,allowed_aps,allowed_macs\n${PSK_HEX},a@x,,,"00-10-A4-23-19-C0:Office;00:10:a4:23:19:c1",aabbccddeeff\n`;
    const { devices, errors } = parseDeviceCsv(text);
    assert.deepEqual(errors, []);
    assert.equal(devices.length, 1);
    const d = devices[0]!.device;
    assert.equal(d.identity, 'a@x');
    assert.equal(d.group, 'default');
    assert.equal(d.enabled, true);
    assert.deepEqual(d.allowedAps, ['00-10-A4-23-19-C0:Office', '00-10-A4-23-19-C1']);
    assert.deepEqual(d.allowedMacs, ['AA-BB-CC-DD-EE-FF']);
  });
  test('reports every bad line with its number and every problem on it', () => {
    const text = [
      HEADER,
      `a@x,${PSK_HEX},,,,`,
      `b@x,${PSK_HEX.substring(2)},,maybe,,`,
      `,${PSK_HEX},,,,zz`,
      `a@x,${PSK_HEX},,,,`,
      'c@x,,,,,',
      'too,few',
    ].join('\n');
    const { errors } = parseDeviceCsv(text);
    assert.equal(errors.length, 5);
    assert.match(errors[0]!, /^line 3: psk: .*32 hex digits.*; enabled: "maybe"/);
    assert.match(errors[1]!, /^line 4: identity: bad identity: it is empty; allowed_macs: not a MAC/);
    assert.match(errors[2]!, /^line 5: identity "a@x" is also on line 2$/);
    assert.match(errors[3]!, /^line 6: psk: it is empty$/);
    assert.match(errors[4]!, /^line 7: 2 fields, expected 6$/);
  });
  test('refuses a header with a missing or unknown column', () => {
    const { errors } = parseDeviceCsv('identity,psk,group,enabled,allowed_aps,colour\n');
    assert.deepEqual(errors, ['line 1: unknown column "colour"; missing column allowed_macs']);
  });
  test('writes the import format and leaves psk empty when absent', () => {
    const csv = formatDeviceCsv([
      {
        identity: 'a@x',
        group: 'g',
        enabled: false,
        allowedAps: ['00-10-A4-23-19-C0:Office'],
        allowedMacs: ['AA-BB-CC-DD-EE-FF', 'AA-BB-CC-DD-EE-00'],
        createdAt: 't',
        updatedAt: 't',
      },
    ]);
    assert.equal(
      csv,
      `${HEADER}\r\na@x,,g,false,00-10-A4-23-19-C0:Office,AA-BB-CC-DD-EE-FF;AA-BB-CC-DD-EE-00\r\n`,
    );
  });
});
