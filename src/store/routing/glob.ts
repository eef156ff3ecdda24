/** Longest glob accepted: a pattern is matched against RADIUS/Diameter values of ≤ 253 octets. */
export const MAX_GLOB_LENGTH = 253;
/** RegExp syntax characters (the only ones that may be escaped under the `u` flag). */
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

export interface GlobOptions {
  readonly ignoreCase?: boolean;
}

/**
 * Compiles a shell-style glob: `*` any run of characters (also empty), `?` exactly one character,
 * `\` makes the next character literal. Everything else is literal. The whole value must match.
 * Returns undefined for a pattern that ends in a lone `\`.
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): RegExp | undefined {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return undefined;
      source += next.replace(REGEX_SPECIAL, '\\$&');
      i++;
    } else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += c.replace(REGEX_SPECIAL, '\\$&');
  }
  return new RegExp(`^${source}$`, options.ignoreCase === true ? 'isu' : 'su');
}

/** True when `pattern` has no wildcard: it then matches exactly one value. */
export function isLiteralGlob(pattern: string): boolean {
  return !/[*?]/.test(pattern.replace(/\\./g, ''));
}
