import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { MeetingsRepo } from '../../hub/schedule/meetings-repo.js';
import { RehearsalPlanner } from '../../hub/schedule/rehearsals.js';
import { RehearsalsRepo } from '../../hub/schedule/rehearsals-repo.js';
import { type Db, openDatabase } from '../../hub/store/database.js';
import { meetingAt, RecordingRunner, silentLog } from '../fakes/schedule-fakes.js';
import { scheduleSql } from '../helpers/schedule-sql.js';

const H = 3_600_000;
const t0 = new Date('2026-12-01T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H);

function planner(db: Db, runner: RecordingRunner) {
  return new RehearsalPlanner({
    meetings: new MeetingsRepo(scheduleSql(db)),
    rehearsals: new RehearsalsRepo(scheduleSql(db)),
    runner,
    config: { offsetsH: [24, 2], deadlineH: 1 },
    log: silentLog,
  });
}

describe('rehearsal jobs at T-24 h and T-2 h (art. 9.3), in fake time', () => {
  let db: Db;
  let runner: RecordingRunner;
  let plan: RehearsalPlanner;
  let meetings: MeetingsRepo;

  beforeEach(() => {
    jest.useFakeTimers({ now: t0 });
    db = openDatabase(':memory:');
    runner = new RecordingRunner();
    plan = planner(db, runner);
    meetings = new MeetingsRepo(scheduleSql(db));
  });
  afterEach(() => {
    plan.stop();
    db.close();
    jest.useRealTimers();
  });

  test('a meeting in 72 h is rehearsed at 48 h and 70 h, with the deadline at 71 h', async () => {
    const m = meetingAt('m1', at(72));
    await meetings.insert(m, []);
    await plan.plan(m);
    expect(plan.planned()).toEqual([
      { meetingId: 'm1', slot: 'T-24h', at: at(48).toISOString() },
      { meetingId: 'm1', slot: 'T-2h', at: at(70).toISOString() },
    ]);
    await jest.advanceTimersByTimeAsync(48 * H - 1);
    expect(runner.started).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runner.started).toEqual([
      expect.objectContaining({
        meetingId: 'm1',
        slot: 'T-24h',
        at: at(48).toISOString(),
        roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
        hostRoomId: 'ubnd-tinh',
        deadline: at(71),
      }),
    ]);
    await jest.advanceTimersByTimeAsync(22 * H);
    expect(runner.started.map((s) => [s.slot, s.at])).toEqual([
      ['T-24h', at(48).toISOString()],
      ['T-2h', at(70).toISOString()],
    ]);
    expect(plan.planned()).toEqual([]);
  });

  test('moving a meeting moves its rehearsals', async () => {
    const m = meetingAt('m1', at(72));
    await meetings.insert(m, []);
    await plan.plan(m);
    const moved = { ...m, start: at(96).toISOString(), end: at(98).toISOString() };
    await meetings.update(moved, []);
    await plan.plan(moved);
    await jest.advanceTimersByTimeAsync(72 * H - 1);
    // Nothing at the old times (48 h, 70 h).
    expect(runner.started).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(runner.started.map((s) => [s.slot, s.at])).toEqual([['T-24h', at(72).toISOString()]]);
    await jest.advanceTimersByTimeAsync(22 * H);
    expect(runner.started.map((s) => [s.slot, s.at])).toEqual([
      ['T-24h', at(72).toISOString()],
      ['T-2h', at(94).toISOString()],
    ]);
  });

  test('cancelling a meeting cancels its rehearsals', async () => {
    const m = meetingAt('m1', at(72));
    await meetings.insert(m, []);
    await plan.plan(m);
    const cancelled = { ...m, status: 'cancelled' as const };
    await meetings.update(cancelled, []);
    await plan.plan(cancelled);
    expect(plan.planned()).toEqual([]);
    await jest.advanceTimersByTimeAsync(80 * H);
    expect(runner.started).toEqual([]);
  });

  test('a job whose meeting was cancelled behind its back does not run', async () => {
    const m = meetingAt('m1', at(72));
    await meetings.insert(m, []);
    await plan.plan(m);
    await meetings.update({ ...m, status: 'cancelled' }, []);
    await jest.advanceTimersByTimeAsync(80 * H);
    expect(runner.started).toEqual([]);
  });

  test('an emergency booked 10 h ahead is rehearsed at once (missed T-24h) and again at T-2h', async () => {
    const m = meetingAt('m1', at(10), 2, { emergency: { reason: 'flood' } });
    await meetings.insert(m, []);
    await plan.plan(m);
    expect(runner.started.map((s) => [s.slot, s.at])).toEqual([['T-24h', t0.toISOString()]]);
    expect(plan.planned()).toEqual([{ meetingId: 'm1', slot: 'T-2h', at: at(8).toISOString() }]);
  });

  test('an emergency booked 30 min ahead is past its deadline: no rehearsal, no jobs', async () => {
    const m = meetingAt('m1', at(0.5), 1, { emergency: { reason: 'fire' } });
    await meetings.insert(m, []);
    await plan.plan(m);
    expect(runner.started).toEqual([]);
    expect(plan.planned()).toEqual([]);
  });

  test('the hub restarts between booking and rehearsal: the jobs are rebuilt from the database', async () => {
    const m = meetingAt('m1', at(72));
    await meetings.insert(m, []);
    await plan.plan(m);
    plan.stop();
    await jest.advanceTimersByTimeAsync(10 * H);
    const restarted = planner(db, runner);
    await restarted.start();
    expect(restarted.planned()).toEqual([
      { meetingId: 'm1', slot: 'T-24h', at: at(48).toISOString() },
      { meetingId: 'm1', slot: 'T-2h', at: at(70).toISOString() },
    ]);
    await jest.advanceTimersByTimeAsync(38 * H);
    expect(runner.started.map((s) => [s.slot, s.at])).toEqual([['T-24h', at(48).toISOString()]]);
    restarted.stop();
  });

  test('a hub down across T-24h runs the missed rehearsal when it comes back, once', async () => {
    const m = meetingAt('m1', at(72));
    await meetings.insert(m, []);
    await plan.plan(m);
    plan.stop();
    jest.setSystemTime(at(50));
    const restarted = planner(db, runner);
    await restarted.start();
    expect(runner.started.map((s) => [s.slot, s.at])).toEqual([['T-24h', at(50).toISOString()]]);
    restarted.stop();
  });

  test('a slot already rehearsed is not run again after a restart', async () => {
    const m = meetingAt('m1', at(72));
    await meetings.insert(m, []);
    await new RehearsalsRepo(scheduleSql(db)).insert({
      id: 'done-1',
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-24h',
      roomIds: m.roomIds,
      hostRoomId: m.hostRoomId,
      startedAt: at(48).toISOString(),
      checkedAt: at(48).toISOString(),
      finishedAt: at(48).toISOString(),
      deadline: at(71).toISOString(),
      status: 'done',
      verdict: 'go',
    });
    jest.setSystemTime(at(50));
    await plan.start();
    expect(runner.started).toEqual([]);
    expect(plan.planned().map((p) => p.slot)).toEqual(['T-2h']);
  });

  test('following the store plans what another hub of the group booked, moved or cancelled, and leaves the rest', async () => {
    await plan.start();
    // Booked on another hub: only in the store.
    const m1 = meetingAt('m1', at(72));
    const m2 = meetingAt('m2', at(96));
    await meetings.insert(m1, []);
    await meetings.insert(m2, []);
    await plan.follow();
    expect(plan.planned().map((j) => `${j.meetingId} ${j.slot} ${j.at}`)).toEqual([
      `m1 T-24h ${at(48).toISOString()}`,
      `m1 T-2h ${at(70).toISOString()}`,
      `m2 T-24h ${at(72).toISOString()}`,
      `m2 T-2h ${at(94).toISOString()}`,
    ]);
    // m1 moved a day later and m2 cancelled there.
    const moved = {
      ...m1,
      start: at(96).toISOString(),
      end: at(98).toISOString(),
      updatedAt: at(1).toISOString(),
    };
    await meetings.update(moved, []);
    await meetings.update({ ...m2, status: 'cancelled', updatedAt: at(1).toISOString() }, []);
    await plan.follow();
    expect(plan.planned().map((j) => `${j.meetingId} ${j.slot} ${j.at}`)).toEqual([
      `m1 T-24h ${at(72).toISOString()}`,
      `m1 T-2h ${at(94).toISOString()}`,
    ]);
    await jest.advanceTimersByTimeAsync(72 * H);
    expect(runner.started.map((s) => `${s.meetingId} ${s.slot}`)).toEqual(['m1 T-24h']);
  });

  test('a stopped planner (the hub gave the work up) follows nothing and fires nothing', async () => {
    await plan.start();
    await meetings.insert(meetingAt('m1', at(72)), []);
    plan.stop();
    await plan.follow();
    expect(plan.planned()).toEqual([]);
    await jest.advanceTimersByTimeAsync(72 * H);
    expect(runner.started).toEqual([]);
  });
});
