/**
 * Simulated room hardware: mains and UPS, climate, codec and link that drift realistically from a
 * seed, and faults injected on `hnth/v1/sim/rooms/{room}/inject`. An injected value is held until
 * the next inject that names it, so a test sees exactly the fault it asked for.
 */
import { systemClock } from '../../shared/clock.js';
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

export interface SimOptions {
  /** The room's power control; a room switched off has no codec answering and cannot be in a call. */
  powerState?: () => Readings['power']['state'];
  /** The agent's clock, for the codec's boot after power-on. */
  now?: () => Date;
  /** Seconds the codec takes to answer after power-on. */
  codecBootSec?: number;
}

/** A typical small room UPS: about 20 min at the room's load from full, about 2 h to recharge. */
const FULL_RUNTIME_SEC = 1200;
const RECHARGE_SEC = 7200;
/** Where a UPS's firmware raises its own low-battery flag (NUT `LB`): about 2 min left. */
const LOW_BATTERY_SEC = 120;

/** A simulated room codec's watched configuration, in the xAPI's key form. */
export const SIM_CODEC_CONFIG: Readonly<Record<string, string>> = {
  'Audio/DefaultVolume': '50',
  'Conference/AutoAnswer/Mode': 'Off',
  'SIP/DefaultTransport': 'TCP',
  'Video/Output/Connector[1]/Resolution': 'Auto',
};

export class SimHardware implements ReadingSource {
  private readonly random: Random;
  private readonly drifts: Record<Metric, Drift>;
  private readonly pinned = new Map<Metric, number>();
  private mains = true;
  /** The battery as the runtime it holds; the charge is its share of a full battery. */
  private runtimeSec = FULL_RUNTIME_SEC;
  private fullRuntimeSec = FULL_RUNTIME_SEC;
  private lowBatteryFlag: boolean | null = null;
  private forcedShutdown = false;
  private codec: Readings['codec']['state'] = 'up';
  private inCall = false;
  /** How the MCU's test conference answers this room's test calls (simulation of the far end). */
  mcuAnswer: NonNullable<InjectMessage['mcuAnswer']> = 'answer';
  /** Whether the room's camera is connected. */
  cameraConnected = true;
  /** A test call is connected: the codec reports a call, as a real one does. */
  testCallActive = false;
  /** The codec's configuration as a technician left it (art. 5.3), changed by injection. */
  readonly codecConfig = new Map<string, string>(Object.entries(SIM_CODEC_CONFIG));
  private lastPower: Readings['power']['state'] = 'on';
  private onSince = Number.NEGATIVE_INFINITY;
  private readonly powerState: () => Readings['power']['state'];
  private readonly now: () => Date;
  private readonly codecBootMs: number;

  constructor(seed: number, options: SimOptions = {}) {
    this.powerState = options.powerState ?? (() => 'on');
    this.now = options.now ?? systemClock.now;
    this.codecBootMs = (options.codecBootSec ?? 0) * 1000;
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
    const rate = this.mains ? this.fullRuntimeSec / RECHARGE_SEC : -1;
    this.runtimeSec = Math.min(this.fullRuntimeSec, Math.max(0, this.runtimeSec + rate * dtSec));
  }

  inject(fault: InjectMessage): void {
    if (fault.mains !== undefined) this.mains = fault.mains;
    if (fault.ups !== undefined) this.runtimeSec = (fault.ups / 100) * this.fullRuntimeSec;
    if (fault.upsRuntime !== undefined) {
      this.fullRuntimeSec = Math.max(FULL_RUNTIME_SEC, fault.upsRuntime);
      this.runtimeSec = fault.upsRuntime;
    }
    if (fault.upsLowBattery !== undefined) this.lowBatteryFlag = fault.upsLowBattery;
    if (fault.upsForcedShutdown !== undefined) this.forcedShutdown = fault.upsForcedShutdown;
    if (fault.codec !== undefined) this.codec = fault.codec;
    if (fault.inCall !== undefined) this.inCall = fault.inCall;
    if (fault.mcuAnswer !== undefined) this.mcuAnswer = fault.mcuAnswer;
    if (fault.camera !== undefined) this.cameraConnected = fault.camera;
    for (const [key, value] of Object.entries(fault.codecConfig ?? {})) this.codecConfig.set(key, value);
    const pins: [Metric, number | undefined][] = [
      ['tempC', fault.temperature],
      ['humidityPct', fault.humidity],
      ['latencyMs', fault.latency],
      ['jitterMs', fault.jitter],
      ['lossPct', fault.loss],
    ];
    for (const [metric, value] of pins) if (value !== undefined) this.pinned.set(metric, value);
  }

  /** The line to the MCU now, as the link probe would read it. */
  linkNow(): Readings['link'] {
    const v = (m: Metric) => round(this.pinned.get(m) ?? this.drifts[m].value);
    return { latencyMs: v('latencyMs'), jitterMs: v('jitterMs'), lossPct: v('lossPct') };
  }

  /** The codec restarts: it does not answer for its boot time, as after a power-on. */
  restartCodec(): void {
    this.onSince = this.now().getTime();
  }

  /** The codec as the probe would read it now (switched off, booting, or its injected state). */
  codecNow(): Readings['codec'] {
    const state = this.powerState();
    const now = this.now().getTime();
    if (state === 'on' && this.lastPower === 'off') this.onSince = now;
    this.lastPower = state;
    const booting = state === 'on' && now - this.onSince < this.codecBootMs;
    return state === 'off'
      ? { state: 'unreachable', inCall: false, detail: 'switched off' }
      : booting
        ? { state: 'unreachable', inCall: false, detail: 'booting' }
        : { state: this.codec, inCall: this.codec === 'up' && (this.inCall || this.testCallActive) };
  }

  async read(): Promise<Readings> {
    const v = (m: Metric) => round(this.pinned.get(m) ?? this.drifts[m].value);
    const state = this.powerState();
    const codec = this.codecNow();
    const lowBattery = this.lowBatteryFlag ?? (!this.mains && this.runtimeSec <= LOW_BATTERY_SEC);
    return {
      power: {
        mains: this.mains,
        upsChargePct: round((this.runtimeSec / this.fullRuntimeSec) * 100),
        upsRuntimeSec: Math.round(this.runtimeSec),
        upsLowBattery: lowBattery,
        upsForcedShutdown: this.forcedShutdown,
        state,
      },
      climate: { tempC: v('tempC'), humidityPct: v('humidityPct') },
      codec,
      link: this.linkNow(),
    };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
