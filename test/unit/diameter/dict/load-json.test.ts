import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DictionaryError } from '../../../../src/diameter/dict/dictionary-error.js';
import { buildDictionary, dictionaryFiles } from '../../../../src/diameter/dict/load-json.js';
import { testDictionary } from '../../../helpers/diameter-frames.js';
import { repoRoot } from '../../../helpers/paths.js';

type Json = Record<string, unknown>;
const dir = join(repoRoot(), 'dictionaries');
const base = (): Json => JSON.parse(readFileSync(join(dir, 'base_rfc6733.json'), 'utf8')) as Json;
const extra = (json: Json) => [
  { path: 'base_rfc6733.json', json: base() },
  { path: 'extra.json', json: { name: 'extra', ...json } },
];

function rejects(json: Json, entry: string, detail: RegExp): void {
  assert.throws(
    () => buildDictionary(extra(json)),
    (e: unknown) =>
      e instanceof DictionaryError &&
      e.file === 'extra.json' &&
      e.entry.includes(entry) &&
      detail.test(e.message) &&
      e.message.startsWith('extra.json: '),
  );
}
const avp = (o: Json): Json => ({
  name: 'Test-AVP',
  code: 60000,
  type: 'Unsigned32',
  flags: { must: 'M', mustNot: 'V' },
  ...o,
});

describe('loadDefaultDictionaries', () => {
  const dict = testDictionary();
  test('loads base, EAP and NASREQ with base first', () => {
    assert.deepEqual(
      dictionaryFiles(dir).map((p) => p.split('/').pop()),
      ['base_rfc6733.json', 'eap_rfc4072.json', 'nasreq_rfc7155.json'],
    );
    assert.deepEqual(dict.applicationIds, [0, 3, 0xffffffff, 5, 1]);
  });
  test('looks AVPs up by code and vendor and by name', () => {
    assert.equal(dict.avp(264)?.name, 'Origin-Host');
    assert.equal(dict.avp(264, 10415), undefined);
    assert.equal(dict.avpByName('EAP-Key-Name').code, 102);
    assert.equal(dict.avpByName('Origin-AAA-Protocol').code, 408);
    assert.throws(() => dict.avpByName('Nope'), /no AVP named 'Nope'/);
  });
  test('gives DER its RFC 4072 grammar with Session-Id fixed first and * [ AVP ]', () => {
    const der = dict.command(268)!;
    assert.equal(der.requestAbbrev, 'DER');
    assert.equal(der.proxiable, true);
    const sid = der.request.rules[0]!;
    assert.deepEqual(
      [sid.avp.name, sid.kind, sid.min, sid.max, sid.position],
      ['Session-Id', 'fixed', 1, 1, 0],
    );
    assert.equal(der.request.allowsAny, true);
    const eap = der.request.rules[der.request.ruleOf[dict.avpByName('EAP-Payload').index]!]!;
    assert.deepEqual([eap.kind, eap.min, eap.max], ['required', 1, 1]);
  });
  test('extends Termination-Cause with the RFC 7155 values', () => {
    assert.equal(dict.avpByName('Termination-Cause').valueSet.has(11), true);
  });
  test('parses CER qualifiers: 1* { Host-IP-Address } and * [ Auth-Application-Id ]', () => {
    const cer = dict.command(257)!.request;
    const rule = (n: string) => cer.rules[cer.ruleOf[dict.avpByName(n).index]!]!;
    assert.deepEqual([rule('Host-IP-Address').min, rule('Host-IP-Address').max], [1, Infinity]);
    assert.deepEqual([rule('Auth-Application-Id').min, rule('Auth-Application-Id').max], [0, Infinity]);
    assert.deepEqual([rule('Origin-State-Id').min, rule('Origin-State-Id').max], [0, 1]);
  });
  test('keeps answer-message with 0*1< Session-Id >', () => {
    const sid = dict.answerMessage.rules[0]!;
    assert.deepEqual([sid.avp.name, sid.min, sid.max], ['Session-Id', 0, 1]);
  });
});

describe('loader rejections (DictionaryError names file and entry)', () => {
  test('rejects a duplicate AVP code and vendor', () =>
    rejects(
      { avps: [avp({ name: 'Other-Host', code: 264 })] },
      'avp Other-Host',
      /duplicate AVP code 264 vendor 0/,
    ));
  test('rejects a duplicate AVP name', () =>
    rejects({ avps: [avp({ name: 'Origin-Host' })] }, 'avp Origin-Host', /duplicate AVP name/));
  test('rejects an unknown type', () =>
    rejects({ avps: [avp({ type: 'Unsigned16' })] }, 'avp Test-AVP', /unknown type 'Unsigned16'/));
  test('rejects an unknown vendor', () =>
    rejects({ avps: [avp({ vendorId: 10415 })] }, 'avp Test-AVP', /unknown vendor 10415/));
  test('rejects an unknown flag letter', () =>
    rejects({ avps: [avp({ flags: { must: 'X', mustNot: '' } })] }, 'avp Test-AVP', /unknown flag 'X'/));
  test('rejects a grammar naming an unknown AVP', () =>
    rejects(
      {
        avps: [
          avp({
            name: 'Test-Group',
            type: 'Grouped',
            grammar: ['< Test-Group > ::= < AVP Header: 60000 >', '{ No-Such-AVP }'],
          }),
        ],
      },
      'avp Test-Group grammar',
      /unknown AVP 'No-Such-AVP'/,
    ));
  test('rejects bad CCF syntax', () =>
    rejects(
      {
        avps: [
          avp({
            name: 'Test-Group',
            type: 'Grouped',
            grammar: ['< Test-Group > ::= < AVP Header: 60000 >', '{ Origin-Host ]'],
          }),
        ],
      },
      'avp Test-Group grammar',
      /bad CCF syntax: '\{' closed by '\]'/,
    ));
  test('rejects an optional rule with a minimum', () =>
    rejects(
      {
        avps: [
          avp({
            name: 'Test-Group',
            type: 'Grouped',
            grammar: '< Test-Group > ::= < AVP Header: 60000 > 2* [ Origin-Host ]',
          }),
        ],
      },
      'avp Test-Group grammar',
      /min MUST be 0/,
    ));
  test('rejects a fixed rule after a required one', () =>
    rejects(
      {
        avps: [
          avp({
            name: 'Test-Group',
            type: 'Grouped',
            grammar: '< Test-Group > ::= < AVP Header: 60000 > { Origin-Host } < Session-Id >',
          }),
        ],
      },
      'avp Test-Group grammar',
      /fixed rule/,
    ));
  test('rejects a grouped header code that is not the AVP code', () =>
    rejects(
      {
        avps: [
          avp({
            name: 'Test-Group',
            type: 'Grouped',
            grammar: '< Test-Group > ::= < AVP Header: 1 > { Origin-Host }',
          }),
        ],
      },
      'avp Test-Group grammar',
      /AVP Header: 60000/,
    ));
  test('rejects an enum name that is not UPPER_SNAKE_CASE', () =>
    rejects(
      { avps: [avp({ type: 'Enumerated', enum: { 'all-user': 6 } })] },
      'avp Test-AVP',
      /bad enum: name 'all-user'/,
    ));
  test('rejects an enum value out of the Integer32 range', () =>
    rejects(
      { avps: [avp({ type: 'Enumerated', enum: { BIG: 2 ** 31 } })] },
      'avp Test-AVP',
      /bad enum: value of BIG/,
    ));
  test('rejects two enum names with one value', () =>
    rejects({ avps: [avp({ type: 'Enumerated', enum: { A: 1, B: 1 } })] }, 'avp Test-AVP', /share value 1/));
  test('rejects an Enumerated AVP without enum', () =>
    rejects({ avps: [avp({ type: 'Enumerated' })] }, 'avp Test-AVP', /needs "enum"/));
  test('rejects an enum extension of a non-Enumerated AVP', () =>
    rejects(
      { enumExtensions: { 'Origin-Host': { X: 1 } } },
      'enumExtensions Origin-Host',
      /not an Enumerated AVP/,
    ));
  test('rejects a duplicate command code', () =>
    rejects(
      {
        commands: [
          {
            name: 'Again',
            request: 'AGR',
            answer: 'AGA',
            code: 257,
            applicationId: 0,
            proxiable: false,
            requestGrammar: '<AGR> ::= < Diameter Header: 257, REQ > { Origin-Host }',
            answerGrammar: '<AGA> ::= < Diameter Header: 257 > { Origin-Host }',
          },
        ],
      },
      'command Again',
      /duplicate command code 257/,
    ));
  test('rejects a request grammar without REQ', () =>
    rejects(
      {
        commands: [
          {
            name: 'Test',
            request: 'TR',
            answer: 'TA',
            code: 9999,
            applicationId: 0,
            proxiable: false,
            requestGrammar: '<TR> ::= < Diameter Header: 9999 > { Origin-Host }',
            answerGrammar: '<TA> ::= < Diameter Header: 9999 > { Origin-Host }',
          },
        ],
      },
      'command Test requestGrammar',
      /lacks REQ/,
    ));
  test('rejects PXY that disagrees with proxiable', () =>
    rejects(
      {
        commands: [
          {
            name: 'Test',
            request: 'TR',
            answer: 'TA',
            code: 9999,
            applicationId: 0,
            proxiable: true,
            requestGrammar: '<TR> ::= < Diameter Header: 9999, REQ > { Origin-Host }',
            answerGrammar: '<TA> ::= < Diameter Header: 9999, PXY > { Origin-Host }',
          },
        ],
      },
      'command Test requestGrammar',
      /PXY disagrees/,
    ));
  test('rejects a file that is not JSON, naming the file', () => {
    assert.throws(
      () => buildDictionary([{ path: 'x/broken.json', json: 42 }]),
      /^DictionaryError: broken\.json: \(file\): not a JSON object$/,
    );
  });
});
