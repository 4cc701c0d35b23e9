/**
 * Stored telemetry samples as chart series: one column per quantity, averaged into at most
 * `maxPoints` time buckets so a week of one-minute samples stays a small answer. Pure.
 * `powerW` is derived from the energy counter (Wh used between two samples of the same agent run,
 * over the hours between them); the counter restarts with the agent, so a drop starts afresh.
 */
import type { TelemetrySample } from '../store/store.js';

export const seriesNames = ['tempC', 'humidityPct', 'latencyMs', 'lossPct', 'powerW'] as const;
export type SeriesName = (typeof seriesNames)[number];

export interface TelemetrySeries {
  /** Bucket times, ISO 8601 UTC, oldest first. */
  ts: string[];
  /** One value per bucket (the mean of its samples), null where no sample had one. */
  series: Record<SeriesName, (number | null)[]>;
}

type Point = Record<SeriesName, number | null>;

function points(samples: readonly TelemetrySample[]): { at: number; point: Point }[] {
  let previous: { at: number; since: string; usedWh: number } | null = null;
  return samples.map((s) => {
    const t = s.telemetry;
    const at = Date.parse(s.ts);
    let powerW: number | null = null;
    const energy = t.energy;
    if (energy) {
      if (
        previous &&
        previous.since === energy.sinceIso &&
        at > previous.at &&
        energy.usedWh >= previous.usedWh
      )
        powerW = (energy.usedWh - previous.usedWh) / ((at - previous.at) / 3_600_000);
      previous = { at, since: energy.sinceIso, usedWh: energy.usedWh };
    }
    return {
      at,
      point: {
        tempC: t.climate.tempC,
        humidityPct: t.climate.humidityPct,
        latencyMs: t.link.latencyMs,
        lossPct: t.link.lossPct,
        powerW,
      },
    };
  });
}

const round = (n: number) => Math.round(n * 100) / 100;

export function telemetrySeries(
  samples: readonly TelemetrySample[],
  from: Date,
  to: Date,
  maxPoints: number,
): TelemetrySeries {
  const span = to.getTime() - from.getTime();
  const width = Math.max(1, Math.ceil(span / maxPoints));
  const buckets = new Map<number, { sum: Point; count: Record<SeriesName, number> }>();
  for (const { at, point } of points(samples)) {
    const key = Math.floor((at - from.getTime()) / width);
    let b = buckets.get(key);
    if (!b) {
      b = {
        sum: { tempC: 0, humidityPct: 0, latencyMs: 0, lossPct: 0, powerW: 0 },
        count: { tempC: 0, humidityPct: 0, latencyMs: 0, lossPct: 0, powerW: 0 },
      };
      buckets.set(key, b);
    }
    for (const name of seriesNames) {
      const v = point[name];
      if (v === null) continue;
      b.sum[name] = (b.sum[name] ?? 0) + v;
      b.count[name] += 1;
    }
  }
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const series = Object.fromEntries(
    seriesNames.map((n) => [n, [] as (number | null)[]]),
  ) as TelemetrySeries['series'];
  for (const key of keys) {
    const b = buckets.get(key)!;
    for (const name of seriesNames)
      series[name].push(b.count[name] > 0 ? round((b.sum[name] ?? 0) / b.count[name]) : null);
  }
  return { ts: keys.map((k) => new Date(from.getTime() + k * width).toISOString()), series };
}
