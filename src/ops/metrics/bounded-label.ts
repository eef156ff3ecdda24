import { isIP } from 'node:net';
import { OTHER_LABEL } from './known-labels.js';

/** Six octets in hex with optional separators: a MAC address (Calling-Station-Id style). */
const MAC_ADDRESS = /^([0-9a-f]{2}[-:.]?){5}[0-9a-f]{2}$/i;

export interface BoundedLabelOptions {
  /** Values admitted from the start (and pre-initialised by the caller). */
  readonly known: readonly string[];
  /** Further values admitted when they match; absent: only known values. */
  readonly pattern?: RegExp;
  /** At most this many distinct values are admitted beyond `known`; the rest become `other`. */
  readonly maxExtra: number;
  /** Maps an incoming value onto its canonical spelling before matching (e.g. case). */
  readonly canonical?: (value: string) => string;
}

/**
 * A label whose set of values is bounded: the known values, plus up to `maxExtra` values that
 * match a pattern, and `other` for everything else. Whatever a publisher sends, a value that looks
 * like an IP address, a MAC address or a NAI (`user@realm`) never becomes a label value: a device
 * must never get its own series.
 */
export class BoundedLabel {
  readonly #known = new Set<string>();
  readonly #extra = new Set<string>();
  readonly #pattern: RegExp | undefined;
  readonly #maxExtra: number;
  readonly #canonical: ((value: string) => string) | undefined;

  constructor(options: BoundedLabelOptions) {
    this.#pattern = options.pattern;
    this.#maxExtra = options.maxExtra;
    this.#canonical = options.canonical;
    for (const v of options.known) this.#known.add(v);
  }

  /** Adds a value known ahead of traffic (a configured peer or client); returns false if refused. */
  declare(value: string): boolean {
    const v = this.#canonical ? this.#canonical(value) : value;
    if (!this.#acceptable(v) || (this.#pattern !== undefined && !this.#pattern.test(v))) return false;
    this.#known.add(v);
    return true;
  }

  /** The label value to use for `raw`. */
  value(raw: unknown): string {
    if (typeof raw !== 'string') return OTHER_LABEL;
    const v = this.#canonical ? this.#canonical(raw) : raw;
    if (this.#known.has(v) || this.#extra.has(v)) return v;
    if (this.#pattern === undefined || !this.#pattern.test(v) || !this.#acceptable(v)) return OTHER_LABEL;
    if (this.#extra.size >= this.#maxExtra) return OTHER_LABEL;
    this.#extra.add(v);
    return v;
  }

  /** Every value known in advance, in declaration order. */
  knownValues(): readonly string[] {
    return [...this.#known];
  }

  #acceptable(v: string): boolean {
    return v.length > 0 && v !== OTHER_LABEL && isIP(v) === 0 && !MAC_ADDRESS.test(v) && !v.includes('@');
  }
}
