import { RedirectHostUsage } from '../../diameter/dict/constants.gen.js';
import { formatDiameterUri, parseDiameterUri } from '../../diameter/node/diameter-uri.js';
import { validateGroup } from '../device-input.js';
import { isStoreError } from '../store-error.js';
import { compileGlob, MAX_GLOB_LENGTH } from './glob.js';
import { normalizeRealm } from './realm.js';
import { invalidField } from './routing-error.js';
import {
  DEFAULT_MAX_CACHE_TIME_SECONDS,
  DEFAULT_RULE_PRIORITY,
  MAX_CACHE_TIME_LIMIT_SECONDS,
  RealmSource,
  USAGE_NAMES,
  type NewRedirectRule,
  type RedirectUsageName,
  type RedirectUsageValue,
  type RuleMatch,
} from './routing-model.js';

export const MAX_RULE_NAME_LENGTH = 64;
/** A redirect answer with more Redirect-Host AVPs than this is a configuration mistake. */
export const MAX_TARGETS = 16;
export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 1_000_000;
const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
const REALM_SOURCES: readonly string[] = Object.values(RealmSource);

/** A rule after validation: canonical, with every default applied. */
export interface ValidRule {
  readonly name: string;
  readonly priority: number;
  readonly match: RuleMatch;
  readonly targets: readonly string[];
  readonly usage: RedirectUsageValue;
  readonly maxCacheTimeSeconds: number;
  readonly enabled: boolean;
}

export function validateRuleName(name: string, field = 'name'): string {
  if (name.length === 0) throw invalidField(field, 'is empty');
  if (name.length > MAX_RULE_NAME_LENGTH)
    throw invalidField(field, `longer than ${MAX_RULE_NAME_LENGTH} characters`);
  if (!RULE_NAME.test(name)) {
    throw invalidField(
      field,
      `${JSON.stringify(name)} may hold only letters, digits and . _ : @ - (not first)`,
    );
  }
  return name;
}

/** Each target must parse as a DiameterURI (RFC 6733 §4.3.1) for Diameter; stored canonical. */
export function validateTargets(targets: readonly string[], field = 'targets'): string[] {
  if (targets.length === 0) throw invalidField(field, 'at least one DiameterURI is required');
  if (targets.length > MAX_TARGETS) throw invalidField(field, `at most ${MAX_TARGETS} targets`);
  const out: string[] = [];
  targets.forEach((text, i) => {
    const parsed = parseDiameterUri(text.trim());
    if (!parsed.ok) throw invalidField(`${field}[${i}]`, parsed.error.message);
    if (parsed.value.protocol !== undefined && parsed.value.protocol !== 'diameter') {
      throw invalidField(
        `${field}[${i}]`,
        `a redirect target must speak Diameter, not ${parsed.value.protocol}`,
      );
    }
    const canonical = formatDiameterUri(parsed.value);
    if (out.includes(canonical)) throw invalidField(`${field}[${i}]`, `${canonical} is listed twice`);
    out.push(canonical);
  });
  return out;
}

/** A RedirectHostUsage name (case-insensitive) or value (RFC 6733 §6.13). */
export function parseUsage(value: string | number, field = 'usage'): RedirectUsageValue {
  if (typeof value === 'number') {
    const found = USAGE_NAMES.find((n) => RedirectHostUsage[n] === value);
    if (found === undefined) throw invalidField(field, `${value} is not a Redirect-Host-Usage value`);
    return RedirectHostUsage[found];
  }
  const name = value.trim().toUpperCase().replace(/-/g, '_');
  if (/^\d+$/.test(name)) return parseUsage(Number(name), field);
  if (!(USAGE_NAMES as readonly string[]).includes(name)) {
    throw invalidField(field, `${JSON.stringify(value)} is not one of ${USAGE_NAMES.join(', ')}`);
  }
  return RedirectHostUsage[name as RedirectUsageName];
}

function validateGlob(pattern: string, field: string): string {
  if (pattern.length === 0) throw invalidField(field, 'is empty');
  if (pattern.length > MAX_GLOB_LENGTH)
    throw invalidField(field, `longer than ${MAX_GLOB_LENGTH} characters`);
  if (compileGlob(pattern) === undefined) throw invalidField(field, 'ends with a lone "\\"');
  return pattern;
}

export function validateMatch(match: RuleMatch, field = 'match'): RuleMatch {
  const realm = match.realm === undefined ? undefined : normalizeRealm(match.realm, `${field}.realm`);
  if (match.realmFrom !== undefined && !REALM_SOURCES.includes(match.realmFrom)) {
    throw invalidField(`${field}.realmFrom`, `must be one of ${REALM_SOURCES.join(', ')}`);
  }
  if (match.realmFrom !== undefined && realm === undefined) {
    throw invalidField(`${field}.realmFrom`, 'is only meaningful with match.realm');
  }
  let group: string | undefined;
  if (match.group !== undefined) {
    try {
      group = validateGroup(match.group);
    } catch (e) {
      if (isStoreError(e)) throw invalidField(`${field}.group`, e.message);
      throw e;
    }
  }
  const out: RuleMatch = {
    ...(realm === undefined ? {} : { realm, realmFrom: match.realmFrom ?? RealmSource.ANY }),
    ...(group === undefined ? {} : { group }),
    ...(match.identity === undefined ? {} : { identity: validateGlob(match.identity, `${field}.identity`) }),
    ...(match.callingStation === undefined
      ? {}
      : { callingStation: validateGlob(match.callingStation, `${field}.callingStation`) }),
    ...(match.calledStation === undefined
      ? {}
      : { calledStation: validateGlob(match.calledStation, `${field}.calledStation`) }),
  };
  if (Object.keys(out).length === 0) {
    throw invalidField(
      field,
      'give at least one of realm, group, identity, callingStation, calledStation (use identity "*" to match everything)',
    );
  }
  return out;
}

/** True when the rule matches on realm only: its default usage is REALM_AND_APPLICATION. */
export function isRealmOnly(match: RuleMatch): boolean {
  return (
    match.realm !== undefined &&
    match.group === undefined &&
    match.identity === undefined &&
    match.callingStation === undefined &&
    match.calledStation === undefined
  );
}

/**
 * Validates a rule and applies the defaults: usage ALL_USER (REALM_AND_APPLICATION for a
 * realm-only rule); Redirect-Max-Cache-Time DEFAULT_MAX_CACHE_TIME_SECONDS, required > 0 unless
 * DONT_CACHE (RFC 6733 §6.14), and 0 with DONT_CACHE. Errors name the field.
 */
export function validateRule(input: NewRedirectRule): ValidRule {
  const name = validateRuleName(input.name);
  const priority = input.priority ?? DEFAULT_RULE_PRIORITY;
  if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw invalidField('priority', `must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}`);
  }
  const match = validateMatch(input.match);
  const targets = validateTargets(input.targets);
  const usage =
    input.usage === undefined
      ? isRealmOnly(match)
        ? RedirectHostUsage.REALM_AND_APPLICATION
        : RedirectHostUsage.ALL_USER
      : parseUsage(input.usage);
  let maxCacheTimeSeconds: number;
  if (usage === RedirectHostUsage.DONT_CACHE) {
    if (input.maxCacheTimeSeconds !== undefined && input.maxCacheTimeSeconds !== 0) {
      throw invalidField('maxCacheTimeSeconds', 'must be absent or 0 with usage DONT_CACHE');
    }
    maxCacheTimeSeconds = 0;
  } else {
    maxCacheTimeSeconds = input.maxCacheTimeSeconds ?? DEFAULT_MAX_CACHE_TIME_SECONDS;
    if (
      !Number.isInteger(maxCacheTimeSeconds) ||
      maxCacheTimeSeconds < 1 ||
      maxCacheTimeSeconds > MAX_CACHE_TIME_LIMIT_SECONDS
    ) {
      throw invalidField(
        'maxCacheTimeSeconds',
        `must be an integer from 1 to ${MAX_CACHE_TIME_LIMIT_SECONDS} when usage is not DONT_CACHE (RFC 6733 §6.14)`,
      );
    }
  }
  return { name, priority, match, targets, usage, maxCacheTimeSeconds, enabled: input.enabled ?? true };
}
