/** The few logger methods the store uses; a winston Logger fits. Never pass key material. */
export interface StoreLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}
