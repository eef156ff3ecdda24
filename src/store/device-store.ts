import type { MasterKey } from './crypto/master-key.js';
import type { Device, DeviceCredentials, ExportedDevice, NewDevice } from './device.js';

export interface ListFilter {
  readonly group?: string;
}

export interface ExportOptions {
  readonly group?: string;
  /** PSKs are decrypted into the result only when this is true. */
  readonly withPsk?: boolean;
}

/**
 * The device registry. Every refusal is a StoreError with a stable code. Async so that a
 * networked backend (PostgreSQL) can implement it too.
 */
export interface DeviceStore {
  /** Refuses EAPD_DEVICE_EXISTS, EAPD_BAD_IDENTITY, EAPD_BAD_PSK, EAPD_BAD_GROUP, EAPD_BAD_MAC, EAPD_BAD_ACCESS_POINT. */
  add(device: NewDevice): Promise<Device>;
  /** Without the PSK; undefined when unknown. */
  get(identity: string): Promise<Device | undefined>;
  /**
   * The authentication path: the device with its decrypted PSK (RFC 4764 §3.1), or undefined when
   * unknown. Disabled devices are returned too; apply `checkStationAccess` before using the PSK.
   */
  getCredentials(identity: string): Promise<DeviceCredentials | undefined>;
  /** Ordered by identity. */
  list(filter?: ListFilter): Promise<Device[]>;
  /** Refuses EAPD_DEVICE_NOT_FOUND. */
  setEnabled(identity: string, enabled: boolean): Promise<Device>;
  /** Refuses EAPD_DEVICE_NOT_FOUND. */
  remove(identity: string): Promise<void>;
  /**
   * All or nothing: validates every entry, refuses EAPD_IMPORT_CONFLICT naming every identity that
   * already exists or appears twice, and writes nothing on any refusal. Returns the count added.
   */
  importAtomic(devices: readonly NewDevice[]): Promise<number>;
  /** Ordered by identity. */
  export(options?: ExportOptions): Promise<ExportedDevice[]>;
  /** Re-encrypts every PSK under `newKey` in one transaction; returns the number of rows. */
  rotateMasterKey(newKey: MasterKey): Promise<number>;
  close(): Promise<void>;
}
