const PROTOCOL_ERROR_CLASS = 3;
const CLASS_DIVISOR = 1000;

/** RFC 6733 §7.1.3: 3xxx protocol errors travel with the E bit (answer-message layout, §7.2). */
export function isProtocolError(resultCode: number): boolean {
  return Math.floor(resultCode / CLASS_DIVISOR) === PROTOCOL_ERROR_CLASS;
}
