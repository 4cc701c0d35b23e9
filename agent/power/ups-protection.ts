/**
 * When a room on battery must shut down, as NUT's upsmon and apcupsd decide it: any one trigger is
 * enough, and each works whether or not the UPS reports a charge or a runtime (Megatec/blazer
 * drivers often report neither):
 *
 * - `forced-shutdown`: the UPS or upsmon's primary set `FSD` (upsmon: "shut down now").
 * - `low-battery`: on battery with the UPS's own low-battery flag (NUT `OB LB`, a HAT's LB line);
 *   upsmon's only trigger, and the one every UPS gives.
 * - `charge`: on battery at or below `shutdownPct` (apcupsd `BATTERYLEVEL`).
 * - `runtime`: on battery with the reported runtime at or below `shutdownRuntimeSec` (apcupsd `MINUTES`).
 * - `time-on-battery`: on battery for `maxOnBatterySec` (apcupsd `TIMEOUT`; 0 turns it off). It
 *   saves the battery for later, so it waits while a call is in progress; the others do not, as the
 *   battery is about to cut the room anyway and an orderly off is better than a hard cut.
 *
 * Values that cannot be true count as unknown rather than as a trigger: a runtime of 65535 s (the
 * 0xFFFF some firmwares report when they do not know) or of more than a day, a runtime of 0 while
 * the charge is well above the shutdown level, a charge outside 0-100 %.
 */
import type { Readings } from '../../shared/schemas.js';

export const upsTriggers = [
  'forced-shutdown',
  'low-battery',
  'charge',
  'runtime',
  'time-on-battery',
] as const;
export type UpsTrigger = (typeof upsTriggers)[number];

export interface UpsProtectionConfig {
  shutdownPct: number;
  shutdownRuntimeSec: number;
  /** 0: no limit on the time on battery. */
  maxOnBatterySec: number;
}

export interface UpsVerdict {
  /** `ok`: on mains, or no UPS to read; `battery`: on battery, no trigger yet; `critical`: shut down. */
  level: 'ok' | 'battery' | 'critical';
  trigger?: UpsTrigger;
  reason: string;
  chargePct: number | null;
  runtimeSec: number | null;
  onBatterySec: number | null;
}

export interface UpsFacts {
  power: Omit<Readings['power'], 'state'>;
  /** When the room went on battery; null on mains. */
  onBatterySince: Date | null;
  now: Date;
  inCall: boolean;
}

/** A day: no room UPS holds its load longer, so a longer runtime is a firmware's placeholder. */
const MAX_PLAUSIBLE_RUNTIME_SEC = 86_400;

export function plausibleChargePct(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100 ? value : null;
}

export function plausibleRuntimeSec(
  value: number | null | undefined,
  chargePct: number | null,
  shutdownPct: number,
): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  if (value >= 65_535 || value > MAX_PLAUSIBLE_RUNTIME_SEC) return null;
  if (value === 0 && chargePct !== null && chargePct > shutdownPct) return null;
  return value;
}

function minutes(sec: number): number {
  return Math.floor(sec / 60);
}

export function upsVerdict(facts: UpsFacts, config: UpsProtectionConfig): UpsVerdict {
  const p = facts.power;
  const chargePct = plausibleChargePct(p.upsChargePct);
  const runtimeSec = plausibleRuntimeSec(p.upsRuntimeSec, chargePct, config.shutdownPct);
  const onBatterySec =
    facts.onBatterySince === null
      ? null
      : Math.max(0, Math.round((facts.now.getTime() - facts.onBatterySince.getTime()) / 1000));
  const figures = { chargePct, runtimeSec, onBatterySec };
  const critical = (trigger: UpsTrigger, reason: string): UpsVerdict => ({
    level: 'critical',
    trigger,
    reason,
    ...figures,
  });
  if (p.upsForcedShutdown === true)
    return critical('forced-shutdown', 'the UPS ordered a forced shutdown (FSD)');
  if (p.mains !== false) return { level: 'ok', reason: 'on mains', ...figures };
  if (p.upsLowBattery === true)
    return critical('low-battery', 'on battery and the UPS says its battery is low');
  if (chargePct !== null && chargePct <= config.shutdownPct) {
    return critical('charge', `on battery at ${chargePct} %, at or below ${config.shutdownPct} %`);
  }
  if (runtimeSec !== null && runtimeSec <= config.shutdownRuntimeSec) {
    return critical(
      'runtime',
      `on battery with ${minutes(runtimeSec)} min left, at or below ${minutes(config.shutdownRuntimeSec)} min`,
    );
  }
  if (
    config.maxOnBatterySec > 0 &&
    onBatterySec !== null &&
    onBatterySec >= config.maxOnBatterySec &&
    !facts.inCall
  ) {
    return critical('time-on-battery', `on battery for ${minutes(onBatterySec)} min, the limit`);
  }
  const parts = ['on battery'];
  if (chargePct !== null) parts.push(`${chargePct} %`);
  if (runtimeSec !== null) parts.push(`${minutes(runtimeSec)} min left`);
  return { level: 'battery', reason: parts.join(', '), ...figures };
}

/** Which triggers a UPS can drive, from one reading of it (for `hnth-agent doctor`). */
export function supportedTriggers(
  power: Omit<Readings['power'], 'state'>,
  config: UpsProtectionConfig,
): Record<UpsTrigger, boolean> {
  const chargePct = plausibleChargePct(power.upsChargePct);
  return {
    'forced-shutdown': power.upsForcedShutdown !== null && power.upsForcedShutdown !== undefined,
    'low-battery': power.upsLowBattery !== null && power.upsLowBattery !== undefined,
    charge: chargePct !== null,
    runtime: plausibleRuntimeSec(power.upsRuntimeSec, chargePct, config.shutdownPct) !== null,
    'time-on-battery': power.mains !== null && config.maxOnBatterySec > 0,
  };
}

/** Follows the readings to know since when the room is on battery; an unreadable UPS changes nothing. */
export class UpsTracker {
  private onBatterySince: Date | null = null;
  private power: Omit<Readings['power'], 'state'> = { mains: null, upsChargePct: null };
  private inCall = false;

  constructor(
    private readonly config: UpsProtectionConfig,
    private readonly now: () => Date,
  ) {}

  observe(readings: Readings): void {
    this.power = readings.power;
    this.inCall = readings.codec.inCall;
    if (readings.power.mains === true) this.onBatterySince = null;
    else if (readings.power.mains === false) this.onBatterySince ??= this.now();
  }

  verdict(): UpsVerdict {
    return upsVerdict(
      { power: this.power, onBatterySince: this.onBatterySince, now: this.now(), inCall: this.inCall },
      this.config,
    );
  }
}
