/**
 * Configuration drift (art. 5.3: no one changes the equipment's configuration parameters). The agent
 * reads a configured list of codec configuration values and compares them with the approved
 * baseline; a difference raises `config.drift` naming each changed value, once per new difference,
 * and an `info` one when the codec is back on its baseline. The baseline is the `probes.codec.baseline`
 * of the agent configuration: the hub's approval of baselines is a later part of the product, which
 * will deliver the same key → value map.
 */
import { createHash } from 'node:crypto';
import type { EdgeEvent } from '../edges.js';

/** Where the codec's configuration is read from (xAPI, Poly REST). */
export interface ConfigSource {
  readConfig(keys: readonly string[]): Promise<ConfigValues>;
}

/** Values by key; null for a key the codec does not have. */
export type ConfigValues =
  | { ok: true; values: Record<string, string | null> }
  | { ok: false; detail: string };

export interface Drift {
  key: string;
  expected: string;
  actual: string | null;
}

/** A stable hash of key → value pairs, independent of key order. */
export function configHash(values: Record<string, string | null>): string {
  const lines = Object.keys(values)
    .sort()
    .map((k) => `${k}=${values[k] ?? '\u0000'}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Which baseline values the codec no longer has; pure. */
export function compareWithBaseline(
  baseline: Record<string, string>,
  current: Record<string, string | null>,
): Drift[] {
  return Object.keys(baseline)
    .sort()
    .filter((key) => current[key] !== baseline[key])
    .map((key) => ({ key, expected: baseline[key]!, actual: current[key] ?? null }));
}

function describe(d: Drift): string {
  return `${d.key}: ${d.expected} → ${d.actual ?? '(missing)'}`;
}

/** The event for a new set of differences (none: back on the baseline); pure. */
export function driftEvent(drifts: Drift[], hash: string, baselineHash: string): EdgeEvent {
  if (drifts.length === 0) {
    return { type: 'config.drift', severity: 'info', data: { changed: 0, hash, baselineHash } };
  }
  return {
    type: 'config.drift',
    severity: 'warning',
    data: {
      changed: drifts.length,
      keys: drifts
        .map((d) => d.key)
        .join(', ')
        .slice(0, 200),
      first: describe(drifts[0]!).slice(0, 200),
      hash,
      baselineHash,
    },
  };
}

export class ConfigDriftWatch {
  private readonly baselineHash: string;
  /** Hash of the last values seen; the first check against an unchanged codec raises nothing. */
  private lastHash: string;

  constructor(
    private readonly source: ConfigSource,
    private readonly baseline: Record<string, string>,
    private readonly emit: (event: EdgeEvent) => void,
  ) {
    this.baselineHash = configHash(baseline);
    this.lastHash = this.baselineHash;
  }

  /** Reads the values once; emits when they differ from the previous check. Answers the differences. */
  async check(): Promise<{ ok: true; drifts: Drift[] } | { ok: false; detail: string }> {
    const keys = Object.keys(this.baseline);
    const read = await this.source.readConfig(keys);
    if (!read.ok) return read;
    const current: Record<string, string | null> = {};
    for (const key of keys) current[key] = read.values[key] ?? null;
    const hash = configHash(current);
    const drifts = compareWithBaseline(this.baseline, current);
    if (hash !== this.lastHash) this.emit(driftEvent(drifts, hash, this.baselineHash));
    this.lastHash = hash;
    return { ok: true, drifts };
  }
}
