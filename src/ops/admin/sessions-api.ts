import type { SessionControl } from '../../app/session-control.js';
import type { Logger } from '../logging.js';
import { AdminHttpError } from './admin-error.js';
import type { AdminServer } from './admin-server.js';

/**
 * `POST /api/sessions/abort` (ASR, RFC 6733 §8.5) and `POST /api/sessions/reauth` (RAR, §8.3) with
 * a body `{"identity": "..."}` or `{"session": "..."}`; what `eapd session` calls. Without session
 * control (a redirect agent keeps no sessions) both answer 409.
 */
export function registerSessionsApi(
  admin: Pick<AdminServer, 'route'>,
  sessions: SessionControl | undefined,
  logger: Logger,
): void {
  for (const kind of ['abort', 'reauth'] as const) {
    admin.route('POST', `/api/sessions/${kind}`, async (req) => {
      if (!sessions) throw new AdminHttpError(409, 'EAPD_NO_SESSIONS', 'a redirect agent keeps no sessions');
      const body = req.body as { session?: unknown; identity?: unknown } | undefined;
      const target =
        typeof body?.session === 'string'
          ? body.session
          : typeof body?.identity === 'string'
            ? body.identity
            : undefined;
      if (target === undefined)
        throw new AdminHttpError(
          400,
          'EAPD_BAD_REQUEST',
          'body must be {"identity": "..."} or {"session": "..."}',
        );
      const outcomes =
        kind === 'abort' ? await sessions.abortSession(target) : await sessions.reauthenticate(target);
      if (outcomes.length === 0)
        throw new AdminHttpError(404, 'EAPD_SESSION_NOT_FOUND', `no authorized session for ${target}`);
      logger.info(kind === 'abort' ? 'session abort requested' : 're-authentication requested', {
        target,
        outcomes,
      });
      return { status: 200, body: { outcomes } };
    });
  }
}
