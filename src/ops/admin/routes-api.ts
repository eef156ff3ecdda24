import { createHash } from 'node:crypto';
import type { DeviceStore } from '../../store/device-store.js';
import { validateGroup } from '../../store/device-input.js';
import { isStoreError } from '../../store/store-error.js';
import { isRoutingError, RoutingErrorCode } from '../../store/routing/routing-error.js';
import type { RoutingStore } from '../../store/routing/routing-store.js';
import { parseGroupMoveJson, parseRuleJson, ruleToJson } from '../../store/routing/rule-json.js';
import { AdminHttpError, HttpStatus } from './admin-error.js';
import type { AdminServer } from './admin-server.js';
import type { AdminRequest, AdminResponse } from './router.js';

/** HTTP statuses this API uses beyond admin-error.ts's set (RFC 9110 §15.3.2, §15.5.10). */
const CREATED = 201;
const CONFLICT = 409;
const TOKEN_ID_HEX_CHARS = 12;
const BEARER_VALUE = /^Bearer +(\S+)/i;
const DEFAULT_AUDIT_ENTRIES = 100;
const MAX_AUDIT_ENTRIES = 1000;

/** Error codes of this API's JSON errors, beside admin-error.ts's. */
export const RoutesApiErrorCode = {
  Invalid: 'invalid',
  Conflict: 'conflict',
  NotFound: 'not_found',
} as const;

export interface RoutesApiOptions {
  readonly routing: RoutingStore;
  /** For `group move`: warns when this server holds no device of the group (optional). */
  readonly devices?: Pick<DeviceStore, 'list'>;
}

/**
 * Registers the routing API on the admin listener (bearer auth on every route). Each change is
 * validated, persisted and recorded in the routing audit trail with who (`admin:<token id>`, a
 * SHA-256 fingerprint of the bearer token, never the token), when and what; the running server
 * sees it through the store's change token within a second.
 *
 *   GET    /api/routes                 → 200 { rules: [...] }
 *   GET    /api/routes/:name           → 200 rule | 404
 *   POST   /api/routes[?replace=true]  → 201 rule (200 when replaced) | 400 | 409
 *   DELETE /api/routes/:name           → 204 | 404 | 409 (config rule)
 *   POST   /api/groups/:group/move     → 200/201 { rule, created, devicesHere }
 *   GET    /api/realms                 → 200 { realms: [...] }
 *   POST   /api/realms { realm }       → 201 | 400 | 409
 *   DELETE /api/realms/:realm          → 204 | 404
 *   GET    /api/routing/audit[?limit=N] → 200 { entries: [...] } newest first
 */
export function registerRoutesApi(admin: Pick<AdminServer, 'route'>, options: RoutesApiOptions): void {
  const { routing, devices } = options;

  admin.route('GET', '/api/routes', async () => ok({ rules: (await routing.listRules()).map(ruleToJson) }));

  admin.route('GET', '/api/routes/:name', async (req) => {
    const rule = await routing.getRule(req.params['name'] ?? '');
    if (rule === undefined) throw notFound(`no rule ${JSON.stringify(req.params['name'])}`);
    return ok(ruleToJson(rule));
  });

  admin.route(
    'POST',
    '/api/routes',
    guarded(async (req) => {
      const replace = req.query.get('replace') === 'true';
      const input = parseRuleJson(req.body);
      const existed = replace && (await routing.getRule(input.name)) !== undefined;
      const rule = await routing.addRule(input, actorOf(req), { replace });
      return { status: existed ? HttpStatus.Ok : CREATED, body: ruleToJson(rule) };
    }),
  );

  admin.route(
    'DELETE',
    '/api/routes/:name',
    guarded(async (req) => {
      await routing.removeRule(req.params['name'] ?? '', actorOf(req));
      return { status: HttpStatus.NoContent };
    }),
  );

  admin.route(
    'POST',
    '/api/groups/:group/move',
    guarded(async (req) => {
      const group = groupParam(req.params['group'] ?? '');
      const { rule, created } = await routing.moveGroup(parseGroupMoveJson(group, req.body), actorOf(req));
      const devicesHere = devices === undefined ? null : (await devices.list({ group })).length;
      return {
        status: created ? CREATED : HttpStatus.Ok,
        body: { rule: ruleToJson(rule), created, devicesHere },
      };
    }),
  );

  admin.route('GET', '/api/realms', async () => ok({ realms: await routing.listRealms() }));

  admin.route(
    'POST',
    '/api/realms',
    guarded(async (req) => {
      const body = req.body;
      const realm =
        typeof body === 'object' && body !== null && !Array.isArray(body)
          ? (body as Record<string, unknown>)['realm']
          : undefined;
      if (typeof realm !== 'string') {
        throw new AdminHttpError(
          HttpStatus.BadRequest,
          RoutesApiErrorCode.Invalid,
          'realm: must be a string',
        );
      }
      return { status: CREATED, body: await routing.addRealm(realm, actorOf(req)) };
    }),
  );

  admin.route(
    'DELETE',
    '/api/realms/:realm',
    guarded(async (req) => {
      await routing.removeRealm(req.params['realm'] ?? '', actorOf(req));
      return { status: HttpStatus.NoContent };
    }),
  );

  admin.route('GET', '/api/routing/audit', async (req) => {
    const asked = Number(req.query.get('limit') ?? DEFAULT_AUDIT_ENTRIES);
    const limit =
      Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_AUDIT_ENTRIES) : DEFAULT_AUDIT_ENTRIES;
    return ok({ entries: await routing.auditLog(limit) });
  });
}

/** `admin:<first 12 hex of SHA-256(token)>`: identifies the token in the audit trail without revealing it. */
export function adminActor(authorization: string | undefined): string {
  const token = authorization === undefined ? undefined : BEARER_VALUE.exec(authorization)?.[1];
  if (token === undefined) return 'admin:unknown';
  return `admin:${createHash('sha256').update(token, 'utf8').digest('hex').substring(0, TOKEN_ID_HEX_CHARS)}`;
}

function actorOf(req: AdminRequest): string {
  return adminActor(req.headers.authorization);
}

function ok(body: unknown): AdminResponse {
  return { status: HttpStatus.Ok, body };
}

function notFound(message: string): AdminHttpError {
  return new AdminHttpError(HttpStatus.NotFound, RoutesApiErrorCode.NotFound, message);
}

function groupParam(group: string): string {
  try {
    return validateGroup(group);
  } catch (e) {
    if (isStoreError(e))
      throw new AdminHttpError(HttpStatus.BadRequest, RoutesApiErrorCode.Invalid, `group: ${e.message}`);
    throw e;
  }
}

/** Maps routing refusals to HTTP: invalid → 400, exists/config-owned → 409, missing → 404. */
function guarded(
  handler: (req: AdminRequest) => Promise<AdminResponse>,
): (req: AdminRequest) => Promise<AdminResponse> {
  return async (req) => {
    try {
      return await handler(req);
    } catch (e) {
      if (!isRoutingError(e)) throw e;
      switch (e.code) {
        case RoutingErrorCode.Invalid:
          throw new AdminHttpError(HttpStatus.BadRequest, RoutesApiErrorCode.Invalid, e.message);
        case RoutingErrorCode.RuleNotFound:
        case RoutingErrorCode.RealmNotFound:
          throw notFound(e.message);
        case RoutingErrorCode.RuleExists:
        case RoutingErrorCode.RealmExists:
        case RoutingErrorCode.SourceConflict:
          throw new AdminHttpError(CONFLICT, RoutesApiErrorCode.Conflict, e.message);
        default:
          throw e;
      }
    }
  };
}
