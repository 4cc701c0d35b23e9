import { describe, expect, test } from '@jest/globals';
import { computeReadiness, defaultThresholds, type RoomSnapshot } from '../../hub/readiness.js';
import type { TelemetryMessage } from '../../shared/schemas.js';

const now = new Date('2026-11-30T03:00:00Z');

const host: NonNullable<TelemetryMessage['host']> = {
  cpuTempC: 52,
  load1: 0.3,
  memUsedPct: 40,
  diskFreeMb: 9000,
  uptimeSec: 3600,
  throttled: null,
  clockSynced: true,
};

function telemetry(patch: {
  power?: Partial<TelemetryMessage['power']>;
  climate?: Partial<TelemetryMessage['climate']>;
  codec?: Partial<TelemetryMessage['codec']>;
  link?: Partial<TelemetryMessage['link']>;
  host?: Partial<NonNullable<TelemetryMessage['host']>>;
}): TelemetryMessage {
  return {
    v: 1,
    ts: now.toISOString(),
    power: { mains: true, upsChargePct: 100, state: 'on', ...patch.power },
    climate: { tempC: 24, humidityPct: 55, ...patch.climate },
    codec: { state: 'up', inCall: false, ...patch.codec },
    link: { latencyMs: 30, jitterMs: 4, lossPct: 0, ...patch.link },
    ...(patch.host ? { host: { ...host, ...patch.host } } : {}),
  };
}

function online(t: TelemetryMessage, ageSec = 1): RoomSnapshot {
  return { online: true, lastSeen: now, telemetry: t, telemetryAt: new Date(now.getTime() - ageSec * 1000) };
}

describe('readiness: one reading at a time', () => {
  const cases: [string, RoomSnapshot, string, string[]][] = [
    ['all well', online(telemetry({})), 'READY', []],
    [
      'mains lost, UPS healthy',
      online(telemetry({ power: { mains: false, upsChargePct: 62 } })),
      'DEGRADED',
      ['mains lost, on UPS 62 %'],
    ],
    [
      'mains lost, UPS nearly flat',
      online(telemetry({ power: { mains: false, upsChargePct: 12 } })),
      'NOT_READY',
      ['mains lost, on UPS 12 %'],
    ],
    [
      'mains lost at exactly the critical charge',
      online(telemetry({ power: { mains: false, upsChargePct: 30 } })),
      'DEGRADED',
      ['mains lost, on UPS 30 %'],
    ],
    [
      'mains lost, no UPS reading',
      online(telemetry({ power: { mains: false, upsChargePct: null } })),
      'NOT_READY',
      ['mains lost, no UPS reading'],
    ],
    [
      'codec unreachable',
      online(telemetry({ codec: { state: 'unreachable' } })),
      'NOT_READY',
      ['codec unreachable'],
    ],
    [
      'codec down with detail',
      online(telemetry({ codec: { state: 'down', detail: 'camera lost' } })),
      'NOT_READY',
      ['codec down: camera lost'],
    ],
    ['loss at the degraded limit', online(telemetry({ link: { lossPct: 1 } })), 'READY', []],
    ['loss above 1 %', online(telemetry({ link: { lossPct: 1.5 } })), 'DEGRADED', ['loss 1.5 % to MCU']],
    ['loss above 5 %', online(telemetry({ link: { lossPct: 6 } })), 'NOT_READY', ['loss 6 % to MCU']],
    [
      'latency above 150 ms',
      online(telemetry({ link: { latencyMs: 180 } })),
      'DEGRADED',
      ['latency 180 ms to MCU'],
    ],
    [
      'latency above 400 ms',
      online(telemetry({ link: { latencyMs: 450 } })),
      'NOT_READY',
      ['latency 450 ms to MCU'],
    ],
    [
      'jitter above 30 ms',
      online(telemetry({ link: { jitterMs: 35 } })),
      'DEGRADED',
      ['jitter 35 ms to MCU'],
    ],
    [
      'no link figures yet',
      online(telemetry({ link: { latencyMs: null, jitterMs: null, lossPct: null } })),
      'READY',
      [],
    ],
    ['hot room', online(telemetry({ climate: { tempC: 34 } })), 'DEGRADED', ['temperature 34 °C']],
    ['very hot room', online(telemetry({ climate: { tempC: 40 } })), 'NOT_READY', ['temperature 40 °C']],
    ['cold room', online(telemetry({ climate: { tempC: 14 } })), 'DEGRADED', ['temperature 14 °C']],
    ['humid room', online(telemetry({ climate: { humidityPct: 81 } })), 'DEGRADED', ['humidity 81 %']],
    ['soaking room', online(telemetry({ climate: { humidityPct: 90 } })), 'NOT_READY', ['humidity 90 %']],
    ['dry room', online(telemetry({ climate: { humidityPct: 25 } })), 'DEGRADED', ['humidity 25 %']],
    [
      'climate sensor fault',
      online(telemetry({ climate: { tempC: null, humidityPct: null, fault: 'CRC error' } })),
      'DEGRADED',
      ['climate sensor fault: CRC error'],
    ],
    [
      'agent cannot write its outbox',
      online({ ...telemetry({}), outbox: { pendingCount: 3, fault: 'outbox cannot write to disk: ENOSPC' } }),
      'DEGRADED',
      ['outbox cannot write to disk: ENOSPC'],
    ],
    ['telemetry 30 s old', online(telemetry({}), 30), 'DEGRADED', ['no telemetry for 30 s']],
    ['host clock synchronised', online(telemetry({ host: { clockSynced: true } })), 'READY', []],
    [
      'UPS over contacts: mains lost, battery low',
      online(telemetry({ power: { mains: false, upsChargePct: null, upsLowBattery: true } })),
      'NOT_READY',
      ['mains lost, no UPS reading', 'UPS battery low'],
    ],
    [
      'UPS cannot be read',
      online(
        telemetry({
          power: { mains: null, upsChargePct: null, fault: 'upsd at 127.0.0.1:3493 refused the connection' },
        }),
      ),
      'DEGRADED',
      ['UPS fault: upsd at 127.0.0.1:3493 refused the connection'],
    ],
    [
      'host clock not synchronised',
      online(telemetry({ host: { clockSynced: false } })),
      'DEGRADED',
      ['clock not synchronised'],
    ],
    [
      'host clock state unknown is said: scheduled switching may be held',
      online(telemetry({ host: { clockSynced: null } })),
      'DEGRADED',
      ['clock synchronisation cannot be told'],
    ],
    [
      'unsynced clock beside a worse cause',
      online(telemetry({ host: { clockSynced: false }, codec: { state: 'unreachable' } })),
      'NOT_READY',
      ['codec unreachable', 'clock not synchronised'],
    ],
    ['telemetry exactly at the stale limit', online(telemetry({}), 20), 'READY', []],
    [
      'equipment switched off, nothing wrong: READY',
      online(telemetry({ power: { state: 'off' } })),
      'READY',
      [],
    ],
    [
      'switched off and mains lost: a fault, off or not',
      online(telemetry({ power: { state: 'off', mains: false, upsChargePct: 80 } })),
      'DEGRADED',
      ['mains lost, on UPS 80 %'],
    ],
    [
      'online but no telemetry yet',
      { online: true, lastSeen: now, telemetry: null, telemetryAt: null },
      'NOT_READY',
      ['no telemetry received yet'],
    ],
    [
      'never seen',
      { online: false, lastSeen: null, telemetry: null, telemetryAt: null },
      'OFFLINE',
      ['never seen online'],
    ],
    [
      'art. 5.3: a codec value changed from the approved one',
      { ...online(telemetry({})), drift: [{ key: 'Audio/DefaultVolume', approved: '50', found: '70' }] },
      'DEGRADED',
      ['configuration changed: Audio/DefaultVolume is 70, approved 50'],
    ],
    [
      'several changed, one named by its key only, one gone from the codec',
      {
        ...online(telemetry({})),
        drift: [
          { key: 'SIP/URI', approved: 'a@hnth', found: null },
          { key: 'Audio/DefaultVolume', approved: '50' },
        ],
      },
      'DEGRADED',
      ['configuration changed: SIP/URI missing, approved a@hnth (and 1 more)'],
    ],
    ['on its approved configuration', { ...online(telemetry({})), drift: [] }, 'READY', []],
    [
      'offline beats every reading',
      { ...online(telemetry({ codec: { state: 'down' } })), online: false },
      'OFFLINE',
      [`offline, last seen ${now.toISOString()}`],
    ],
  ];
  test.each(cases)('%s', (_name, room, level, reasons) => {
    const r = computeReadiness(room, now, defaultThresholds);
    expect(r.level).toBe(level);
    expect(r.reasons).toEqual(reasons);
  });
});

describe('readiness: several causes', () => {
  test('the level is the worst cause and every reason is listed', () => {
    const r = computeReadiness(
      online(
        telemetry({
          power: { mains: false, upsChargePct: 62 },
          link: { lossPct: 7 },
          climate: { humidityPct: 81 },
        }),
      ),
      now,
    );
    expect(r.level).toBe('NOT_READY');
    expect(r.reasons).toEqual(['mains lost, on UPS 62 %', 'loss 7 % to MCU', 'humidity 81 %']);
    expect(r.causes.map((c) => c.code)).toEqual(['mains.lost', 'link.loss', 'humidity.high']);
  });

  test('thresholds come from configuration', () => {
    const strict = { ...defaultThresholds, lossPct: { degraded: 0.1, notReady: 0.5 } };
    expect(computeReadiness(online(telemetry({ link: { lossPct: 0.3 } })), now, strict).level).toBe(
      'DEGRADED',
    );
    expect(computeReadiness(online(telemetry({ link: { lossPct: 0.3 } })), now).level).toBe('READY');
  });
});

describe('readiness: health is not power', () => {
  const off = (patch: Parameters<typeof telemetry>[0] = {}) =>
    telemetry({ ...patch, power: { state: 'off', decision: 'idle', ...patch.power } });

  test.each<[string, RoomSnapshot, string, string, string[]]>([
    ['on, booked', online(telemetry({ power: { decision: 'scheduled' } })), 'on', 'READY', []],
    ['booting after power-on', online(telemetry({ power: { booting: true } })), 'warming-up', 'READY', []],
    ['idle off, healthy', online(off()), 'off', 'READY', []],
    [
      'idle off at 40 °C: a fault',
      online(off({ climate: { tempC: 40 } })),
      'off',
      'NOT_READY',
      ['temperature 40 °C'],
    ],
    [
      'off with the codec found down when last on, and the check’s age',
      online(off({ codec: { state: 'down', checkedAt: '2026-11-30T00:00:00.000Z' } })),
      'off',
      'NOT_READY',
      ['codec down (checked 3 h ago)'],
    ],
    [
      'off with the codec up when last on: no cause',
      online(off({ codec: { state: 'up', checkedAt: '2026-11-29T03:00:00.000Z' } })),
      'off',
      'READY',
      [],
    ],
    [
      'off with the codec last checked over a week ago',
      online(off({ codec: { state: 'up', checkedAt: '2026-11-20T03:00:00.000Z' } })),
      'off',
      'DEGRADED',
      ['codec last checked 10 days ago'],
    ],
    [
      'off and never checked since the agent started: no cause',
      online(off({ codec: { state: 'unchecked' } })),
      'off',
      'READY',
      [],
    ],
    [
      'on battery with the runtime: in words',
      online(telemetry({ power: { mains: false, upsChargePct: 62, upsRuntimeSec: 840 } })),
      'on',
      'DEGRADED',
      ['mains lost, on UPS 62 %, 14 min left'],
    ],
    [
      'on battery, charge fine but 6 min left: not ready',
      online(telemetry({ power: { mains: false, upsChargePct: 45, upsRuntimeSec: 360 } })),
      'on',
      'NOT_READY',
      ['mains lost, on UPS 45 %, 6 min left'],
    ],
    [
      'on battery, a UPS that reports runtime only',
      online(telemetry({ power: { mains: false, upsChargePct: null, upsRuntimeSec: 1500 } })),
      'on',
      'DEGRADED',
      ['mains lost, 25 min left'],
    ],
    [
      'switched off by UPS protection',
      online(off({ power: { mains: false, upsChargePct: 15, decision: 'ups-critical' } })),
      'off-ups',
      'NOT_READY',
      ['mains lost, on UPS 15 %', 'switched off by UPS protection'],
    ],
    [
      'scheduled switching held for the clock',
      online(off({ power: { decision: 'clock-unsynced' } })),
      'off',
      'DEGRADED',
      ['scheduled switching held: the clock is not synchronised'],
    ],
    [
      'offline after its UPS shutdown: expected, and said',
      {
        online: false,
        lastSeen: now,
        telemetry: null,
        telemetryAt: null,
        shutdown: { at: new Date('2026-11-30T02:35:00Z'), reason: 'on battery with 2 min left' },
      },
      'off-ups',
      'OFFLINE',
      ['shut down by UPS protection at 2026-11-30T02:35:00.000Z: on battery with 2 min left'],
    ],
    [
      'offline without warning',
      { online: false, lastSeen: now, telemetry: null, telemetryAt: null },
      'unknown',
      'OFFLINE',
      [`offline, last seen ${now.toISOString()}`],
    ],
  ])('%s', (_name, room, power, level, reasons) => {
    const r = computeReadiness(room, now, defaultThresholds);
    expect(r.power.state).toBe(power);
    expect(r.level).toBe(level);
    expect(r.reasons).toEqual(reasons);
  });
});
