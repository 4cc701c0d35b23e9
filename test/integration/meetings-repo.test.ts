/**
 * The meeting calendar's store on SQLite and on PostgreSQL: meetings read back with their rooms in
 * order, the window and room queries, notifications and power-on outcomes; and booking stays atomic
 * across hubs: two hubs booking one room at the same moment never both succeed, the one refused
 * gets the refusal a single hub gives.
 */
import { expect, test } from '@jest/globals';
import { type BookingResult, MeetingCalendar } from '../../hub/schedule/meeting-calendar.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { MeetingsRepo, meetingsMigrations } from '../../hub/schedule/meetings-repo.js';
import type { Sql } from '../../hub/store/sql.js';
import { builtInFleet } from '../../shared/fleet.js';
import type { MeetingRequest } from '../../shared/schemas.js';
import { meetingAt, silentLog } from '../fakes/schedule-fakes.js';
import { onEachStore } from '../helpers/sql-stores.js';

const H = 3_600_000;
const t0 = new Date('2027-01-04T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H);

function calendar(sql: Sql): MeetingCalendar {
  return new MeetingCalendar({
    meetings: new MeetingsRepo(sql),
    planner: { plan: async () => {}, cancel: () => {} },
    runner: { stopForMeeting: async () => {} },
    publisher: { publishRooms: async () => {} },
    commands: { send: async () => ({ ok: true, result: {} }) as never },
    broadcast: () => {},
    notify: () => {},
    fleet: builtInFleet,
    rules: { noticeHours: 48, prepMinutes: 30 },
    powerOnTimeoutMs: 1000,
    log: silentLog,
    now: () => t0,
  });
}

const request = (title: string, startH: number, roomIds = ['ubnd-tinh', 'ubnd-yen-son']): MeetingRequest => ({
  title,
  kind: 'committee',
  hostRoomId: roomIds[0]!,
  roomIds,
  start: at(startH).toISOString(),
  end: at(startH + 2).toISOString(),
  emergency: null,
});

const refusalOf = (r: BookingResult) => (r.ok ? null : { ...r.violation, conflicts: undefined });

onEachStore('the meetings repository', meetingsMigrations, (store) => {
  test('a meeting reads back as stored, rooms in their order; a change and a cancellation keep it', async () => {
    const repo = new MeetingsRepo(store.sql);
    const m = meetingAt('m1', at(72), 2, {
      roomIds: ['ubnd-yen-son', 'ubnd-tinh', 'so-y-te'],
      emergency: { reason: 'flood' },
      title: 'Họp khẩn về lũ lụt',
    });
    await repo.insert(m, [{ kind: 'operator' }, { kind: 'room-technician', roomId: 'so-y-te' }]);
    expect(await repo.get('m1')).toEqual(m);
    expect(await repo.get('nope')).toBeUndefined();

    const moved: Meeting = {
      ...m,
      roomIds: ['so-y-te'],
      start: at(80).toISOString(),
      updatedAt: at(1).toISOString(),
    };
    await repo.update(moved, [{ kind: 'operator' }]);
    expect(await repo.get('m1')).toEqual(moved);
    await repo.update({ ...moved, status: 'cancelled' }, []);
    expect((await repo.get('m1'))?.status).toBe('cancelled');
    expect(await repo.list()).toEqual([]);
    expect((await repo.notifications('m1')).map((n) => [n.event, n.recipient])).toEqual([
      ['registered', { kind: 'operator' }],
      ['registered', { kind: 'room-technician', roomId: 'so-y-te' }],
      ['changed', { kind: 'operator' }],
    ]);
  });

  test('the list: scheduled meetings overlapping the window, in start order, one room’s when asked', async () => {
    const repo = new MeetingsRepo(store.sql);
    await repo.insert(meetingAt('late', at(10)), []);
    await repo.insert(meetingAt('early', at(2), 2, { roomIds: ['so-y-te'], hostRoomId: 'so-y-te' }), []);
    await repo.insert(meetingAt('gone', at(5), 1, { status: 'cancelled' }), []);
    const ids = async (q: Parameters<MeetingsRepo['list']>[0]) => (await repo.list(q)).map((m) => m.id);
    expect(await ids({})).toEqual(['early', 'late']);
    // Ends exactly at `from`: not overlapping; starts exactly at `to`: not either.
    expect(await ids({ from: at(4).toISOString() })).toEqual(['late']);
    expect(await ids({ to: at(10).toISOString() })).toEqual(['early']);
    expect(await ids({ from: at(3).toISOString(), to: at(11).toISOString() })).toEqual(['early', 'late']);
    expect(await ids({ roomId: 'ubnd-yen-son' })).toEqual(['late']);
    expect(await ids({ roomId: 'nowhere' })).toEqual([]);
  });

  test('the power-on outcomes of an emergency meeting read back in order', async () => {
    const repo = new MeetingsRepo(store.sql);
    await repo.insert(meetingAt('m1', at(1)), []);
    await repo.recordPowerOn('m1', { roomId: 'ubnd-tinh', at: at(0).toISOString(), ok: true, error: null });
    await repo.recordPowerOn('m1', {
      roomId: 'ubnd-yen-son',
      at: at(0).toISOString(),
      ok: false,
      error: 'timeout: no answer',
    });
    expect(await repo.powerOn('m1')).toEqual([
      { roomId: 'ubnd-tinh', at: at(0).toISOString(), ok: true, error: null },
      { roomId: 'ubnd-yen-son', at: at(0).toISOString(), ok: false, error: 'timeout: no answer' },
    ]);
  });

  test('two hubs booking one room at the same moment: exactly one succeeds, the other gets the overlap refusal', async () => {
    const here = calendar(store.sql);
    const there = calendar(await store.another());
    // What a single hub answers to the second booking of a room.
    const first = await here.create(request('trước', 200), null);
    expect(first.ok).toBe(true);
    const single = refusalOf(await here.create(request('sau', 200.5, ['ubnd-yen-son', 'so-y-te']), null));
    expect(single).toMatchObject({ rule: 'no-overlap', article: '8.3', field: 'roomIds' });

    for (let round = 0; round < 15; round++) {
      const startH = 72 + round * 5;
      const results = await Promise.all([
        here.create(request(`vòng ${round} A`, startH), null),
        there.create(request(`vòng ${round} B`, startH + 0.5, ['ubnd-yen-son', 'so-y-te']), null),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.find((r) => !r.ok)!;
      const winner = results.find((r) => r.ok) as Extract<BookingResult, { ok: true }>;
      expect(refused).toMatchObject({
        ok: false,
        violation: {
          rule: 'no-overlap',
          article: '8.3',
          field: 'roomIds',
          conflicts: [{ meeting: { id: winner.meeting.id }, roomIds: ['ubnd-yen-son'] }],
        },
      });
      const inRoom = await new MeetingsRepo(store.sql).list({
        from: at(startH - 1).toISOString(),
        to: at(startH + 4).toISOString(),
        roomId: 'ubnd-yen-son',
      });
      expect(inRoom.map((m) => m.id)).toEqual([winner.meeting.id]);
    }
  });

  test('two hubs moving two meetings onto one room at once: one change is refused', async () => {
    const here = calendar(store.sql);
    const there = calendar(await store.another());
    const a = await here.create(request('A', 100, ['ubnd-tinh']), null);
    const b = await here.create(request('B', 110, ['so-y-te']), null);
    if (!a.ok || !b.ok) throw new Error('setup bookings refused');
    const results = await Promise.all([
      here.update(a.meeting.id, {
        start: at(120).toISOString(),
        end: at(122).toISOString(),
        roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
      }),
      there.update(b.meeting.id, {
        start: at(120).toISOString(),
        end: at(122).toISOString(),
        roomIds: ['so-y-te', 'ubnd-yen-son'],
      }),
    ]);
    expect(results.filter((r) => r?.ok)).toHaveLength(1);
    expect(results.find((r) => !r?.ok)).toMatchObject({ ok: false, violation: { rule: 'no-overlap' } });
  });
});
