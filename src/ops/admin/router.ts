import type { IncomingHttpHeaders } from 'node:http';

/** What a route handler sees of a request. `body` is the parsed JSON body, or undefined. */
export interface AdminRequest {
  readonly method: string;
  readonly path: string;
  /** Values of `:name` path segments. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** A JSON answer (`body` is serialised), or a raw one when `raw` is given (e.g. /metrics text). */
export interface AdminResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly raw?: { readonly contentType: string; readonly text: string };
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (request: AdminRequest) => AdminResponse | Promise<AdminResponse>;

export interface RouteOptions {
  /** Require `Authorization: Bearer <admin token>`; default true. */
  readonly auth?: boolean;
}

export interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
  readonly auth: boolean;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] };

const PATH = /^(\/[A-Za-z0-9._~:-]*)+$/;

function split(path: string): string[] {
  return path.split('/').slice(1);
}

/** Exact-path router with `:name` segments; HEAD is answered by the GET route. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    if (!PATH.test(path))
      throw new RangeError(`route path ${path} must start with / and hold only URL-safe characters`);
    const upper = method.toUpperCase();
    const segments = split(path);
    if (this.#routes.some((r) => r.method === upper && r.segments.join('/') === segments.join('/'))) {
      throw new RangeError(`route ${upper} ${path} is already defined`);
    }
    this.#routes.push({ method: upper, segments, handler, auth: options.auth ?? true });
  }

  match(method: string, path: string): RouteMatch {
    const parts = split(path);
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allow = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (params === undefined) continue;
      if (route.method === wanted) return { kind: 'found', route, params };
      allow.add(route.method);
    }
    if (allow.size === 0) return { kind: 'not-found' };
    if (allow.has('GET')) allow.add('HEAD');
    return { kind: 'method-not-allowed', allow: [...allow].sort() };
  }
}

function matchSegments(
  pattern: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const v = parts[i]!;
    if (p.startsWith(':')) {
      if (v.length === 0) return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(v);
      } catch {
        return undefined;
      }
      params[p.slice(1)] = decoded;
    } else if (p !== v) return undefined;
  }
  return params;
}
