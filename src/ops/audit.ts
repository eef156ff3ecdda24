import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { appChannels, type AuthResultEvent } from '../app/events.js';
import type { Logger } from './logging.js';

/** The audit record of one finished authentication. Built field by field: nothing else is copied. */
export interface AuditRecord {
  readonly event: 'authentication';
  readonly identity: string | null;
  readonly result: string;
  readonly reason: string;
  readonly method: string;
  readonly transport: string;
  /** Diameter peer Origin-Host or RADIUS client name. */
  readonly nas: string | null;
  /** Called-Station-Id: the access point (BSSID[:SSID]). */
  readonly ap: string | null;
  /** Calling-Station-Id: the device MAC address. */
  readonly mac: string | null;
  readonly rounds: number | null;
  readonly durationSeconds: number | null;
  readonly detail?: string;
}

export interface AuditLog {
  /** Stops listening. Idempotent. */
  close(): void;
}

/** Longest value copied into an audit line (RFC 2865 §5: attribute values are ≤ 253 octets). */
const MAX_FIELD_LENGTH = 253;
/** C0/C1 controls and DEL: kept out of log lines so that a crafted identity cannot forge lines. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  return v.replace(CONTROL, '\uFFFD').slice(0, MAX_FIELD_LENGTH);
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Maps an auth-result event to its audit record. Only the listed fields are read, so a key that a
 * publisher put on the event by mistake never reaches the log.
 */
export function auditRecord(message: unknown): AuditRecord {
  const e = (typeof message === 'object' && message !== null ? message : {}) as {
    readonly [K in keyof AuthResultEvent]?: unknown;
  };
  const detail = text(e.detail);
  return {
    event: 'authentication',
    identity: text(e.identity),
    result: text(e.result) ?? 'unknown',
    reason: text(e.reason) ?? 'unknown',
    method: text(e.method) ?? 'unknown',
    transport: text(e.transport) ?? 'unknown',
    nas: text(e.nas),
    ap: text(e.calledStationId),
    mac: text(e.callingStationId),
    rounds: num(e.rounds),
    durationSeconds: num(e.durationSeconds),
    ...(detail === null ? {} : { detail }),
  };
}

/** A logger that can say whether `info` lines would be written (winston's isLevelEnabled). */
type LevelAware = Logger & {
  readonly isLevelEnabled?: (level: string) => boolean;
  /** winston's configured level; it changes when the logger is reconfigured. */
  readonly level?: unknown;
};

/** False only when the logger says `info` is below its level; a logger that cannot say writes. */
function writesInfo(logger: LevelAware): boolean {
  return typeof logger.isLevelEnabled !== 'function' || logger.isLevelEnabled('info');
}

/**
 * Writes one JSON audit line per finished authentication (`eapd:auth:result`, both fronts)
 * through a child logger tagged `{ audit: true }`, so log shippers can route audit lines apart.
 */
export function createAuditLog(logger: Logger): AuditLog {
  const audit: LevelAware = logger.child({ audit: true });
  // winston formats (redacts, timestamps, serialises) before its transports drop a line below
  // their level: ask first, so that a server at `warn` pays nothing per authentication. The
  // answer is kept until the logger's level changes: winston's isLevelEnabled itself cost
  // ~300 ns and ~660 B of garbage per call (eapd sets its transports' levels only at start).
  let askedAt: unknown = Symbol('never asked');
  let writes = false;
  const onResult = (message: unknown): void => {
    if (audit.level !== askedAt) {
      askedAt = audit.level;
      writes = writesInfo(audit);
    }
    if (!writes) return;
    try {
      const record = auditRecord(message);
      audit.info('authentication', { ...record });
    } catch {
      /* never let logging break the protocol path */
    }
  };
  const name = appChannels.authResult.name as string;
  subscribe(name, onResult);
  let closed = false;
  return {
    close() {
      if (closed) return;
      closed = true;
      unsubscribe(name, onResult);
    },
  };
}
