import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'auto' | 'json' | 'text';

/** What the rest of eapd sees of logging: winston's shape, without winston's types leaking out. */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  child(meta: Record<string, unknown>): Logger;
}

/**
 * Field names that must never reach a log line, whatever the caller passes. The protocol code
 * never logs key material; this is the second line of defence.
 */
const SECRET_FIELD =
  /^(psk|msk|emsk|tek|ak|kdk|key|secret|password|token|masterkey|eap-master-session-key)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const k of Object.keys(info)) {
    if (k === 'level' || k === 'message') continue;
    info[k] = SECRET_FIELD.test(k) ? '[redacted]' : redact(info[k]);
  }
  return info;
});

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  readonly stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  const text = options.format === 'text' || (options.format === 'auto' && tty);
  const format = text
    ? winston.format.combine(
        redactFormat(),
        winston.format.timestamp(),
        winston.format.printf(({ level, message, timestamp, ...meta }) => {
          const rest = Object.keys(meta).length ? ' ' + JSON.stringify(meta) : '';
          return `${String(timestamp)} ${level.padEnd(5)} ${String(message)}${rest}`;
        }),
      )
    : winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: options.level,
    format,
    transports: [new winston.transports.Stream({ stream })],
  }) as unknown as Logger;
}

/** A logger that drops everything (library use, benchmarks). */
export function silentLogger(): Logger {
  const l: Logger = { error() {}, warn() {}, info() {}, debug() {}, child: () => l };
  return l;
}
