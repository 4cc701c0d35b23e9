/**
 * Loads a program's settings: convict reads the defaults, `--config file.json`, the `HNTH_*`
 * environment variables and the flags, checks each value against its format, refuses keys it does
 * not know, and then the rules that span keys run. Every problem found ends in one ConfigError, so
 * a technician fixes the file in one go.
 */
import { existsSync, readFileSync } from 'node:fs';
import convict from 'convict';
import { type CrossCheck, isPlainObject, type Setting, type SettingsOf, settingLeaves } from './settings.js';

/** A configuration that cannot be used; the message names the key and what is wrong with it. */
export class ConfigError extends Error {
  readonly code = 'HNTH_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface SettingsSources {
  env?: NodeJS.ProcessEnv;
  args?: string[];
  file?: string;
  /** Values that override everything else (the demo, tests), by dotted key. */
  overrides?: Record<string, unknown>;
}

/**
 * The settings of `schema` from `sources`, checked; a missing or broken file, a bad value, an
 * unknown key or a broken rule is a ConfigError that lists every one of them.
 */
export function loadSettings<S extends object>(
  schema: S,
  sources: SettingsSources,
  checks: readonly CrossCheck<SettingsOf<S>>[] = [],
): SettingsOf<S> {
  const env = sources.env ?? process.env;
  // convict's own types cannot follow a schema composed of parts; SettingsOf does.
  const config = convict(schema as convict.Schema<Record<string, unknown>>, {
    env,
    args: sources.args ?? [],
  });
  const leaves = new Map(settingLeaves(schema));
  const problems: string[] = [];
  /** What was written for each key, before convict turned "banana" into NaN. */
  const written = new Map<string, unknown>();
  if (sources.file) {
    for (const [key, value] of fileValues(readConfigFile(sources.file), schema, problems)) {
      config.set(key, value);
      written.set(key, value);
    }
    // The environment and the flags come after the file, as convict's own load() has them.
    config.load({});
  }
  for (const [key, leaf] of leaves)
    if (leaf.env && env[leaf.env] !== undefined) written.set(key, env[leaf.env]);
  for (const [key, value] of Object.entries(sources.overrides ?? {})) {
    config.set(key, value);
    written.set(key, value);
  }
  try {
    config.validate({ allowed: 'strict' });
  } catch (err) {
    for (const line of (err as Error).message.split('\n').filter(Boolean))
      problems.push(withSuggestion(withValue(line, leaves, written), schema));
  }
  const refused = problems.map(keyOf);
  const settings = config.getProperties() as SettingsOf<S>;
  for (const rule of checks) {
    if (!rule.keys.some((key) => refused.some((bad) => related(key, bad))))
      problems.push(...rule.check(settings));
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration (${sources.file ?? 'environment'}):\n  ${problems.join('\n  ')}`,
    );
  }
  return settings;
}

/**
 * The file's values by dotted key, a leaf's value whole (a list, a map of rooms), so a key the file
 * leaves out keeps its default however deep it lies. Keys outside the schema are kept for the
 * strict check to refuse; a group given something other than an object is a problem of its own.
 */
function fileValues(
  values: Record<string, unknown>,
  schema: object,
  problems: string[],
  prefix = '',
): [string, unknown][] {
  return Object.entries(values).flatMap(([key, value]): [string, unknown][] => {
    const path = prefix ? `${prefix}.${key}` : key;
    const node: unknown = Object.hasOwn(schema, key) ? (schema as Record<string, unknown>)[key] : undefined;
    if (!isPlainObject(node) || 'default' in node) return [[path, value]];
    if (isPlainObject(value)) return fileValues(value, node, problems, path);
    problems.push(`${path}: must be an object of settings: value was ${JSON.stringify(value)}`);
    return [];
  });
}

/**
 * A convict problem with the value as written (convict shows it after its own conversion, which
 * makes "banana" NaN, and not at all when it is 0 or false); never the value of a secret.
 */
function withValue(
  problem: string,
  leaves: ReadonlyMap<string, Setting>,
  written: ReadonlyMap<string, unknown>,
): string {
  const key = keyOf(problem);
  if (!leaves.has(key) || leaves.get(key)?.sensitive || !written.has(key)) return problem;
  return `${problem.replace(/: value was .*$/, '')}: value was ${JSON.stringify(written.get(key))}`;
}

/** An unknown key with the known one it is likely a misspelling of: `did you mean thresholds.latencyMs?` */
function withSuggestion(problem: string, schema: object): string {
  if (!/ not declared in the schema$/.test(problem)) return problem;
  const path = keyOf(problem).split('.');
  let node: unknown = schema;
  for (const [i, part] of path.entries()) {
    if (!isPlainObject(node) || 'default' in node) return problem;
    if (!Object.hasOwn(node, part)) {
      const near = Object.keys(node).find(
        (known) => editDistance(known.toLowerCase(), part.toLowerCase()) <= 2,
      );
      return near ? `${problem}; did you mean ${[...path.slice(0, i), near].join('.')}?` : problem;
    }
    node = node[part];
  }
  return problem;
}

/** Levenshtein distance: the letters to change, add or remove to turn one word into the other. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * The key a convict problem is about: `mqtt.port: must be …` or `configuration param 'x.y' not
 * declared in the schema` (or missing from config).
 */
function keyOf(problem: string): string {
  return /^configuration param '([^']+)'/.exec(problem)?.[1] ?? problem.split(': ')[0]!;
}

/** The same key, or one inside the other. */
function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/** The JSON object in a config file; a missing or broken file is a ConfigError. */
function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError(`config file ${file} must hold a JSON object`);
  return parsed;
}
