/**
 * What every climate source shares: the reading's shape, the plausibility check (a DHT22 that
 * answers 300 % humidity is broken, not a wet room) and retries of transient failures.
 */
import type { Readings } from '../../shared/schemas.js';

export type ClimateReading = Readings['climate'];

/** One attempt: a reading, or a fault and whether trying again may help (a read error, a CRC failure). */
export type ClimateAttempt =
  | { ok: true; reading: ClimateReading }
  | { ok: false; fault: string; transient: boolean };

/** Ranges a room sensor can physically report (DHT22, SHT3x, BME280, DS18B20 all cover −40…85 °C). */
const TEMP_RANGE_C = [-40, 85] as const;
const HUMIDITY_RANGE_PCT = [0, 100] as const;

export function faulty(fault: string): ClimateReading {
  return { tempC: null, humidityPct: null, fault: fault.slice(0, 200) };
}

/** A reading with impossible values becomes a fault naming the value. */
export function plausible(tempC: number, humidityPct: number | null): ClimateAttempt {
  if (!Number.isFinite(tempC) || tempC < TEMP_RANGE_C[0] || tempC > TEMP_RANGE_C[1]) {
    return { ok: false, fault: `impossible temperature ${tempC} °C`, transient: false };
  }
  if (
    humidityPct !== null &&
    (!Number.isFinite(humidityPct) ||
      humidityPct < HUMIDITY_RANGE_PCT[0] ||
      humidityPct > HUMIDITY_RANGE_PCT[1])
  ) {
    return { ok: false, fault: `impossible humidity ${humidityPct} %`, transient: false };
  }
  return {
    ok: true,
    reading: { tempC: round(tempC), humidityPct: humidityPct === null ? null : round(humidityPct) },
  };
}

/** Tries up to `attempts` times while the failure is transient; the last failure is the fault. */
export async function withRetries(
  attempts: number,
  once: () => Promise<ClimateAttempt>,
): Promise<ClimateReading> {
  let last: ClimateAttempt = { ok: false, fault: 'not read', transient: false };
  for (let i = 0; i < Math.max(1, attempts); i++) {
    last = await once();
    if (last.ok) return last.reading;
    if (!last.transient) break;
  }
  return faulty(last.ok ? 'not read' : last.fault);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
