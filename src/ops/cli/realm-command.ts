import type { RoutingStore } from '../../store/routing/routing-store.js';
import { table } from './cli-format.js';
import { CLI_ACTOR, parseNone, parseOne, runSubcommand, type SubHandler } from './route-command.js';

export interface RealmCommandIo {
  readonly routing: RoutingStore;
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  /** Who the audit trail names; default `cli`. */
  readonly actor?: string;
}

export const REALM_USAGE = `usage:
  eapd realm list [--json]
  eapd realm add <realm>        serve this realm here (else 3003 DIAMETER_REALM_NOT_SERVED)
  eapd realm remove <realm>
`;

const JSON_INDENT = 2;

/** `eapd realm …`: realms served here, on the store directly; 0 ok, 1 refused, 2 usage. */
export async function runRealmCommand(args: string[], io: RealmCommandIo): Promise<number> {
  return runSubcommand('realm', REALM_USAGE, HANDLERS, args, io);
}

const HANDLERS: ReadonlyMap<string, SubHandler<RealmCommandIo>> = new Map(
  Object.entries({
    list: async (args, io) => {
      const { values } = parseNone(args, { json: { type: 'boolean' } });
      const realms = await io.routing.listRealms();
      if (values['json'] === true) io.out(JSON.stringify(realms, null, JSON_INDENT) + '\n');
      else
        io.out(
          table([['REALM', 'SOURCE', 'CREATED'], ...realms.map((r) => [r.realm, r.source, r.createdAt])]),
        );
    },
    add: async (args, io) => {
      const { positional } = parseOne(args, '<realm>', {});
      const added = await io.routing.addRealm(positional, io.actor ?? CLI_ACTOR);
      io.out(`serving realm ${added.realm}\n`);
    },
    remove: async (args, io) => {
      const { positional } = parseOne(args, '<realm>', {});
      await io.routing.removeRealm(positional, io.actor ?? CLI_ACTOR);
      io.out(`no longer serving realm ${positional.toLowerCase()}\n`);
    },
  } satisfies Record<string, SubHandler<RealmCommandIo>>),
);
