/**
 * Configuration drift (art. 5.3: no one changes the equipment's configuration parameters). The agent
 * reads the codec's watched configuration values and compares them with the approved baseline: the
 * one the hub's operator approved (sent with `config.baseline` and kept on disk, baseline-store.ts),
 * else `probes.codec.baseline` of the agent configuration. A difference raises `config.drift` with
 * the key, the approved and the found value, once per new set of differences; the codec back on its
 * baseline raises `config.restored`. No baseline: nothing is watched.
 */
import { configHash } from '../../shared/config-hash.js';
import type { EdgeEvent } from '../edges.js';

/** Where the codec's configuration is read from (xAPI, Poly REST, the simulated codec). */
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

/** The event for a new set of differences, or for the return to the baseline (none); pure. */
export function driftEvent(drifts: Drift[], hash: string, baselineHash: string): EdgeEvent {
  if (drifts.length === 0) {
    return { type: 'config.restored', severity: 'info', data: { changed: 0, hash, baselineHash } };
  }
  const first = drifts[0]!;
  return {
    type: 'config.drift',
    severity: 'warning',
    data: {
      changed: drifts.length,
      keys: drifts
        .map((d) => d.key)
        .join(', ')
        .slice(0, 200),
      key: first.key.slice(0, 200),
      approved: first.expected.slice(0, 200),
      found: first.actual === null ? null : first.actual.slice(0, 200),
      hash,
      baselineHash,
    },
  };
}

export type DriftCheck = { ok: true; drifts: Drift[]; hash: string } | { ok: false; detail: string };

export class ConfigDriftWatch {
  private baseline: Record<string, string>;
  private baselineHash: string;
  /** The hash of the differences last reported; null while the codec is on its baseline. */
  private reported: string | null = null;

  constructor(
    private readonly source: ConfigSource,
    baseline: Record<string, string>,
    private readonly emit: (event: EdgeEvent) => void,
  ) {
    this.baseline = { ...baseline };
    this.baselineHash = configHash(this.baseline);
  }

  /** The baseline now watched. */
  get approved(): Readonly<Record<string, string>> {
    return this.baseline;
  }

  /** A newly approved baseline; the next check compares with it. */
  setBaseline(baseline: Record<string, string>): void {
    this.baseline = { ...baseline };
    this.baselineHash = configHash(this.baseline);
  }

  /** Reads the watched values once; emits on a new set of differences, or on the return to the baseline. */
  async check(): Promise<DriftCheck> {
    const keys = Object.keys(this.baseline);
    if (keys.length === 0) return { ok: true, drifts: [], hash: this.baselineHash };
    const read = await this.source.readConfig(keys);
    if (!read.ok) return read;
    const current: Record<string, string | null> = {};
    for (const key of keys) current[key] = read.values[key] ?? null;
    const hash = configHash(current);
    const drifts = compareWithBaseline(this.baseline, current);
    // What is reported is the set of differences: the same drift under a new baseline is not news.
    const differences =
      drifts.length === 0
        ? null
        : configHash(Object.fromEntries(drifts.map((d) => [d.key, `${d.expected}\u0000${d.actual}`])));
    if (differences !== this.reported) this.emit(driftEvent(drifts, hash, this.baselineHash));
    this.reported = differences;
    return { ok: true, drifts, hash };
  }
}
