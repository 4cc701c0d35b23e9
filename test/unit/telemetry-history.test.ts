/**
 * What the hub keeps of the rooms' telemetry: one live sample per room and period of the agent's
 * clock, the same on every hub of a group whatever each received first; every replayed sample; live
 * samples skipped while the store is behind.
 */
import { describe, expect, test } from '@jest/globals';
import { sampleBucket, TelemetryHistory } from '../../hub/telemetry-history.js';
import { createLogger } from '../../shared/logger.js';
import { SCHEMA_VERSION, type TelemetryMessage } from '../../shared/schemas.js';

const telemetry = (ts: string, replayed = false): TelemetryMessage => ({
  v: SCHEMA_VERSION,
  ts,
  ...(replayed ? { replayed: true as const } : {}),
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 25, humidityPct: 60 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 10, jitterMs: 1, lossPct: 0 },
});

function history(pending = 0) {
  const kept: { roomId: string; ts: string; bucket: string | undefined }[] = [];
  const store = {
    insertSample: async (roomId: string, t: TelemetryMessage, bucket?: string) => {
      kept.push({ roomId, ts: t.ts, bucket });
    },
    backlog: () => ({ pending, oldestSince: null }),
  };
  const h = new TelemetryHistory(
    store,
    { sampleSec: 60, maxPendingSamples: 10 },
    createLogger('test', 'silent'),
  );
  return { h, kept };
}

describe('sampleBucket', () => {
  test('is the start of the period the agent time falls in', () => {
    expect(sampleBucket('2026-03-01T00:01:59.999Z', 60)).toBe('2026-03-01T00:01:00.000Z');
    expect(sampleBucket('2026-03-01T00:02:00.000Z', 60)).toBe('2026-03-01T00:02:00.000Z');
    expect(sampleBucket('2026-03-01T00:02:07.250Z', 5)).toBe('2026-03-01T00:02:05.000Z');
  });

  test('with sampleSec 0 every sample is its own period', () => {
    expect(sampleBucket('2026-03-01T00:02:07.250Z', 0)).toBe('2026-03-01T00:02:07.250Z');
  });
});

describe('TelemetryHistory', () => {
  test('keeps the first live sample of each period of the agent clock, with its period', () => {
    const { h, kept } = history();
    const offered = ['00:00:55', '00:01:00', '00:01:05', '00:01:59', '00:02:01', '00:04:30'].map((t) =>
      h.offer('tinh-uy', telemetry(`2026-03-01T${t}.000Z`)),
    );
    expect(offered).toEqual([true, true, false, false, true, true]);
    expect(kept.map((k) => [k.ts.slice(11, 19), k.bucket?.slice(11, 19)])).toEqual([
      ['00:00:55', '00:00:00'],
      ['00:01:00', '00:01:00'],
      ['00:02:01', '00:02:00'],
      ['00:04:30', '00:04:00'],
    ]);
  });

  test('two hubs, one starting within a period, offer the same period: the store keeps one', () => {
    const a = history();
    const b = history();
    for (const t of ['00:01:05', '00:01:10', '00:02:05'])
      a.h.offer('tinh-uy', telemetry(`2026-03-01T${t}.000Z`));
    for (const t of ['00:01:10', '00:02:05']) b.h.offer('tinh-uy', telemetry(`2026-03-01T${t}.000Z`));
    expect(a.kept.map((k) => k.bucket)).toEqual(b.kept.map((k) => k.bucket));
    // The next period's sample is the same message on both.
    expect(a.kept[1]).toEqual(b.kept[1]);
  });

  test('a sparse room (off, warming up, on its UPS) has each of its samples kept', () => {
    const { h, kept } = history();
    for (const t of ['00:00:30', '00:01:35', '00:02:40'])
      h.offer('tinh-uy', telemetry(`2026-03-01T${t}.000Z`));
    expect(kept).toHaveLength(3);
  });

  test('keeps every replayed sample, without a period, and each room apart', () => {
    const { h, kept } = history();
    h.offer('tinh-uy', telemetry('2026-03-01T00:01:05.000Z'));
    h.offer('tinh-uy', telemetry('2026-03-01T00:01:10.000Z', true));
    h.offer('tinh-uy', telemetry('2026-03-01T00:01:20.000Z', true));
    h.offer('so-tttt', telemetry('2026-03-01T00:01:30.000Z'));
    expect(kept.map((k) => [k.roomId, k.ts.slice(14, 19), k.bucket ?? null])).toEqual([
      ['tinh-uy', '01:05', '2026-03-01T00:01:00.000Z'],
      ['tinh-uy', '01:10', null],
      ['tinh-uy', '01:20', null],
      ['so-tttt', '01:30', '2026-03-01T00:01:00.000Z'],
    ]);
  });

  test('skips live samples while the store is behind, and counts them', () => {
    const { h, kept } = history(10);
    expect(h.offer('tinh-uy', telemetry('2026-03-01T00:01:05.000Z'))).toBe(false);
    expect(h.counters.skipped).toBe(1);
    expect(kept).toEqual([]);
  });
});
