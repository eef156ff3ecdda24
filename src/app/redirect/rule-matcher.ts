import { formatAccessPoint, parseCalledStationId } from '../../store/access-point.js';
import { parseMac } from '../../store/mac-address.js';
import { compileGlob } from '../../store/routing/glob.js';
import { naiRealm } from '../../store/routing/realm.js';
import { RealmSource, type RedirectRule } from '../../store/routing/routing-model.js';
import type { FirstDerFacts } from '../redirect-hook.js';
import { compareRules } from './rule-precedence.js';

/** A rule ready for matching: globs compiled once per snapshot. */
export interface CompiledRule {
  readonly rule: RedirectRule;
  readonly identity: RegExp | undefined;
  readonly callingStation: RegExp | undefined;
  readonly calledStation: RegExp | undefined;
}

/** What matching needs beyond the DER: the device group, looked up only when a rule asks. */
export interface MatchContext {
  readonly facts: FirstDerFacts;
  /** RFC 3580 §3.21 canonical Calling-Station-Id, or the raw value when it is not a MAC. */
  readonly callingStation: string | undefined;
  /** RFC 3580 §3.20 canonical Called-Station-Id, or the raw value when it does not start with a MAC. */
  readonly calledStation: string | undefined;
  readonly userRealm: string | undefined;
  group(): Promise<string | undefined>;
}

/** Enabled rules, compiled and in precedence order (see compareRules). */
export function compileRules(rules: readonly RedirectRule[]): CompiledRule[] {
  return rules
    .filter((r) => r.enabled)
    .sort(compareRules)
    .map((rule) => ({
      rule,
      identity: glob(rule.match.identity, false),
      callingStation: glob(rule.match.callingStation, true),
      calledStation: glob(rule.match.calledStation, true),
    }));
}

function glob(pattern: string | undefined, ignoreCase: boolean): RegExp | undefined {
  if (pattern === undefined) return undefined;
  // Validated on the way in; a pattern that no longer compiles matches nothing.
  return compileGlob(pattern, { ignoreCase }) ?? /$^/;
}

/** Normalises the station ids of a first DER the way the device store does (RFC 3580 §3.20/§3.21). */
export function normalizeStations(facts: FirstDerFacts): { callingStation?: string; calledStation?: string } {
  const calling = facts.callingStationId;
  const called = facts.calledStationId;
  const ap = called === undefined ? undefined : parseCalledStationId(called);
  return {
    ...(calling === undefined ? {} : { callingStation: parseMac(calling) ?? calling }),
    ...(called === undefined ? {} : { calledStation: ap === undefined ? called : formatAccessPoint(ap) }),
  };
}

/** The identities a rule may match: User-Name and the EAP identity (RFC 4072 §2.1 copies one into the other). */
function identities(facts: FirstDerFacts): string[] {
  const out: string[] = [];
  if (facts.userName !== undefined) out.push(facts.userName);
  if (facts.eapIdentity !== undefined && facts.eapIdentity !== facts.userName) out.push(facts.eapIdentity);
  return out;
}

/** True when every criterion of the rule matches; the group lookup runs last and only if needed. */
export async function ruleMatches(c: CompiledRule, ctx: MatchContext): Promise<boolean> {
  const m = c.rule.match;
  if (m.realm !== undefined) {
    const from = m.realmFrom ?? RealmSource.ANY;
    const byUser = from !== RealmSource.DESTINATION_REALM && ctx.userRealm === m.realm;
    const byDest = from !== RealmSource.USER_NAME && ctx.facts.destinationRealm.toLowerCase() === m.realm;
    if (!byUser && !byDest) return false;
  }
  if (c.identity !== undefined) {
    const re = c.identity;
    if (!identities(ctx.facts).some((id) => re.test(id))) return false;
  }
  if (
    c.callingStation !== undefined &&
    (ctx.callingStation === undefined || !c.callingStation.test(ctx.callingStation))
  )
    return false;
  if (
    c.calledStation !== undefined &&
    (ctx.calledStation === undefined || !c.calledStation.test(ctx.calledStation))
  )
    return false;
  if (m.group !== undefined && (await ctx.group()) !== m.group) return false;
  return true;
}

/** The first rule in precedence order that matches, or undefined. */
export async function firstMatch(
  rules: readonly CompiledRule[],
  ctx: MatchContext,
): Promise<RedirectRule | undefined> {
  for (const c of rules) {
    if (await ruleMatches(c, ctx)) return c.rule;
  }
  return undefined;
}

/** Builds the match context of one DER; `lookupGroup` is called at most once. */
export function matchContext(
  facts: FirstDerFacts,
  lookupGroup: (identity: string) => Promise<string | undefined>,
): MatchContext {
  const stations = normalizeStations(facts);
  let group: Promise<string | undefined> | undefined;
  return {
    facts,
    callingStation: stations.callingStation,
    calledStation: stations.calledStation,
    userRealm: naiRealm(facts.userName ?? facts.eapIdentity),
    group: () => {
      group ??= (async () => {
        for (const id of identities(facts)) {
          const g = await lookupGroup(id);
          if (g !== undefined) return g;
        }
        return undefined;
      })();
      return group;
    },
  };
}
