import type { AvpType } from './avp-type.js';

/** AVP header flag bits (RFC 6733 §4.1). */
export const AvpFlag = {
  V: 0x80,
  M: 0x40,
  P: 0x20,
  /** The five low bits are reserved (RFC 6733 §4.1). */
  RESERVED: 0x1f,
} as const;

/** One AVP of the dictionary. `index` is dense (0..avpCount-1) so grammars can be arrays. */
export interface AvpDef {
  readonly index: number;
  readonly name: string;
  readonly code: number;
  readonly vendorId: number;
  readonly type: AvpType;
  /** AvpFlag bits the sender must set (RFC 6733 §4.5 "MUST" column). */
  readonly mustFlags: number;
  /** AvpFlag bits that must never be set ("MUST NOT" column). */
  readonly mustNotFlags: number;
  /** Named values (Enumerated, or named constants of an integer type). */
  readonly values: ReadonlyMap<string, number>;
  /** The numbers of `values`, for the 5004 check of a closed Enumerated. */
  readonly valueSet: ReadonlySet<number>;
  /** Enumerated only: when true a value outside `values` is a 5004 (RFC 6733 §7.1.5). */
  readonly enumClosed: boolean;
  /** Grouped only: the grammar of its children (RFC 6733 §4.4). */
  readonly grammar: Grammar | undefined;
  /** The file that defined it. */
  readonly source: string;
}

export const RuleKind = { Fixed: 'fixed', Required: 'required', Optional: 'optional' } as const;
export type RuleKind = (typeof RuleKind)[keyof typeof RuleKind];

/** One CCF rule (RFC 6733 §3.2): `<X>` fixed, `{X}` required, `[X]` optional, with `min*max`. */
export interface GrammarRule {
  readonly avp: AvpDef;
  readonly kind: RuleKind;
  readonly min: number;
  readonly max: number;
  /** For a fixed rule, the AVP position it must take (0 = first); -1 otherwise. */
  readonly position: number;
}

/** A resolved CCF grammar, precomputed for validation. */
export interface Grammar {
  readonly name: string;
  readonly rules: readonly GrammarRule[];
  /** `* [ AVP ]` or `{ AVP }`: AVPs not named by a rule are allowed (RFC 6733 §3.2). */
  readonly allowsAny: boolean;
  /** Minimum number of AVPs the wildcard must match (`1* {AVP}` in Failed-AVP gives 1). */
  readonly anyMin: number;
  /** Indexed by AvpDef.index: the rule index for that AVP, or -1. */
  readonly ruleOf: Int16Array;
}

/** A command (RFC 6733 §3.1) with the grammars of its request and answer. */
export interface CommandDef {
  readonly name: string;
  readonly requestAbbrev: string;
  readonly answerAbbrev: string;
  readonly code: number;
  readonly applicationId: number;
  readonly proxiable: boolean;
  readonly request: Grammar;
  readonly answer: Grammar;
  readonly source: string;
}

export interface ApplicationDef {
  readonly id: number;
  readonly name: string;
}

export interface VendorDef {
  readonly id: number;
  readonly name: string;
}
