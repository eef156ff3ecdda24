/** Stable codes for every refusal of the device store; callers switch on `code`, never on text. */
export const StoreErrorCode = {
  DeviceExists: 'EAPD_DEVICE_EXISTS',
  DeviceNotFound: 'EAPD_DEVICE_NOT_FOUND',
  BadIdentity: 'EAPD_BAD_IDENTITY',
  BadPsk: 'EAPD_BAD_PSK',
  BadGroup: 'EAPD_BAD_GROUP',
  BadMac: 'EAPD_BAD_MAC',
  BadAccessPoint: 'EAPD_BAD_ACCESS_POINT',
  ImportConflict: 'EAPD_IMPORT_CONFLICT',
  ImportInvalid: 'EAPD_IMPORT_INVALID',
  StoreClosed: 'EAPD_STORE_CLOSED',
  StoreUrlInvalid: 'EAPD_STORE_URL_INVALID',
  StoreNotImplemented: 'EAPD_STORE_NOT_IMPLEMENTED',
  StoreOpenFailed: 'EAPD_STORE_OPEN_FAILED',
  SchemaTooNew: 'EAPD_SCHEMA_TOO_NEW',
  MasterKeyPermissions: 'EAPD_MASTER_KEY_PERMISSIONS',
  MasterKeyInvalid: 'EAPD_MASTER_KEY_INVALID',
  MasterKeyMissing: 'EAPD_MASTER_KEY_MISSING',
  MasterKeyMismatch: 'EAPD_MASTER_KEY_MISMATCH',
  PskUnreadable: 'EAPD_PSK_UNREADABLE',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export interface StoreErrorDetails {
  /** Identities the refusal is about (every conflicting one for an import). */
  readonly identities?: readonly string[];
  /** Zero-based position in an import list. */
  readonly index?: number;
}

/** The one error type the store throws for a refusal. Messages never contain key material. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly details: StoreErrorDetails;

  constructor(
    code: StoreErrorCode,
    message: string,
    details: StoreErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
