import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_DEFAULTS } from '../../../src/app/eap-application.js';
import { schema } from '../../../src/ops/config/schema.js';
import { steadyStateAuthentications } from '../../../bench/lib/steady-state.js';

test('the steady-state fill overflows every table eapd bounds by default', () => {
  const n = steadyStateAuthentications();
  // One authorized session per success, never ended by an STR from the generator.
  assert.ok(n > APP_DEFAULTS.maxAuthorizedSessions);
  // Three DERs per authentication, each leaving one answer for duplicate detection.
  assert.ok(n * 3 > schema.diameter.duplicateMaxEntries.default);
});
