/**
 * The thresholds readiness (hub/readiness.ts) judges a room by: every key known, each value checked
 * for its type and range, and a file that sets some keys keeps the defaults of the others, however
 * deep.
 *
 * Sources of the defaults: link limits follow ITU-T G.114 (one-way delay under 150 ms for
 * interactive use) and the usual guidance for H.323/SIP video (loss under 1 % for good quality,
 * over 5 % unusable; jitter under 30 ms). Climate: 16-32 °C and 30-75 % RH, the operating range of
 * typical room codecs and displays.
 *
 * @pure: the dashboard bundles it (through readiness.ts), so it imports only shared/ and other @pure
 * modules (types aside).
 */
import { between, type CrossCheck, defaultsOf, positive, type SettingsOf } from '../shared/settings.js';

const limit = (what: string, unit: string, level: string, value: number, range: [number, number]) => ({
  doc: `${what} above this (${unit}) makes the room ${level}.`,
  format: between(...range),
  default: value,
});

const upper = (what: string, unit: string, degraded: number, notReady: number, range: [number, number]) => ({
  degraded: limit(what, unit, 'DEGRADED', degraded, range),
  notReady: limit(what, unit, 'NOT_READY', notReady, range),
});

const bounds = (
  what: string,
  unit: string,
  level: string,
  min: number,
  max: number,
  range: [number, number],
) => ({
  min: {
    doc: `${what} below this (${unit}) makes the room ${level}.`,
    format: between(...range),
    default: min,
  },
  max: {
    doc: `${what} above this (${unit}) makes the room ${level}.`,
    format: between(...range),
    default: max,
  },
});

export const thresholdSettings = {
  staleAfterSec: {
    doc: 'Telemetry older than this makes the room DEGRADED: its state is no longer known.',
    format: positive,
    default: 20,
  },
  upsCriticalPct: {
    doc: 'On UPS with less charge than this (%), the room cannot hold a meeting.',
    format: between(0, 100),
    default: 30,
  },
  upsCriticalRuntimeMin: {
    doc: 'On UPS with less runtime left than this (minutes), the room cannot hold a meeting.',
    format: between(0, 24 * 60),
    default: 10,
  },
  codecCheckMaxAgeH: {
    doc: 'A codec last checked longer ago than this (hours; the room kept off) is DEGRADED: its state is not known. A week and a day: the weekly inspection (schedule.inspectionCron) checks every codec at least that often.',
    format: positive,
    default: 8 * 24,
  },
  lossPct: upper('Packet loss to the MCU', '%', 1, 5, [0, 100]),
  latencyMs: upper('Latency to the MCU', 'ms', 150, 400, [0, 60_000]),
  jitterMs: upper('Jitter to the MCU', 'ms', 30, 100, [0, 60_000]),
  tempC: {
    degraded: bounds('Temperature', '°C', 'DEGRADED', 16, 32, [-50, 100]),
    notReady: bounds('Temperature', '°C', 'NOT_READY', 10, 38, [-50, 100]),
  },
  humidityPct: {
    degraded: bounds('Relative humidity', '%', 'DEGRADED', 30, 75, [0, 100]),
    notReady: bounds('Relative humidity', '%', 'NOT_READY', 20, 85, [0, 100]),
  },
};

export type Thresholds = SettingsOf<typeof thresholdSettings>;

export const defaultThresholds: Thresholds = defaultsOf(thresholdSettings);

/**
 * NOT_READY must lie beyond DEGRADED, or a room would skip the warning: limits in order, and each
 * band inside the wider NOT_READY band.
 */
export const thresholdChecks: CrossCheck<{ thresholds: Thresholds }>[] = [
  ...(['lossPct', 'latencyMs', 'jitterMs'] as const).map((key) => ({
    keys: [`thresholds.${key}`],
    check: ({ thresholds }: { thresholds: Thresholds }) => {
      const { degraded, notReady } = thresholds[key];
      return degraded > notReady
        ? [`thresholds.${key}: degraded (${degraded}) must not be above notReady (${notReady})`]
        : [];
    },
  })),
  ...(['tempC', 'humidityPct'] as const).map((key) => ({
    keys: [`thresholds.${key}`],
    check: ({ thresholds }: { thresholds: Thresholds }) => {
      const { degraded, notReady } = thresholds[key];
      const problems: string[] = [];
      for (const [level, band] of [
        ['degraded', degraded],
        ['notReady', notReady],
      ] as const) {
        if (band.min >= band.max)
          problems.push(`thresholds.${key}.${level}: min (${band.min}) must be below max (${band.max})`);
      }
      if (notReady.min > degraded.min || notReady.max < degraded.max)
        problems.push(
          `thresholds.${key}: the notReady band (${notReady.min} to ${notReady.max}) must hold the degraded band (${degraded.min} to ${degraded.max})`,
        );
      return problems;
    },
  })),
];
