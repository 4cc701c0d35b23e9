/** Stored telemetry as chart series: buckets, means, gaps, and power derived from the energy counter. */
import { describe, expect, test } from '@jest/globals';
import { telemetrySeries } from '../../hub/api/telemetry-series.js';
import type { TelemetrySample } from '../../hub/store/store.js';
import type { TelemetryMessage } from '../../shared/schemas.js';

const from = new Date('2026-11-30T00:00:00Z');
const to = new Date('2026-11-30T01:00:00Z');

function sample(
  minute: number,
  patch: { tempC?: number | null; usedWh?: number; sinceIso?: string } = {},
): TelemetrySample {
  const ts = new Date(from.getTime() + minute * 60_000).toISOString();
  const telemetry: TelemetryMessage = {
    v: 1,
    ts,
    power: { mains: true, upsChargePct: 100, state: 'on' },
    climate: { tempC: patch.tempC === undefined ? 25 : patch.tempC, humidityPct: 50 },
    codec: { state: 'up', inCall: false },
    link: { latencyMs: 20, jitterMs: 2, lossPct: 0 },
    ...(patch.usedWh === undefined
      ? {}
      : {
          energy: {
            sinceIso: patch.sinceIso ?? '2026-11-29T00:00:00Z',
            usedWh: patch.usedWh,
            alwaysOnWh: 0,
            outputs: [],
          },
        }),
  };
  return { roomId: 'so-y-te', ts, telemetry };
}

describe('telemetrySeries', () => {
  test('samples in one bucket are averaged; buckets come out oldest first at their start', () => {
    // An hour in 6 points: 10-minute buckets.
    const s = telemetrySeries(
      [sample(1, { tempC: 20 }), sample(2, { tempC: 24 }), sample(35, { tempC: 30 })],
      from,
      to,
      6,
    );
    expect(s.ts).toEqual(['2026-11-30T00:00:00.000Z', '2026-11-30T00:30:00.000Z']);
    expect(s.series.tempC).toEqual([22, 30]);
    expect(s.series.lossPct).toEqual([0, 0]);
  });

  test('a bucket whose samples had no value is a gap (null), not a zero', () => {
    const s = telemetrySeries([sample(1, { tempC: null }), sample(15, { tempC: 26 })], from, to, 6);
    expect(s.series.tempC).toEqual([null, 26]);
  });

  test('power is the energy used between two samples over the time between them', () => {
    // 10 Wh in 6 minutes (0.1 h) is 100 W; then 5 Wh in 6 minutes is 50 W.
    const s = telemetrySeries(
      [sample(0, { usedWh: 100 }), sample(6, { usedWh: 110 }), sample(12, { usedWh: 115 })],
      from,
      to,
      60,
    );
    expect(s.series.powerW).toEqual([null, 100, 50]);
  });

  test('a restarted agent (a new counter) starts power afresh instead of a negative value', () => {
    const s = telemetrySeries(
      [
        sample(0, { usedWh: 500 }),
        sample(6, { usedWh: 2, sinceIso: '2026-11-30T00:05:00Z' }),
        sample(12, { usedWh: 7, sinceIso: '2026-11-30T00:05:00Z' }),
      ],
      from,
      to,
      60,
    );
    expect(s.series.powerW).toEqual([null, null, 50]);
  });

  test('nothing stored is empty series', () => {
    expect(telemetrySeries([], from, to, 600)).toEqual({
      ts: [],
      series: { tempC: [], humidityPct: [], latencyMs: [], lossPct: [], powerW: [] },
    });
  });
});
