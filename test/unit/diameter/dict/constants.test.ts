import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as C from '../../../../src/diameter/dict/constants.gen.js';
import { constantsPath, renderConstants } from '../../../../scripts/gen-dict-constants.js';
import { testDictionary } from '../../../helpers/diameter-frames.js';
import { repoRoot } from '../../../helpers/paths.js';

describe('constants.gen.ts', () => {
  test('regenerating from dictionaries/ gives the committed text', () => {
    assert.equal(renderConstants(testDictionary()), readFileSync(constantsPath(repoRoot()), 'utf8'));
  });
  test('every generated object maps distinct names to distinct codes', () => {
    for (const [name, obj] of Object.entries(C)) {
      const values = Object.values(obj as Record<string, number>);
      assert.equal(new Set(values).size, values.length, `${name} has two names for one value`);
    }
  });
  test('names the RFC 6733 codes right (no go-diameter style UnknownUser = 5001 collision)', () => {
    assert.equal(C.ResultCode.DIAMETER_AVP_UNSUPPORTED, 5001);
    assert.equal(C.ResultCode.DIAMETER_SUCCESS, 2001);
    assert.equal(C.ResultCode.ELECTION_LOST, 4003);
    assert.equal(C.AvpCode.OriginHost, 264);
    assert.equal(C.AvpCode.EAPKeyName, 102);
    assert.equal(C.CommandCode.DiameterEAP, 268);
    assert.equal(C.ApplicationId.DiameterEAP, 5);
    assert.equal(C.RedirectHostUsage.ALL_USER, 6);
    assert.equal(C.DisconnectCause.DO_NOT_WANT_TO_TALK_TO_YOU, 2);
  });
});
