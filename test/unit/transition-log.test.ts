/**
 * The readiness history a hub stores: alone, every transition as it comes; in a group, only while it
 * holds the once-only work (`storing`), starting with the catch-up of what changed while it did not.
 */
import { describe, expect, test } from '@jest/globals';
import { FleetState } from '../../hub/fleet-state.js';
import { transitionLog } from '../../hub/ingest/transition-log.js';
import { defaultThresholds } from '../../hub/readiness.js';
import type { HubStore, StoredTransition } from '../../hub/store/store.js';
import { rooms } from '../../shared/fleet.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { silentLog } from '../fakes/schedule-fakes.js';
import { nominalTelemetry, roomStatus } from '../helpers/room-messages.js';

const A = 'tinh-uy';
const B = 'so-tttt';
/** Last heard before this hub started; silent since. */
const C = 'hdnd-tinh';

/** The store's transitions in memory; `lastTransitions` answers when the test lets it (`answer`). */
class FakeTransitions implements Pick<HubStore, 'insertTransition' | 'lastTransitions'> {
  readonly rows: StoredTransition[] = [];
  failing = false;
  private waiting: (() => void) | null = null;
  held = false;

  async insertTransition(t: StoredTransition): Promise<void> {
    this.rows.push(t);
  }

  async lastTransitions(roomIds: readonly string[]): Promise<StoredTransition[]> {
    if (this.held) await new Promise<void>((resolve) => (this.waiting = resolve));
    if (this.failing) throw new Error('connection refused');
    const last = new Map(this.rows.map((t) => [t.roomId, t]));
    return roomIds.flatMap((id) => last.get(id) ?? []);
  }

  answer(): void {
    this.waiting?.();
  }
}

function setUp(group: boolean) {
  const clock = new FakeClock('2026-12-06T10:00:00.000Z');
  const fleet = new FleetState(rooms, defaultThresholds, clock.now());
  const store = new FakeTransitions();
  const log = transitionLog({ fleet, store, group, log: silentLog, clock });
  const ts = () => clock.now().toISOString();
  const room = {
    online: (id: string) => fleet.applyStatus(id, roomStatus('online', 'boot', ts()), clock.now()),
    nominal: (id: string) => fleet.applyTelemetry(id, nominalTelemetry(ts()), clock.now()),
    codecDown: (id: string) =>
      fleet.applyTelemetry(
        id,
        { ...nominalTelemetry(ts()), codec: { state: 'down', inCall: false } },
        clock.now(),
      ),
  };
  const levels = () => store.rows.map((t) => `${t.roomId} ${t.level} ${t.at.slice(11, 19)}`);
  return { clock, fleet, store, storing: log.storing, room, levels };
}

describe('the readiness history of a hub alone', () => {
  test('stores every transition as it comes', () => {
    const { room, levels, clock } = setUp(false);
    room.online(A);
    clock.advance(1000);
    room.nominal(A);
    expect(levels()).toEqual([`${A} NOT_READY 10:00:00`, `${A} READY 10:00:01`]);
  });
});

describe('the readiness history of a hub of a group', () => {
  test('is not stored by a hub that does not hold the once-only work', () => {
    const { room, store } = setUp(true);
    room.online(A);
    room.nominal(A);
    expect(store.rows).toEqual([]);
  });

  test('taking the work: the rooms judged otherwise than stored, as of then, then each transition', async () => {
    const { room, store, storing, levels, clock, fleet } = setUp(true);
    // What the last holder stored: A, B and C ready.
    store.rows.push(
      ...[A, B, C].map((roomId) => ({
        roomId,
        level: 'READY' as const,
        power: 'on' as const,
        reasons: [],
        at: '2026-12-06T09:00:00.000Z',
      })),
    );
    // While no hub stored: A as stored, B's codec down, C silent since before this hub started; the
    // other rooms never heard of.
    fleet.restoreLastSeen(C, new Date('2026-12-06T09:30:00.000Z'), clock.now());
    room.online(A);
    room.nominal(A);
    room.online(B);
    room.codecDown(B);
    clock.advance(5000);
    await storing.start();
    expect(levels()).toEqual([
      `${A} READY 09:00:00`,
      `${B} READY 09:00:00`,
      `${C} READY 09:00:00`,
      // In the fleet's order.
      `${C} OFFLINE 10:00:05`,
      `${B} NOT_READY 10:00:05`,
    ]);
    expect(store.rows.slice(-2).map((t) => t.reasons)).toEqual([
      ['offline, last seen 2026-12-06T09:30:00.000Z'],
      ['codec down'],
    ]);

    clock.advance(1000);
    room.nominal(B);
    expect(levels().at(-1)).toBe(`${B} READY 10:00:06`);

    // The lease lost: nothing more.
    await storing.stop();
    room.codecDown(A);
    expect(levels()).toHaveLength(6);
  });

  test('a transition while the last stored ones are read is in the catch-up, once', async () => {
    const { room, store, storing, levels, clock } = setUp(true);
    room.online(A);
    room.nominal(A);
    store.held = true;
    const started = storing.start();
    clock.advance(2000);
    room.codecDown(A);
    store.answer();
    await started;
    expect(levels()).toEqual([`${A} NOT_READY 10:00:02`]);
  });

  test('stores from then on even when the last stored ones cannot be read', async () => {
    const { room, store, storing, levels } = setUp(true);
    room.online(A);
    store.failing = true;
    await storing.start();
    expect(store.rows).toEqual([]);
    room.nominal(A);
    expect(levels()).toEqual([`${A} READY 10:00:00`]);
  });
});
