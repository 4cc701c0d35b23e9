/**
 * A room halted by its UPS protection (art. 6.4) reads as expected, `off-ups`, whatever order its last
 * messages reach the hub in: the sample that reports the equipment switched off by the protection is
 * sent after the `ups.shutdown` announcement and may be read after it; only a room running again
 * (a sample with another decision, or a new boot's `online`) clears it.
 */
import { describe, expect, test } from '@jest/globals';
import { FleetState } from '../../hub/fleet-state.js';
import { defaultThresholds } from '../../hub/readiness.js';
import { rooms } from '../../shared/fleet.js';
import type { TelemetryMessage } from '../../shared/schemas.js';

const ROOM = 'ubnd-ham-yen';
const at = new Date('2027-01-07T02:35:00Z');
const status = (state: 'online' | 'offline', bootId = 'b1') => ({
  v: 1 as const,
  state,
  version: '0.1.0',
  bootId,
  ts: at.toISOString(),
});
const sample = (power: TelemetryMessage['power']): TelemetryMessage => ({
  v: 1,
  ts: at.toISOString(),
  power,
  climate: { tempC: 24, humidityPct: 55 },
  codec: { state: 'down', inCall: false },
  link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
});
const switchedOff = sample({ mains: false, upsChargePct: 12, state: 'off', decision: 'ups-critical' });
const running = sample({ mains: true, upsChargePct: 40, state: 'on', decision: 'scheduled' });

function halted(order: 'sample-first' | 'announcement-first', after?: TelemetryMessage) {
  const fleet = new FleetState(rooms, defaultThresholds, at);
  fleet.applyStatus(ROOM, status('online'), at);
  if (order === 'sample-first') fleet.applyTelemetry(ROOM, switchedOff, at);
  fleet.noteShutdown(ROOM, at, 'on battery with 5 min left');
  if (order === 'announcement-first') fleet.applyTelemetry(ROOM, switchedOff, at);
  if (after) fleet.applyTelemetry(ROOM, after, at);
  fleet.applyStatus(ROOM, status('offline'), at);
  return fleet.view(ROOM)!.readiness;
}

describe('a room halted by its UPS protection', () => {
  test.each(['sample-first', 'announcement-first'] as const)(
    'is off-ups when its switched-off sample is read %s',
    (order) => {
      expect(halted(order)).toMatchObject({
        level: 'OFFLINE',
        power: { state: 'off-ups', decision: 'ups-critical' },
      });
    },
  );

  test('a sample of the room running again (the halt did not happen) clears it', () => {
    expect(halted('announcement-first', running).power).toEqual({ state: 'unknown', decision: null });
  });

  test('an announcement heard late (another hub of the group stored it), older than the room’s later online, is not taken', () => {
    const fleet = new FleetState(rooms, defaultThresholds, at);
    const later = new Date(at.getTime() + 60_000);
    fleet.applyStatus(ROOM, { ...status('online', 'b2'), ts: later.toISOString() }, later);
    fleet.noteShutdown(ROOM, at, 'on battery with 5 min left');
    fleet.applyStatus(ROOM, { ...status('offline', 'b2'), ts: later.toISOString() }, later);
    expect(fleet.view(ROOM)!.readiness.power.state).not.toBe('off-ups');
  });
});

describe('an offline room’s last readings', () => {
  test('are kept for the dashboard while it is offline, at the time they came, judged by nothing', () => {
    const fleet = new FleetState(rooms, defaultThresholds, at);
    const later = new Date(at.getTime() + 60_000);
    fleet.applyStatus(ROOM, status('online'), at);
    fleet.applyTelemetry(ROOM, switchedOff, at);
    fleet.noteShutdown(ROOM, at, 'on battery with 5 min left');
    fleet.applyStatus(ROOM, status('offline'), later);
    const view = fleet.view(ROOM)!;
    expect(view).toMatchObject({
      online: false,
      readingsAt: at.toISOString(),
      readings: { power: { upsChargePct: 12, state: 'off' }, climate: { tempC: 24 } },
    });
    // Readiness says why it is offline; the last readings raise no cause of their own.
    expect(view.readiness.level).toBe('OFFLINE');
    expect(view.readiness.causes.map((c) => c.code)).toEqual(['ups.shutdown']);
  });

  test('back online, the room is judged on what it sends from now on, not on them', () => {
    const fleet = new FleetState(rooms, defaultThresholds, at);
    const later = new Date(at.getTime() + 60_000);
    fleet.applyStatus(ROOM, status('online'), at);
    fleet.applyTelemetry(ROOM, running, at);
    fleet.applyStatus(ROOM, status('offline'), at);
    fleet.applyStatus(ROOM, status('online', 'b2'), later);
    expect(fleet.view(ROOM)!.readiness.causes.map((c) => c.code)).toEqual(['telemetry.none']);
    fleet.applyTelemetry(ROOM, running, later);
    expect(fleet.view(ROOM)).toMatchObject({
      readingsAt: later.toISOString(),
      readings: { power: { upsChargePct: 40, state: 'on' } },
    });
    expect(fleet.view(ROOM)!.readiness.causes.map((c) => c.code)).not.toContain('telemetry.none');
  });
});
