import { readFileSync } from 'node:fs';
import convict from 'convict';
import { customFormats, schema } from './schema.js';

convict.addFormats(customFormats);

function makeConfig(env: NodeJS.ProcessEnv) {
  return convict(schema, { env, args: [] });
}

/** The validated configuration, typed from the schema. */
export type Config = ReturnType<ReturnType<typeof makeConfig>['getProperties']>;

/** A configuration problem: every line names the key, the value and what is allowed. */
export class ConfigError extends Error {
  readonly code = 'EAPD_CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Map "a.b.c" → its environment variable, so an error can say where a value may have come from. */
function envNames(
  node: Record<string, unknown>,
  prefix = '',
  out = new Map<string, string>(),
): Map<string, string> {
  for (const [k, v] of Object.entries(node)) {
    if (typeof v !== 'object' || v === null) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    const rec = v as Record<string, unknown>;
    if ('doc' in rec && 'default' in rec) {
      if (typeof rec['env'] === 'string') out.set(key, rec['env']);
    } else {
      envNames(rec, key, out);
    }
  }
  return out;
}

const ENV_BY_KEY = envNames(schema as unknown as Record<string, unknown>);

function explain(line: string): string {
  const undeclared = /^configuration param '([^']+)' not declared in the schema$/.exec(line);
  if (undeclared) {
    return `${undeclared[1]}: unknown key (see docs/configuration.md for the keys eapd knows; check the spelling)`;
  }
  const key = line.split(':', 1)[0] ?? '';
  const env = ENV_BY_KEY.get(key);
  return env ? `${line} (set by the config file or ${env})` : line;
}

export interface LoadOptions {
  /** A JSON config file laid over the defaults (`--config FILE`). */
  readonly file?: string;
  /** Environment to read EAPD_* variables from (defaults to process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Values laid over everything else (tests, CLI flags). */
  readonly overrides?: Record<string, unknown>;
}

/** Defaults < config file < environment < overrides; strict: unknown keys are errors. */
export function loadConfig(options: LoadOptions = {}): Config {
  const config = makeConfig(options.env ?? process.env);
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (e) {
      throw new ConfigError([`--config ${options.file}: cannot read the file (${(e as Error).message})`]);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ConfigError([`--config ${options.file}: not valid JSON (${(e as Error).message})`]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`--config ${options.file}: must hold a JSON object of config sections`]);
    }
    // convict keeps environment values above loaded ones: defaults < file < env.
    try {
      config.load(parsed);
    } catch (e) {
      throw new ConfigError(
        String((e as Error).message)
          .split('\n')
          .map(explain),
      );
    }
  }
  if (options.overrides) config.load(options.overrides);
  try {
    config.validate({ allowed: 'strict' });
  } catch (e) {
    throw new ConfigError(
      String((e as Error).message)
        .split('\n')
        .filter(Boolean)
        .map(explain),
    );
  }
  return config.getProperties();
}

/** The schema as data, for the generated configuration reference. */
export function configSchema(): typeof schema {
  return schema;
}
