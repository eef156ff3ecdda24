import { readFileSync } from 'node:fs';

const PLACEHOLDER = /@([A-Z][A-Z0-9_]*)@/g;

/**
 * Replaces every `@NAME@` in the template file with values[NAME]. Throws when the template uses a
 * placeholder that has no value, so a renamed option never yields a half-rendered config.
 */
export function renderTemplate(templateFile: string, values: Readonly<Record<string, string>>): string {
  const text = readFileSync(templateFile, 'utf8');
  const missing = new Set<string>();
  const rendered = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(
      `renderTemplate(${templateFile}): no value for ${[...missing].map((n) => `@${n}@`).join(', ')}`,
    );
  }
  return rendered;
}
