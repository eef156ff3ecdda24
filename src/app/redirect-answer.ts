import type { HandlerResult } from '../diameter/node/handler.js';
import { parseDiameterUri } from '../diameter/node/diameter-uri.js';
import { RedirectHostUsage, ResultCode } from '../diameter/dict/constants.gen.js';
import { encodeRedirectAnswer, type DeaHeader } from './dea-encoder.js';
import { appChannels } from './events.js';
import type { RedirectDecision } from './redirect-hook.js';

const USAGE_NAMES = new Map<number, string>(Object.entries(RedirectHostUsage).map(([k, v]) => [v, k]));

function usageName(usage: number): string {
  return USAGE_NAMES.get(usage) ?? String(usage);
}

const UINT32_LIMIT = 0x1_0000_0000;

/** A hook's decision must encode to a valid answer: a bad one is a configuration bug (→ 5012). */
function checkDecision(d: RedirectDecision): void {
  if (d.targets.length === 0) throw new RangeError(`redirect rule ${d.rule}: no target`);
  for (const t of d.targets) {
    if (!parseDiameterUri(t).ok)
      throw new RangeError(`redirect rule ${d.rule}: ${JSON.stringify(t)} is not a DiameterURI`);
  }
  if (!USAGE_NAMES.has(d.usage))
    throw new RangeError(`redirect rule ${d.rule}: usage ${d.usage} is not a Redirect-Host-Usage`);
  if (
    !Number.isInteger(d.maxCacheTimeSeconds) ||
    d.maxCacheTimeSeconds < 0 ||
    d.maxCacheTimeSeconds >= UINT32_LIMIT
  )
    throw new RangeError(`redirect rule ${d.rule}: bad Redirect-Max-Cache-Time ${d.maxCacheTimeSeconds}`);
}

/**
 * The 3006 DIAMETER_REDIRECT_INDICATION answer for a hook's decision (RFC 6733 §6.1.8, §6.12–14),
 * published as a redirect event (rule, usage). A decision that cannot be encoded throws: the
 * dispatcher answers 5012 and the log names the rule.
 */
export function redirectResult(header: DeaHeader, decision: RedirectDecision): HandlerResult {
  checkDecision(decision);
  if (appChannels.redirect.hasSubscribers)
    appChannels.redirect.publish({ rule: decision.rule, usage: usageName(decision.usage) });
  return {
    kind: 'answer',
    answer: encodeRedirectAnswer(header, decision),
    resultCode: ResultCode.DIAMETER_REDIRECT_INDICATION,
  };
}
