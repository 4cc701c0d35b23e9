/**
 * Simulated room hardware: mains and UPS, climate, codec and link that drift realistically from a
 * seed, and faults injected on `hnth/v1/sim/rooms/{room}/inject`. An injected value is held until
 * the next inject that names it, so a test sees exactly the fault it asked for.
 */
import type { InjectMessage, Readings } from '../../shared/schemas.js';
import type { ReadingSource } from '../reading-source.js';
import { type Random, seededRandom } from './seeded-random.js';

/** A value that wanders around a mean and is pulled back to it (Ornstein-Uhlenbeck, discretised). */
interface Drift {
  value: number;
  mean: number;
  pull: number;
  noise: number;
  min: number;
  max: number;
}

function step(d: Drift, random: Random, dtSec: number): void {
  const gauss = (random() + random() + random() - 1.5) * 2;
  const next = d.value + d.pull * (d.mean - d.value) * dtSec + d.noise * gauss * Math.sqrt(dtSec);
  d.value = Math.min(d.max, Math.max(d.min, next));
}

type Metric = 'tempC' | 'humidityPct' | 'latencyMs' | 'jitterMs' | 'lossPct';

export class SimHardware implements ReadingSource {
  private readonly random: Random;
  private readonly drifts: Record<Metric, Drift>;
  private readonly pinned = new Map<Metric, number>();
  private mains = true;
  private upsChargePct = 100;
  private codec: Readings['codec']['state'] = 'up';
  private inCall = false;

  constructor(
    seed: number,
    /** The simulated room's power control; a room switched off cannot be in a call. */
    private readonly powerState: () => Readings['power']['state'] = () => 'on',
  ) {
    this.random = seededRandom(seed);
    const r = this.random;
    this.drifts = {
      tempC: { value: 22 + r() * 4, mean: 22 + r() * 4, pull: 0.01, noise: 0.05, min: 18, max: 29 },
      humidityPct: { value: 50 + r() * 10, mean: 50 + r() * 10, pull: 0.01, noise: 0.2, min: 35, max: 70 },
      latencyMs: { value: 15 + r() * 30, mean: 15 + r() * 30, pull: 0.1, noise: 1.5, min: 5, max: 120 },
      jitterMs: { value: 2 + r() * 4, mean: 2 + r() * 4, pull: 0.2, noise: 0.5, min: 0, max: 20 },
      lossPct: { value: 0, mean: 0.05, pull: 0.3, noise: 0.05, min: 0, max: 0.8 },
    };
  }

  /** Advances the simulation by `dtSec` seconds: drift, and the UPS charging or draining. */
  advance(dtSec: number): void {
    for (const d of Object.values(this.drifts)) step(d, this.random, dtSec);
    // A typical small UPS: about 20 min on battery, about 2 h to recharge.
    const rate = this.mains ? 100 / 7200 : -100 / 1200;
    this.upsChargePct = Math.min(100, Math.max(0, this.upsChargePct + rate * dtSec));
  }

  inject(fault: InjectMessage): void {
    if (fault.mains !== undefined) this.mains = fault.mains;
    if (fault.ups !== undefined) this.upsChargePct = fault.ups;
    if (fault.codec !== undefined) this.codec = fault.codec;
    if (fault.inCall !== undefined) this.inCall = fault.inCall;
    const pins: [Metric, number | undefined][] = [
      ['tempC', fault.temperature],
      ['humidityPct', fault.humidity],
      ['latencyMs', fault.latency],
      ['jitterMs', fault.jitter],
      ['lossPct', fault.loss],
    ];
    for (const [metric, value] of pins) if (value !== undefined) this.pinned.set(metric, value);
  }

  async read(): Promise<Readings> {
    const v = (m: Metric) => round(this.pinned.get(m) ?? this.drifts[m].value);
    const codecUp = this.codec === 'up';
    const state = this.powerState();
    return {
      power: { mains: this.mains, upsChargePct: round(this.upsChargePct), state },
      climate: { tempC: v('tempC'), humidityPct: v('humidityPct') },
      codec: { state: this.codec, inCall: codecUp && state === 'on' && this.inCall },
      link: { latencyMs: v('latencyMs'), jitterMs: v('jitterMs'), lossPct: v('lossPct') },
    };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
