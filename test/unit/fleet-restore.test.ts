import { describe, expect, test } from '@jest/globals';
import { FleetState } from '../../hub/fleet-state.js';
import { defaultThresholds } from '../../hub/readiness.js';
import { rooms } from '../../shared/fleet.js';

const now = new Date('2026-11-30T03:00:00Z');
const status = {
  v: 1 as const,
  state: 'online' as const,
  version: '0.1.0',
  bootId: 'b',
  ts: now.toISOString(),
};

describe('room state after a hub restart', () => {
  test('a room last heard of before the restart shows when, not "never seen"', () => {
    const fleet = new FleetState(rooms, defaultThresholds, now);
    // Read before the restore (views are kept until their room changes): the restore shows anyway.
    expect(fleet.views().find((v) => v.id === 'tinh-uy')?.lastSeen).toBeNull();
    fleet.restoreLastSeen('tinh-uy', new Date('2026-11-30T02:55:00Z'), now);
    expect(fleet.view('tinh-uy')).toMatchObject({
      online: false,
      lastSeen: '2026-11-30T02:55:00.000Z',
      readiness: { level: 'OFFLINE', reasons: ['offline, last seen 2026-11-30T02:55:00.000Z'] },
    });
    expect(fleet.view('so-tttt')?.readiness.reasons).toEqual(['never seen online']);
  });

  test('what the room said since the restart is not overwritten by older history', () => {
    const fleet = new FleetState(rooms, defaultThresholds, now);
    fleet.applyStatus('tinh-uy', status, now);
    const shown = fleet.view('tinh-uy');
    fleet.restoreLastSeen('tinh-uy', new Date('2026-11-30T02:55:00Z'), now);
    expect(fleet.view('tinh-uy')).toMatchObject({ online: true, lastSeen: now.toISOString() });
    // Nothing changed: the same view, not another copy of it.
    expect(fleet.view('tinh-uy')).toBe(shown);
  });
});
