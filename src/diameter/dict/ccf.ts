import { RuleKind } from './model.js';

/** A CCF rule before AVP names are resolved. `avp` is 'AVP' for the wildcard. */
export interface CcfRule {
  readonly avp: string;
  readonly kind: RuleKind;
  readonly min: number;
  readonly max: number;
}

export interface CcfHeader {
  /** 'Diameter' for a command, 'AVP' for a Grouped AVP. */
  readonly kind: 'Diameter' | 'AVP';
  /** Command code or AVP code; undefined for the generic `code` of answer-message. */
  readonly code: number | undefined;
  /** AVP header only: the vendor id after the code. */
  readonly vendorId: number;
  readonly req: boolean;
  readonly pxy: boolean;
  readonly err: boolean;
}

export interface CcfGrammar {
  readonly name: string;
  readonly header: CcfHeader;
  readonly rules: readonly CcfRule[];
}

export class CcfSyntaxError extends Error {
  override readonly name = 'CcfSyntaxError';
}

const HEAD_RE = /^\s*<\s*([A-Za-z][\w-]*)\s*>\s*::=\s*<\s*(Diameter|AVP)\s+Header\s*:\s*([^>]*)>/;
const RULE_RE = /^\s*(?:(\d*)\s*\*\s*(\d*))?\s*([<{[])\s*([A-Za-z][A-Za-z0-9-]*)\s*([>}\]])/;
const CLOSE: Readonly<Record<string, string>> = { '<': '>', '{': '}', '[': ']' };
const KIND: Readonly<Record<string, RuleKind>> = {
  '<': RuleKind.Fixed,
  '{': RuleKind.Required,
  '[': RuleKind.Optional,
};
const WILDCARD = 'AVP';

function parseHeader(kind: 'Diameter' | 'AVP', text: string): CcfHeader {
  // "257, REQ, PXY" / "code, ERR [PXY]" / "260" / "260, 10415"
  const parts = text
    .replace(/\[\s*PXY\s*\]/, ', PXY')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const first = parts.shift();
  if (first === undefined) throw new CcfSyntaxError(`empty ${kind} Header`);
  let code: number | undefined;
  if (/^\d+$/.test(first)) code = Number(first);
  else if (first !== 'code' || kind !== 'Diameter')
    throw new CcfSyntaxError(`bad code '${first}' in ${kind} Header`);
  let req = false;
  let pxy = false;
  let err = false;
  let vendorId = 0;
  for (const p of parts) {
    if (kind === 'AVP' && /^\d+$/.test(p)) vendorId = Number(p);
    else if (kind === 'Diameter' && p === 'REQ') req = true;
    else if (kind === 'Diameter' && p === 'PXY') pxy = true;
    else if (kind === 'Diameter' && p === 'ERR') err = true;
    else throw new CcfSyntaxError(`unknown header element '${p}'`);
  }
  return { kind, code, vendorId, req, pxy, err };
}

/**
 * Parses one CCF definition (RFC 6733 §3.2), e.g.
 * `<CER> ::= < Diameter Header: 257, REQ > { Origin-Host } 1* { Host-IP-Address } * [ AVP ]`.
 * Qualifier defaults (§3.2): no qualifier = exactly one for fixed/required, at most one for
 * optional; with a qualifier, min defaults to 1 for required and 0 otherwise, max to infinity.
 */
export function parseCcf(text: string): CcfGrammar {
  const head = HEAD_RE.exec(text);
  if (head === null) throw new CcfSyntaxError('expected "< Name > ::= < Diameter|AVP Header: ... >"');
  const name = head[1]!;
  const header = parseHeader(head[2] as 'Diameter' | 'AVP', head[3]!);
  let rest = text.slice(head[0].length);
  const rules: CcfRule[] = [];
  while (rest.trim().length > 0) {
    const m = RULE_RE.exec(rest);
    if (m === null) throw new CcfSyntaxError(`cannot parse rule at '${rest.trim().slice(0, 40)}'`);
    const [whole, minText, maxText, open, avp, close] = m as unknown as [
      string,
      string | undefined,
      string | undefined,
      string,
      string,
      string,
    ];
    if (CLOSE[open] !== close) throw new CcfSyntaxError(`'${open}' closed by '${close}' at ${avp}`);
    const kind = KIND[open]!;
    const qualified = minText !== undefined;
    let min: number;
    let max: number;
    if (!qualified) {
      min = kind === RuleKind.Optional ? 0 : 1;
      max = 1;
    } else {
      min = minText === '' ? (kind === RuleKind.Required ? 1 : 0) : Number(minText);
      max = maxText === '' || maxText === undefined ? Number.POSITIVE_INFINITY : Number(maxText);
    }
    if (min > max) throw new CcfSyntaxError(`min ${min} > max ${max} at ${avp}`);
    if (max === 0) throw new CcfSyntaxError(`max 0 at ${avp}`);
    if (kind === RuleKind.Optional && min > 0)
      throw new CcfSyntaxError(`optional rule with min ${min} at ${avp} (RFC 6733 §3.2: min MUST be 0)`);
    if (avp === WILDCARD && kind === RuleKind.Fixed)
      throw new CcfSyntaxError('the AVP wildcard cannot be fixed');
    rules.push({ avp, kind, min, max });
    rest = rest.slice(whole.length);
  }
  return { name, header, rules };
}

export const CCF_WILDCARD = WILDCARD;
