/** Stable codes for every refusal of the routing store; callers switch on `code`, never on text. */
export const RoutingErrorCode = {
  /** A field of a rule, realm or move is invalid; `field` names it. */
  Invalid: 'EAPD_ROUTING_INVALID',
  RuleExists: 'EAPD_RULE_EXISTS',
  RuleNotFound: 'EAPD_RULE_NOT_FOUND',
  RealmExists: 'EAPD_REALM_EXISTS',
  RealmNotFound: 'EAPD_REALM_NOT_FOUND',
  /** A config-file rule would replace an operator rule of the same name (or the reverse). */
  SourceConflict: 'EAPD_ROUTING_SOURCE_CONFLICT',
  StoreClosed: 'EAPD_STORE_CLOSED',
} as const;
export type RoutingErrorCode = (typeof RoutingErrorCode)[keyof typeof RoutingErrorCode];

/** The one error type the routing store throws for a refusal; `field` names the bad input field. */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
  readonly code: RoutingErrorCode;
  readonly field: string | undefined;

  constructor(code: RoutingErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export function isRoutingError(e: unknown, code?: RoutingErrorCode): e is RoutingError {
  return e instanceof RoutingError && (code === undefined || e.code === code);
}

/** A refusal of one input field: the message starts with the field name. */
export function invalidField(field: string, why: string): RoutingError {
  return new RoutingError(RoutingErrorCode.Invalid, `${field}: ${why}`, field);
}
