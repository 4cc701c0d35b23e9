/**
 * Energy accounting for the yearly report (art. 12.5): hours on and off per output since the agent
 * started, and the energy used against what the same equipment would have used always on. Counted
 * from the rated power of each output, which is what a room without a meter can know.
 */
import type { Readings } from '../../shared/schemas.js';
import type { PowerState } from './power-output.js';

interface Counter {
  name: string;
  ratedW: number;
  onMs: number;
  offMs: number;
  /** An unknown state (before the first switch) counts as on, the pessimistic side. */
  state: PowerState | 'unknown';
}

export type EnergyReading = NonNullable<Readings['energy']>;

const HOUR_MS = 3_600_000;

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export class EnergyMeter {
  private readonly counters: Counter[];
  private readonly since: Date;
  private last: Date;

  constructor(outputs: readonly { name: string; ratedW: number }[], start: Date) {
    this.counters = outputs.map((o) => ({
      name: o.name,
      ratedW: o.ratedW,
      onMs: 0,
      offMs: 0,
      state: 'unknown',
    }));
    this.since = start;
    this.last = start;
  }

  /** Counts the time up to `now` in the states held so far, then takes the outputs' new states. */
  update(now: Date, states: ReadonlyMap<string, PowerState | 'unknown'>): void {
    const dt = Math.max(0, now.getTime() - this.last.getTime());
    for (const c of this.counters) {
      if (c.state === 'off') c.offMs += dt;
      else c.onMs += dt;
      c.state = states.get(c.name) ?? c.state;
    }
    this.last = now;
  }

  reading(): EnergyReading {
    let usedWh = 0;
    let alwaysOnWh = 0;
    for (const c of this.counters) {
      usedWh += (c.ratedW * c.onMs) / HOUR_MS;
      alwaysOnWh += (c.ratedW * (c.onMs + c.offMs)) / HOUR_MS;
    }
    return {
      sinceIso: this.since.toISOString(),
      usedWh: round(usedWh, 1),
      alwaysOnWh: round(alwaysOnWh, 1),
      outputs: this.counters.map((c) => ({
        name: c.name,
        ratedW: c.ratedW,
        onH: round(c.onMs / HOUR_MS, 3),
        offH: round(c.offMs / HOUR_MS, 3),
      })),
    };
  }
}
