/** Default group of a device added without one. */
export const DEFAULT_GROUP = 'default';

/** RFC 4764 §3.1: the EAP-PSK PSK is 16 bytes. */
export const PSK_LENGTH = 16;

/** A device as the registry shows it: never with its PSK. */
export interface Device {
  /** The NAI the device sends as EAP-PSK ID_P (RFC 4764 §5.2); unique, case-sensitive. */
  readonly identity: string;
  readonly group: string;
  readonly enabled: boolean;
  /** Canonical allowed-AP rules (`AA-BB-CC-DD-EE-FF[:SSID]`); empty = any AP. */
  readonly allowedAps: readonly string[];
  /** Canonical allowed Calling-Station-Id MACs (`AA-BB-CC-DD-EE-FF`); empty = any MAC. */
  readonly allowedMacs: readonly string[];
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  /** ISO 8601 UTC. */
  readonly updatedAt: string;
}

/** A device with its decrypted PSK, for the authentication path only. */
export interface DeviceCredentials extends Device {
  readonly psk: Buffer;
}

/** What `export` yields: the PSK only when asked for. */
export interface ExportedDevice extends Device {
  readonly psk?: Buffer;
}

/** Input for add / importAtomic. Lists are normalised on the way in. */
export interface NewDevice {
  readonly identity: string;
  readonly psk: Buffer;
  readonly group?: string;
  readonly enabled?: boolean;
  readonly allowedAps?: readonly string[];
  readonly allowedMacs?: readonly string[];
}

/** A validated, normalised NewDevice. */
export interface ValidDevice {
  readonly identity: string;
  readonly psk: Buffer;
  readonly group: string;
  readonly enabled: boolean;
  readonly allowedAps: readonly string[];
  readonly allowedMacs: readonly string[];
}
