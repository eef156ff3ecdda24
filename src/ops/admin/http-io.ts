import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminErrorCode, AdminHttpError, HttpStatus } from './admin-error.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Reads the request body, refusing more than `limit` bytes with 413 (before reading, when declared). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): AdminHttpError {
  return new AdminHttpError(
    HttpStatus.PayloadTooLarge,
    AdminErrorCode.PayloadTooLarge,
    `request body larger than ${limit} bytes`,
  );
}

/** An empty body is `undefined`; anything else must be JSON with a JSON content type. */
export function parseJsonBody(req: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AdminHttpError(
      HttpStatus.UnsupportedMediaType,
      AdminErrorCode.UnsupportedMediaType,
      'request body must be application/json',
    );
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new AdminHttpError(
      HttpStatus.BadRequest,
      AdminErrorCode.BadRequest,
      'request body is not valid JSON',
    );
  }
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Readonly<Record<string, string>>,
  headOnly: boolean,
): void {
  if (res.headersSent) return;
  const payload = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': String(payload.length),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(headOnly ? undefined : payload);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
  headOnly = false,
): void {
  send(res, status, JSON_TYPE, `${JSON.stringify(body)}\n`, headers, headOnly);
}

export function sendError(res: ServerResponse, error: AdminHttpError, headOnly = false): void {
  sendJson(
    res,
    error.status,
    { error: { code: error.code, message: error.message } },
    error.headers,
    headOnly,
  );
}
