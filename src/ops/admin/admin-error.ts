/** Stable error codes of the admin API's JSON errors `{ error: { code, message } }`. */
export const AdminErrorCode = {
  BadRequest: 'bad_request',
  Unauthorized: 'unauthorized',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  NotReady: 'not_ready',
  Internal: 'internal_error',
} as const;
export type AdminErrorCode = (typeof AdminErrorCode)[keyof typeof AdminErrorCode];

export const HttpStatus = {
  Ok: 200,
  NoContent: 204,
  BadRequest: 400,
  Unauthorized: 401,
  NotFound: 404,
  MethodNotAllowed: 405,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  Internal: 500,
  ServiceUnavailable: 503,
} as const;

/** Thrown by a route handler to answer with a JSON error; anything else thrown becomes a 500. */
export class AdminHttpError extends Error {
  override readonly name = 'AdminHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
