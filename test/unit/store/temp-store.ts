import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A fresh temp directory, removed when the test file ends. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eapd-store-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The test-vector PSK of hostapd's sensor-0001 (shared/interop/hostapd/eap_user). */
export const PSK_HEX = '000102030405060708090a0b0c0d0e0f';
export const PSK = Buffer.from(PSK_HEX, 'hex');
export const OTHER_PSK = Buffer.from('f0e1d2c3b4a5968778695a4b3c2d1e0f', 'hex');
