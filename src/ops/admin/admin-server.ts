import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging.js';
import { AdminErrorCode, AdminHttpError, HttpStatus } from './admin-error.js';
import { bearerChallenge, bearerMatches } from './bearer.js';
import { parseJsonBody, readBody, send, sendError, sendJson } from './http-io.js';
import { ReadinessChecks, type ReadinessCheck } from './readiness.js';
import { Router, type AdminResponse, type RouteHandler, type RouteOptions } from './router.js';
import { loadOrCreateTokenFile } from './token-file.js';

/** What the admin listener needs of the metrics module. */
export interface MetricsSource {
  readonly contentType: string;
  metricsText(): Promise<string>;
}

export interface AdminServerOptions {
  /** Bind address (config `admin.host`, default 127.0.0.1). */
  readonly host: string;
  /** Port (config `admin.port`, default 9464; 0 picks a free port). */
  readonly port: number;
  /** Bearer token file (config `admin.tokenFile`); created 0600 with a random token if absent. */
  readonly tokenFile: string;
  readonly metrics: MetricsSource;
  readonly logger: Logger;
  /** Largest request body accepted; default 64 KiB. */
  readonly maxBodyBytes?: number;
  /** Readiness check timeout; default READINESS_TIMEOUT_MS. */
  readonly readinessTimeoutMs?: number;
}

export interface AdminServer {
  /** Adds an API route; `auth` (default true) requires the bearer token. */
  route(method: string, path: string, handler: RouteHandler, options?: RouteOptions): void;
  /** Adds a /readyz check, e.g. "store reachable", "listeners up". */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Loads or creates the token file, then listens. Resolves with the bound address. */
  listen(): Promise<{ readonly host: string; readonly port: number }>;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const AUTH_REALM = 'eapd-admin';
/** Slow or stuck clients are cut off: the admin port must stay usable for scrapes and probes. */
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 5_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const MAX_HEADERS = 64;

/**
 * The admin HTTP listener: `/metrics` (Prometheus text, no auth), `/healthz` (alive), `/readyz`
 * (every readiness check passes, else 503 naming the failing checks), and JSON API routes behind a
 * bearer token. Errors are JSON `{ error: { code, message } }`; no input crashes it.
 */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  const router = new Router();
  const readiness = new ReadinessChecks(options.readinessTimeoutMs);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.logger.child({ component: 'admin' });
  let token: string | undefined;
  let server: Server | undefined;

  router.add(
    'GET',
    '/metrics',
    async () => ({
      status: HttpStatus.Ok,
      raw: { contentType: options.metrics.contentType, text: await options.metrics.metricsText() },
    }),
    { auth: false },
  );
  router.add('GET', '/healthz', () => ({ status: HttpStatus.Ok, body: { status: 'ok' } }), { auth: false });
  router.add(
    'GET',
    '/readyz',
    async () => {
      const r = await readiness.run();
      if (r.ready) return { status: HttpStatus.Ok, body: { status: 'ready', checks: r.checks } };
      return {
        status: HttpStatus.ServiceUnavailable,
        body: {
          status: 'not ready',
          checks: r.checks,
          error: { code: AdminErrorCode.NotReady, message: `failing: ${r.failing.join(', ')}` },
        },
      };
    },
    { auth: false },
  );

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const headOnly = method === 'HEAD';
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://admin.invalid');
    } catch {
      throw new AdminHttpError(HttpStatus.BadRequest, AdminErrorCode.BadRequest, 'malformed request target');
    }
    const found = router.match(method, url.pathname);
    if (found.kind === 'not-found') {
      throw new AdminHttpError(
        HttpStatus.NotFound,
        AdminErrorCode.NotFound,
        `no resource at ${url.pathname}`,
      );
    }
    if (found.kind === 'method-not-allowed') {
      throw new AdminHttpError(
        HttpStatus.MethodNotAllowed,
        AdminErrorCode.MethodNotAllowed,
        `${method} not allowed here`,
        {
          allow: found.allow.join(', '),
        },
      );
    }
    if (found.route.auth) {
      const authorization = req.headers.authorization;
      if (token === undefined || !bearerMatches(authorization, token)) {
        throw new AdminHttpError(
          HttpStatus.Unauthorized,
          AdminErrorCode.Unauthorized,
          'a valid bearer token is required',
          {
            'www-authenticate': bearerChallenge(AUTH_REALM, authorization !== undefined),
          },
        );
      }
    }
    const body = parseJsonBody(req, await readBody(req, maxBody));
    const answer: AdminResponse = await found.route.handler({
      method,
      path: url.pathname,
      params: found.params,
      query: url.searchParams,
      headers: req.headers,
      body,
    });
    if (answer.raw !== undefined) {
      send(res, answer.status, answer.raw.contentType, answer.raw.text, answer.headers ?? {}, headOnly);
    } else if (answer.body === undefined) {
      res.writeHead(answer.status, { ...answer.headers, 'content-length': '0', 'cache-control': 'no-store' });
      res.end();
    } else {
      sendJson(res, answer.status, answer.body, answer.headers ?? {}, headOnly);
    }
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e: unknown) => {
      const headOnly = req.method === 'HEAD';
      if (e instanceof AdminHttpError) {
        if (e.status === HttpStatus.PayloadTooLarge) res.setHeader('connection', 'close');
        sendError(res, e, headOnly);
        return;
      }
      log.error('admin request failed', {
        method: req.method,
        path: req.url?.split('?')[0],
        error: String(e),
      });
      sendError(
        res,
        new AdminHttpError(HttpStatus.Internal, AdminErrorCode.Internal, 'internal error'),
        headOnly,
      );
    });
  };

  return {
    route(method, path, handler, routeOptions) {
      router.add(method, path, handler, routeOptions);
    },
    addReadinessCheck(name, check) {
      readiness.add(name, check);
    },
    async listen() {
      if (server !== undefined) throw new Error('admin server already listening');
      const loaded = loadOrCreateTokenFile(options.tokenFile);
      token = loaded.token;
      if (loaded.created) log.info('created admin token file', { path: options.tokenFile });
      const s = createServer(
        { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS },
        onRequest,
      );
      s.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      s.maxHeadersCount = MAX_HEADERS;
      s.on('clientError', (_err, socket) => {
        if (socket.writable)
          socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        else socket.destroy();
      });
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', (e) => {
          server = undefined;
          reject(e);
        });
        s.listen(options.port, options.host, () => {
          s.removeAllListeners('error');
          s.on('error', (e) => log.error('admin listener error', { error: String(e) }));
          resolve();
        });
      });
      const address = s.address() as AddressInfo;
      log.info('admin listener up', { host: address.address, port: address.port });
      return { host: address.address, port: address.port };
    },
    async close() {
      const s = server;
      if (s === undefined) return;
      server = undefined;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
