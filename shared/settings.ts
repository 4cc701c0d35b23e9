/**
 * Settings schemas, as each part of the hub and the agent writes them beside its code: convict
 * schemas whose TypeScript types are derived here rather than written again by hand, the checks
 * they share, and the rules that span keys. No convict import, so the pure modules that read a
 * part's settings type stay free of it; shared/config-file.ts loads and validates.
 *
 * A leaf is an object with a `default`; anything else is a group of leaves. A leaf's type is the
 * union of its `format` when that is a list of choices (write it `as const`), else its default's
 * type (annotate a default of `[]` or `{}`).
 */

/** What a leaf of a convict schema holds; convict reads the same object. */
export interface Setting {
  doc: string;
  default: unknown;
  format?: unknown;
  env?: string;
  arg?: string;
  sensitive?: boolean;
}

type LeafValue<L> = L extends { format: readonly (infer Choice)[] }
  ? Choice
  : L extends { default: infer D }
    ? D
    : never;

/** The values a schema yields, nested as the schema is. */
export type SettingsOf<S> = {
  -readonly [K in keyof S]: S[K] extends { default: unknown } ? LeafValue<S[K]> : SettingsOf<S[K]>;
};

function isSetting(node: unknown): node is Setting {
  return typeof node === 'object' && node !== null && 'default' in node;
}

/** The defaults of a schema, as the program would read them with nothing configured. */
export function defaultsOf<S extends object>(schema: S): SettingsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema)) {
    out[key] = isSetting(node) ? structuredClone(node.default) : defaultsOf(node as object);
  }
  return out as SettingsOf<S>;
}

/** Every leaf of a schema with its dotted key, in the schema's order. */
export function settingLeaves(schema: object, prefix = ''): [string, Setting][] {
  return Object.entries(schema).flatMap(([key, node]): [string, Setting][] => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isSetting(node) ? [[path, node]] : settingLeaves(node as object, path);
  });
}

/**
 * A rule that spans keys (a band's min below its max, a sequence naming a configured output). It
 * runs only when every key it reads passed its own format, so it never reports a value the format
 * already refused; each problem it returns starts with the key to fix.
 */
export interface CrossCheck<S> {
  keys: readonly string[];
  check(settings: S): string[];
}

/**
 * A convict format that reports every problem of one value at once: `problems` returns them (each
 * starting with where in the value, `[2].url`), and the format throws them joined.
 */
export function allProblems(problems: (value: unknown) => string[]): (value: unknown) => void {
  return (value) => {
    const found = problems(value);
    if (found.length > 0) throw new Error(found.join('; '));
  };
}

/** A number above 0 (a period, a timeout). */
export function positive(value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new Error('must be a number greater than 0');
}

/** A number from `min` to `max`, both included. */
export function between(min: number, max: number): (value: unknown) => void {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
      throw new Error(`must be a number from ${min} to ${max}`);
  };
}

/** A whole number from `min` to `max`, both included. */
export function wholeBetween(min: number, max: number): (value: unknown) => void {
  return (value) => {
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
      throw new Error(`must be a whole number from ${min} to ${max}`);
  };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
