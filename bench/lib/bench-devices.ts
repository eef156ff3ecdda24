import { createHash } from 'node:crypto';
import { derivePskKeys, type PskKeys } from '../../src/eap/index.js';
import type { DeviceStore } from '../../src/store/device-store.js';
import type { NewDevice } from '../../src/store/device.js';

/** The realm of every simulated device. */
export const BENCH_REALM = 'bench.example';
/** RFC 4764 §3.1: a PSK is 16 octets. */
const PSK_LENGTH = 16;
/** Devices per import transaction when filling the registry (bounded memory for 1M devices). */
const IMPORT_BATCH = 50_000;

/** A simulated device: its NAI and the keys the generator's EAP-PSK peer uses. */
export interface BenchDevice {
  readonly identity: string;
  readonly keys: PskKeys;
}

export function benchIdentity(index: number): string {
  return `dev-${index.toString().padStart(7, '0')}@${BENCH_REALM}`;
}

/** Each device's own PSK, derived from its index so that store and generator agree without sharing files. */
export function benchPsk(index: number): Buffer {
  return createHash('sha256').update(`eapd-bench-psk:${index}`).digest().subarray(0, PSK_LENGTH);
}

/** Devices 0..count-1 with their AK/KDK derived once (the peer side caches them, like eapd). */
export function benchDevices(count: number, stride = 1): BenchDevice[] {
  const out: BenchDevice[] = [];
  for (let i = 0; i < count; i++) {
    const index = i * stride;
    out.push({ identity: benchIdentity(index), keys: derivePskKeys(benchPsk(index)) });
  }
  return out;
}

/** Adds devices 0..count-1 to the registry, in bounded transactions. */
export async function fillRegistry(store: DeviceStore, count: number): Promise<void> {
  for (let start = 0; start < count; start += IMPORT_BATCH) {
    const batch: NewDevice[] = [];
    for (let i = start; i < Math.min(count, start + IMPORT_BATCH); i++)
      batch.push({ identity: benchIdentity(i), psk: benchPsk(i) });
    await store.importAtomic(batch);
  }
}
