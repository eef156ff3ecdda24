import type { RedirectRule, RuleMatch } from '../../store/routing/routing-model.js';

/**
 * Specificity weights: one criterion of a kind outranks every combination of the kinds below it
 * (identity > station > group > realm), so the score orders rules by their most specific criterion,
 * then the next.
 */
export const Specificity = {
  IDENTITY: 8,
  STATION: 4,
  GROUP: 2,
  REALM: 1,
} as const;

export function specificity(match: RuleMatch): number {
  let score = 0;
  if (match.identity !== undefined) score += Specificity.IDENTITY;
  if (match.callingStation !== undefined || match.calledStation !== undefined) score += Specificity.STATION;
  if (match.group !== undefined) score += Specificity.GROUP;
  if (match.realm !== undefined) score += Specificity.REALM;
  return score;
}

/**
 * The deterministic order in which rules are tried; the first that matches decides:
 * 1. lower `priority` first (explicit precedence set by the operator);
 * 2. then higher specificity (identity > station > group > realm, see `Specificity`);
 * 3. then name, in code-unit order (so that equal rules never depend on storage order).
 */
export function compareRules(a: RedirectRule, b: RedirectRule): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const s = specificity(b.match) - specificity(a.match);
  if (s !== 0) return s;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
