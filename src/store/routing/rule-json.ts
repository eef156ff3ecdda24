import { invalidField } from './routing-error.js';
import {
  usageName,
  type GroupMove,
  type NewRedirectRule,
  type RealmSource,
  type RedirectRule,
  type RuleMatch,
} from './routing-model.js';

/** The JSON shape of a rule in the admin API and the config file (see docs/redirect.md). */
export interface RuleJson {
  readonly name: string;
  readonly priority: number;
  readonly enabled: boolean;
  readonly match: RuleMatch;
  readonly targets: readonly string[];
  readonly usage: string;
  readonly maxCacheTimeSeconds: number;
  readonly source: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const RULE_KEYS = [
  'name',
  'priority',
  'enabled',
  'match',
  'targets',
  'usage',
  'maxCacheTimeSeconds',
] as const;
const MATCH_KEYS = ['realm', 'realmFrom', 'group', 'identity', 'callingStation', 'calledStation'] as const;
const MOVE_KEYS = ['targets', 'usage', 'maxCacheTimeSeconds', 'priority'] as const;

export function ruleToJson(rule: RedirectRule): RuleJson {
  return {
    name: rule.name,
    priority: rule.priority,
    enabled: rule.enabled,
    match: rule.match,
    targets: rule.targets,
    usage: usageName(rule.usage) ?? String(rule.usage),
    maxCacheTimeSeconds: rule.maxCacheTimeSeconds,
    source: rule.source,
    createdAt: rule.createdAt,
    updatedAt: rule.updatedAt,
  };
}

/** Reads a rule from untrusted JSON; shape errors name the field (`prefix` first). Values are checked by validateRule. */
export function parseRuleJson(value: unknown, prefix = ''): NewRedirectRule {
  const o = object(value, prefix === '' ? 'body' : prefix);
  unknownKeys(o, RULE_KEYS, prefix);
  const f = (k: string): string => `${prefix}${k}`;
  const match = object(o['match'], f('match'));
  unknownKeys(match, MATCH_KEYS, f('match.'));
  const m = (k: string): string => f(`match.${k}`);
  const realm = optString(match['realm'], m('realm'));
  const realmFrom = optString(match['realmFrom'], m('realmFrom'));
  const group = optString(match['group'], m('group'));
  const identity = optString(match['identity'], m('identity'));
  const callingStation = optString(match['callingStation'], m('callingStation'));
  const calledStation = optString(match['calledStation'], m('calledStation'));
  const priority = optNumber(o['priority'], f('priority'));
  const enabled = optBoolean(o['enabled'], f('enabled'));
  const usage = optUsage(o['usage'], f('usage'));
  const maxCacheTimeSeconds = optNumber(o['maxCacheTimeSeconds'], f('maxCacheTimeSeconds'));
  return {
    name: string(o['name'], f('name')),
    match: {
      ...(realm === undefined ? {} : { realm }),
      ...(realmFrom === undefined ? {} : { realmFrom: realmFrom as RealmSource }),
      ...(group === undefined ? {} : { group }),
      ...(identity === undefined ? {} : { identity }),
      ...(callingStation === undefined ? {} : { callingStation }),
      ...(calledStation === undefined ? {} : { calledStation }),
    },
    targets: stringList(o['targets'], f('targets')),
    ...(priority === undefined ? {} : { priority }),
    ...(enabled === undefined ? {} : { enabled }),
    ...(usage === undefined ? {} : { usage: usage }),
    ...(maxCacheTimeSeconds === undefined ? {} : { maxCacheTimeSeconds }),
  };
}

/** Reads the body of `POST /api/groups/:group/move`. */
export function parseGroupMoveJson(group: string, value: unknown): GroupMove {
  const o = object(value, 'body');
  unknownKeys(o, MOVE_KEYS, '');
  const usage = optUsage(o['usage'], 'usage');
  const maxCacheTimeSeconds = optNumber(o['maxCacheTimeSeconds'], 'maxCacheTimeSeconds');
  const priority = optNumber(o['priority'], 'priority');
  return {
    group,
    targets: stringList(o['targets'], 'targets'),
    ...(usage === undefined ? {} : { usage: usage }),
    ...(maxCacheTimeSeconds === undefined ? {} : { maxCacheTimeSeconds }),
    ...(priority === undefined ? {} : { priority }),
  };
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw invalidField(field, 'must be a JSON object');
  return v as Record<string, unknown>;
}

function unknownKeys(o: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw invalidField(`${prefix}${k}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

function string(v: unknown, field: string): string {
  if (typeof v !== 'string') throw invalidField(field, 'must be a string');
  return v;
}

function optString(v: unknown, field: string): string | undefined {
  return v === undefined || v === null ? undefined : string(v, field);
}

function optNumber(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidField(field, 'must be a number');
  return v;
}

function optBoolean(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidField(field, 'must be true or false');
  return v;
}

function optUsage(v: unknown, field: string): string | number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number')
    throw invalidField(field, 'must be a usage name or number');
  return v;
}

function stringList(v: unknown, field: string): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw invalidField(field, 'must be a list of DiameterURIs');
  return v.map((x, i) => string(x, `${field}[${i}]`));
}
