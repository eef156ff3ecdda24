import { AppFailureReason } from '../../app/auth-result.js';
import { EapFailureReason } from '../../eap/failure-reason.js';

/**
 * The label values eapd knows before any traffic. Every series built from these is created at 0
 * when the metrics start, so `rate()` and alert expressions have data from the first scrape.
 * No list here can ever hold a device identity, a MAC address, a Session-Id or an IP address.
 */

export const AUTH_METHODS = ['psk', 'none'] as const;
export const AUTH_RESULTS = ['success', 'failure'] as const;
export const AUTH_TRANSPORTS = ['diameter', 'radius'] as const;

/**
 * Every EapFailureReason of the EAP engine (RFC 4764 checks, RFC 3748 Nak, RFC 4072 invalid
 * packets, `policy_rejected`), plus every AppFailureReason the fronts decide themselves: `timeout`
 * (Multi-Round-Time-Out expired, RFC 4072 §2.1), `session_terminated` (STR mid-conversation,
 * RFC 6733 §8.4), `evicted`, `internal_error`, `shutdown`. Other `policy_*` values are admitted
 * by pattern.
 */
export const EAP_FAILURE_REASONS: readonly string[] = [
  ...Object.values(EapFailureReason),
  ...Object.values(AppFailureReason),
];
export const EAP_FAILURE_REASON_PATTERN = /^(policy_[a-z0-9_]{1,40}|[a-z][a-z0-9_]{1,40})$/;

/** RFC 6733 §5.6 peer states (table in §5.6), written as in the RFC. */
export const PEER_STATES = [
  'Closed',
  'Wait-Conn-Ack',
  'Wait-I-CEA',
  'Wait-Conn-Ack/Elect',
  'Wait-Returns',
  'R-Open',
  'I-Open',
  'Closing',
] as const;

/** RFC 3539 Appendix A watchdog states. */
export const WATCHDOG_STATES = ['INITIAL', 'OKAY', 'SUSPECT', 'DOWN', 'REOPEN'] as const;

/** RFC 3539 Appendix A transitions (connection up/down, timeouts, DWA received). */
export const WATCHDOG_TRANSITIONS: readonly (readonly [string, string])[] = [
  ['INITIAL', 'OKAY'],
  ['OKAY', 'SUSPECT'],
  ['OKAY', 'DOWN'],
  ['SUSPECT', 'OKAY'],
  ['SUSPECT', 'DOWN'],
  ['DOWN', 'REOPEN'],
  ['REOPEN', 'OKAY'],
  ['REOPEN', 'DOWN'],
];

/** Diameter command short names eapd sends or receives (RFC 6733 §3.1, §5; RFC 4072 §3). */
export const DIAMETER_COMMANDS = [
  ['CER', 'CEA'],
  ['DWR', 'DWA'],
  ['DPR', 'DPA'],
  ['DER', 'DEA'],
  ['STR', 'STA'],
  ['ASR', 'ASA'],
  ['RAR', 'RAA'],
] as const;
export const DIAMETER_COMMAND_PATTERN = /^[A-Z]{2,4}$/;

/** Result-Codes (RFC 6733 §7.1, RFC 4072 §2) eapd may put in an answer. */
export const ResultCode = {
  MultiRoundAuth: 1001,
  Success: 2001,
  CommandUnsupported: 3001,
  UnableToDeliver: 3002,
  RealmNotServed: 3003,
  TooBusy: 3004,
  LoopDetected: 3005,
  RedirectIndication: 3006,
  ApplicationUnsupported: 3007,
  InvalidHdrBits: 3008,
  InvalidAvpBits: 3009,
  UnknownPeer: 3010,
  AuthenticationRejected: 4001,
  AvpUnsupported: 5001,
  UnknownSessionId: 5002,
  InvalidAvpValue: 5004,
  MissingAvp: 5005,
  AvpNotAllowed: 5008,
  AvpOccursTooManyTimes: 5009,
  NoCommonApplication: 5010,
  UnsupportedVersion: 5011,
  UnableToComply: 5012,
  InvalidBitInHeader: 5013,
  InvalidAvpLength: 5014,
  InvalidMessageLength: 5015,
} as const;

/** RFC 6733 §7.1: Result-Code values are 1xxx to 5xxx. */
export const RESULT_CODE_MIN = 1000;
export const RESULT_CODE_MAX = 5999;

/** Which (answer, Result-Code) series start at 0. */
export const KNOWN_ANSWERS: readonly (readonly [string, readonly number[]])[] = [
  ['DEA', Object.values(ResultCode)],
  ['CEA', [ResultCode.Success, ResultCode.UnknownPeer, ResultCode.NoCommonApplication]],
  ['DWA', [ResultCode.Success]],
  ['DPA', [ResultCode.Success]],
  ['STA', [ResultCode.Success, ResultCode.UnknownSessionId]],
];

/** `reason` of decode errors: `framing`, or the name of the Result-Code the error maps to. */
export const DECODE_ERROR_REASONS = [
  'framing',
  'DIAMETER_COMMAND_UNSUPPORTED',
  'DIAMETER_INVALID_HDR_BITS',
  'DIAMETER_INVALID_AVP_BITS',
  'DIAMETER_AVP_UNSUPPORTED',
  'DIAMETER_INVALID_AVP_VALUE',
  'DIAMETER_MISSING_AVP',
  'DIAMETER_AVP_NOT_ALLOWED',
  'DIAMETER_AVP_OCCURS_TOO_MANY_TIMES',
  'DIAMETER_UNSUPPORTED_VERSION',
  'DIAMETER_INVALID_BIT_IN_HEADER',
  'DIAMETER_INVALID_AVP_LENGTH',
  'DIAMETER_INVALID_MESSAGE_LENGTH',
] as const;
export const DECODE_ERROR_PATTERN = /^(framing|DIAMETER_[A-Z_]{1,60})$/;

export const PEER_REFUSED_REASON_PATTERN = /^[a-z][a-z0-9_-]{0,40}$/;
export const TRANSPORTS = ['tcp', 'tls', 'sctp'] as const;

/** RFC 6733 §6.13 Redirect-Host-Usage values, by their numeric value. */
export const REDIRECT_USAGES = [
  'DONT_CACHE',
  'ALL_SESSION',
  'ALL_REALM',
  'REALM_AND_APPLICATION',
  'ALL_APPLICATION',
  'ALL_HOST',
  'ALL_USER',
] as const;

/** RADIUS packet type names (RFC 2865 §3, RFC 2866 §3, RFC 5997, RFC 5176 §2). */
export const RADIUS_CODE_NAMES: Readonly<Record<number, string>> = {
  1: 'Access-Request',
  2: 'Access-Accept',
  3: 'Access-Reject',
  4: 'Accounting-Request',
  5: 'Accounting-Response',
  11: 'Access-Challenge',
  12: 'Status-Server',
  13: 'Status-Client',
  40: 'Disconnect-Request',
  43: 'CoA-Request',
};
export const RADIUS_REQUEST_CODES = ['Access-Request', 'Status-Server'] as const;
export const RADIUS_RESPONSE_CODES = ['Access-Accept', 'Access-Reject', 'Access-Challenge'] as const;

/** Reasons the RADIUS front drops a datagram (src/radius/events.ts DropReason values). */
export const RADIUS_DROP_REASONS = [
  'unknown-client',
  'malformed',
  'unsupported-code',
  'missing-message-authenticator',
  'bad-message-authenticator',
  'duplicate-in-progress',
  'conversation-busy',
  'eap-invalid',
  'backend-error',
] as const;
export const RADIUS_DROP_REASON_PATTERN = /^[a-z][a-z0-9-]{0,40}$/;

/** Device store operations (DeviceStore methods, snake_case). */
export const STORE_OPERATIONS = [
  'get',
  'get_credentials',
  'list',
  'add',
  'set_enabled',
  'remove',
  'import',
  'export',
  'rotate_master_key',
  'ping',
] as const;
export const STORE_OPERATION_PATTERN = /^[a-z][a-z0-9_]{0,40}$/;
export const STORE_RESULTS = ['ok', 'error'] as const;

/** Configured names (RADIUS clients, redirect rules): short, printable, no spaces. */
export const CONFIGURED_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** RFC 6733 §4.3.1 DiameterIdentity (an FQDN), the only thing a `peer` label may hold. */
export const DIAMETER_IDENTITY_PATTERN =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Value used when a label value is unknown, malformed, or over its cardinality cap. */
export const OTHER_LABEL = 'other';
