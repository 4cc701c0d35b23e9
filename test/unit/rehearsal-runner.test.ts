import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import type { CommandOutcome } from '../../hub/commands/command-client.js';
import { type RehearsalLiveMessage, RehearsalRunner } from '../../hub/schedule/rehearsal-runner.js';
import { RehearsalsRepo } from '../../hub/schedule/rehearsals-repo.js';
import { type Db, openDatabase } from '../../hub/store/database.js';
import type { RehearsalCheck } from '../../shared/schemas.js';
import { silentLog } from '../fakes/schedule-fakes.js';
import { scheduleSql } from '../helpers/schedule-sql.js';

const MIN = 60_000;
const t0 = new Date('2026-12-01T00:00:00.000Z');

const pass = (c: RehearsalCheck['check']): RehearsalCheck => ({
  check: c,
  status: 'pass',
  detail: 'ok',
  evidence: {},
});
const lossy: RehearsalCheck = {
  check: 'link',
  status: 'fail',
  detail: 'loss 8 % to MCU over 5 %',
  evidence: { lossPct: 8 },
  fault: 'line',
};

type Behaviour = (attempt: number) => Omit<CommandOutcome, 'roomId' | 'name' | 'id'>;
const healthy: Behaviour = () => ({ ok: true, result: { checks: [pass('power'), pass('link')] } });
const failingUntil =
  (n: number): Behaviour =>
  (attempt) =>
    attempt >= n ? healthy(attempt) : { ok: true, result: { checks: [pass('power'), lossy] } };
const silent: Behaviour = () => ({
  ok: false,
  error: { code: 'timeout', message: 'no reply within 500 ms' },
});

/** A command client whose rooms behave as told; counts rehearse commands per room. */
class FakeRooms {
  readonly sent: string[] = [];
  private readonly count = new Map<string, number>();
  constructor(private readonly rooms: Record<string, Behaviour>) {}
  async send(roomId: string, name: string): Promise<CommandOutcome> {
    this.sent.push(`${roomId}:${name}`);
    const behaviour = this.rooms[roomId] ?? silent;
    const n = (this.count.get(roomId) ?? 0) + 1;
    this.count.set(roomId, n);
    return { roomId, name, id: `c${n}`, ...behaviour(n) };
  }
  rehearsals(roomId: string): number {
    return this.count.get(roomId) ?? 0;
  }
}

describe('rehearsal runner, in fake time', () => {
  let db: Db;
  let repo: RehearsalsRepo;
  let live: RehearsalLiveMessage[];

  beforeEach(() => {
    jest.useFakeTimers({ now: t0 });
    db = openDatabase(':memory:');
    repo = new RehearsalsRepo(scheduleSql(db));
    live = [];
  });
  afterEach(() => {
    db.close();
    jest.useRealTimers();
  });

  function runner(rooms: Pick<FakeRooms, 'send'>, afterDeadlineMs = 0, leading = true) {
    return new RehearsalRunner({
      repo,
      commands: rooms,
      broadcast: (m) => live.push(m),
      config: { recheckMs: MIN, rehearseTimeoutMs: 500, afterDeadlineMs },
      leading,
      log: silentLog,
    });
  }

  const inAnHour = () => ({
    kind: 'rehearsal' as const,
    meetingId: 'm1',
    slot: 'T-2h',
    roomIds: ['ubnd-tinh'],
    hostRoomId: 'ubnd-tinh',
    deadline: new Date(t0.getTime() + 60 * MIN),
  });

  test('re-checks failing rooms every interval until the deadline, then escalates those still failing', async () => {
    const rooms = new FakeRooms({
      'ubnd-tinh': healthy,
      'ubnd-yen-son': failingUntil(3),
      'ubnd-na-hang': failingUntil(99),
    });
    const r = await runner(rooms).start({
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-2h',
      roomIds: ['ubnd-tinh', 'ubnd-yen-son', 'ubnd-na-hang', 'ubnd-lam-binh'],
      hostRoomId: 'ubnd-tinh',
      deadline: new Date(t0.getTime() + 10 * MIN),
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(await repo.get(r.id)).toMatchObject({
      status: 'running',
      checkedAt: t0.toISOString(),
      verdict: 'at-risk',
    });
    // Rooms are checked in parallel, each with one rehearse: it powers itself on and back.
    expect(rooms.sent.slice(0, 4).sort()).toEqual(
      ['ubnd-lam-binh', 'ubnd-na-hang', 'ubnd-tinh', 'ubnd-yen-son'].map((r) => `${r}:rehearse`),
    );

    await jest.advanceTimersByTimeAsync(2 * MIN);
    // The healthy room is not asked again; the one that recovered stops being asked.
    expect(rooms.rehearsals('ubnd-tinh')).toBe(1);
    expect(rooms.rehearsals('ubnd-yen-son')).toBe(3);
    expect(await repo.escalations(r.id)).toEqual([]);

    await jest.advanceTimersByTimeAsync(8 * MIN);
    expect(rooms.rehearsals('ubnd-yen-son')).toBe(3);
    expect(rooms.rehearsals('ubnd-na-hang')).toBe(10);
    expect(await repo.get(r.id)).toMatchObject({ status: 'done', verdict: 'at-risk' });
    const escalations = await repo.escalations(r.id);
    expect(escalations.map((e) => [e.roomId, e.at])).toEqual([
      ['ubnd-na-hang', new Date(t0.getTime() + 10 * MIN).toISOString()],
      ['ubnd-lam-binh', new Date(t0.getTime() + 10 * MIN).toISOString()],
    ]);
    expect(escalations[0]?.failures).toEqual([
      {
        check: 'link',
        status: 'fail',
        detail: 'loss 8 % to MCU over 5 %',
        responsible: [{ kind: 'partner', partnerId: 'vnpt-tuyen-quang' }],
      },
    ]);
    expect(escalations[1]?.failures[0]).toMatchObject({
      check: 'answer',
      detail: expect.stringMatching(/no rehearsal result: timeout/),
    });
    expect(live.filter((m) => m.type === 'escalation')).toHaveLength(2);

    const attempts = (await repo.attempts(r.id)).filter((a) => a.roomId === 'ubnd-yen-son');
    expect(attempts.map((a) => a.verdict)).toEqual(['no-go', 'no-go', 'go']);
    expect(attempts[0]?.checks.find((c) => c.check === 'link')?.evidence).toEqual({ lossPct: 8 });
  });

  test('after the deadline, an escalated room is still re-checked until the meeting starts, and may join', async () => {
    const rooms = new FakeRooms({ 'ubnd-tinh': healthy, 'ubnd-yen-son': failingUntil(14) });
    const r = await runner(rooms, 60 * MIN).start({
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-2h',
      roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
      hostRoomId: 'ubnd-tinh',
      deadline: new Date(t0.getTime() + 10 * MIN),
    });
    await jest.advanceTimersByTimeAsync(10 * MIN);
    expect((await repo.escalations(r.id)).map((e) => e.roomId)).toEqual(['ubnd-yen-son']);
    expect(await repo.get(r.id)).toMatchObject({ status: 'running', verdict: 'at-risk' });
    // Repaired: the 14th check, 13 min after the start, passes; nothing more is escalated.
    await jest.advanceTimersByTimeAsync(5 * MIN);
    expect(await repo.get(r.id)).toMatchObject({ status: 'done', verdict: 'go' });
    expect(rooms.rehearsals('ubnd-yen-son')).toBe(14);
    expect(await repo.escalations(r.id)).toHaveLength(1);
  });

  test('after the deadline, a room never repaired is checked until the start, then the run ends', async () => {
    const rooms = new FakeRooms({ 'ubnd-tinh': healthy, 'ubnd-yen-son': failingUntil(99) });
    const r = await runner(rooms, 30 * MIN).start({
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-2h',
      roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
      hostRoomId: 'ubnd-tinh',
      deadline: new Date(t0.getTime() + 10 * MIN),
    });
    await jest.advanceTimersByTimeAsync(60 * MIN);
    expect(await repo.get(r.id)).toMatchObject({ status: 'done', verdict: 'at-risk' });
    // Once a minute from 0 to 39 min; at the start (40 min) the run ends without another.
    expect(rooms.rehearsals('ubnd-yen-son')).toBe(40);
    expect(await repo.escalations(r.id)).toHaveLength(1);
  });

  test('every room go after the first pass: done at once, nothing re-checked', async () => {
    const rooms = new FakeRooms({ 'ubnd-tinh': healthy, 'so-y-te': healthy });
    const r = await runner(rooms).start({
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-24h',
      roomIds: ['ubnd-tinh', 'so-y-te'],
      hostRoomId: 'ubnd-tinh',
      deadline: new Date(t0.getTime() + 23 * 60 * MIN),
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(await repo.get(r.id)).toMatchObject({ status: 'done', verdict: 'go' });
    await jest.advanceTimersByTimeAsync(60 * MIN);
    expect(rooms.rehearsals('so-y-te')).toBe(1);
  });

  test('a reply that is not a rehearsal result, or a refusal, is a no-go with the reason', async () => {
    const rooms = new FakeRooms({
      'ubnd-tinh': () => ({ ok: true, result: { checks: 'all good' } }),
      'so-y-te': () => ({
        ok: false,
        error: { code: 'unknown-command', message: 'this agent has no command "rehearse"' },
      }),
    });
    const r = await runner(rooms).start({
      kind: 'inspection',
      meetingId: null,
      slot: 'inspection',
      roomIds: ['ubnd-tinh', 'so-y-te'],
      hostRoomId: null,
      deadline: null,
    });
    await jest.advanceTimersByTimeAsync(0);
    const byRoom = new Map((await repo.attempts(r.id)).map((a) => [a.roomId, a]));
    expect(byRoom.get('ubnd-tinh')).toMatchObject({ answered: false, verdict: 'no-go' });
    expect(byRoom.get('ubnd-tinh')?.error).toMatch(/not a rehearsal result/);
    expect(byRoom.get('so-y-te')?.error).toMatch(/unknown-command/);
    // No deadline: one pass, no escalation.
    expect(await repo.get(r.id)).toMatchObject({ status: 'done', verdict: 'no-go' });
    expect(await repo.escalations(r.id)).toEqual([]);
  });

  test('a meeting moved or cancelled stops its running rehearsal', async () => {
    const rooms = new FakeRooms({ 'ubnd-tinh': failingUntil(99) });
    const run = runner(rooms);
    const r = await run.start({
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-2h',
      roomIds: ['ubnd-tinh'],
      hostRoomId: 'ubnd-tinh',
      deadline: new Date(t0.getTime() + 60 * MIN),
    });
    await jest.advanceTimersByTimeAsync(MIN);
    await run.stopForMeeting('m1', 'cancelled');
    const asked = rooms.rehearsals('ubnd-tinh');
    await jest.advanceTimersByTimeAsync(120 * MIN);
    expect(rooms.rehearsals('ubnd-tinh')).toBe(asked);
    expect((await repo.get(r.id))?.status).toBe('cancelled');
    expect(await repo.escalations(r.id)).toEqual([]);
  });

  test('a meeting cancelled while its rehearsal is being started: the new run is stopped too, and stays stopped', async () => {
    const rooms = new FakeRooms({ 'ubnd-tinh': failingUntil(99) });
    const run = runner(rooms);
    // Neither awaited before the other: the store is read and written in between.
    const [r] = await Promise.all([
      run.start({
        kind: 'rehearsal',
        meetingId: 'm1',
        slot: 'T-2h',
        roomIds: ['ubnd-tinh'],
        hostRoomId: 'ubnd-tinh',
        deadline: new Date(t0.getTime() + 60 * MIN),
      }),
      run.stopForMeeting('m1', 'cancelled'),
    ]);
    await jest.advanceTimersByTimeAsync(120 * MIN);
    expect((await repo.get(r.id))?.status).toBe('cancelled');
    expect(await repo.running()).toEqual([]);
    expect(rooms.rehearsals('ubnd-tinh')).toBeLessThanOrEqual(1);
  });

  test('a run left running by a stopped hub is escalated on resume when its deadline passed meanwhile', async () => {
    const rooms = new FakeRooms({ 'ubnd-tinh': failingUntil(99) });
    const first = runner(rooms);
    const r = await first.start({
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-2h',
      roomIds: ['ubnd-tinh'],
      hostRoomId: 'ubnd-tinh',
      deadline: new Date(t0.getTime() + 60 * MIN),
    });
    await jest.advanceTimersByTimeAsync(0);
    first.stop();
    jest.setSystemTime(new Date(t0.getTime() + 90 * MIN));
    await runner(rooms).resume();
    await jest.advanceTimersByTimeAsync(0);
    expect((await repo.get(r.id))?.status).toBe('done');
    expect((await repo.escalations(r.id)).map((e) => e.roomId)).toEqual(['ubnd-tinh']);
  });

  test('an inspection cut short by a stopped hub checks, on resume, only the rooms it had not reached', async () => {
    const rooms = new FakeRooms({ 'ubnd-tinh': healthy, 'so-y-te': healthy });
    await repo.insert({
      id: 'insp-1',
      kind: 'inspection',
      meetingId: null,
      slot: 'inspection',
      roomIds: ['ubnd-tinh', 'so-y-te'],
      hostRoomId: null,
      startedAt: t0.toISOString(),
      checkedAt: null,
      finishedAt: null,
      deadline: null,
      status: 'running',
      verdict: null,
    });
    await repo.insertAttempt('insp-1', {
      roomId: 'ubnd-tinh',
      attempt: 1,
      startedAt: t0.toISOString(),
      finishedAt: t0.toISOString(),
      answered: true,
      error: null,
      powerOn: { ok: true, detail: '{}' },
      checks: [pass('power')],
      verdict: 'go',
      failures: [],
    });
    await runner(rooms).resume();
    await jest.advanceTimersByTimeAsync(0);
    expect(rooms.rehearsals('ubnd-tinh')).toBe(0);
    expect(rooms.rehearsals('so-y-te')).toBe(1);
    expect(await repo.get('insp-1')).toMatchObject({ status: 'done', verdict: 'go' });
  });

  describe('in a hub group', () => {
    test('a hub not doing the once-only work stores the run asked of it; the one doing it adopts it, once', async () => {
      const rooms = new FakeRooms({ 'ubnd-tinh': failingUntil(99) });
      const r = await runner(rooms, 0, false).start(inAnHour());
      await jest.advanceTimersByTimeAsync(MIN);
      expect(rooms.rehearsals('ubnd-tinh')).toBe(0);
      expect((await repo.get(r.id))?.status).toBe('running');

      const holder = runner(rooms);
      await holder.resume();
      await jest.advanceTimersByTimeAsync(0);
      expect(rooms.rehearsals('ubnd-tinh')).toBe(1);
      // Following the store again finds the run its own already: no second check at once.
      await holder.adopt();
      await jest.advanceTimersByTimeAsync(0);
      expect(rooms.rehearsals('ubnd-tinh')).toBe(1);
      await jest.advanceTimersByTimeAsync(MIN);
      expect(rooms.rehearsals('ubnd-tinh')).toBe(2);
      holder.stop();
    });

    test('a run ended by another hub (its meeting cancelled there) is not checked here again', async () => {
      const rooms = new FakeRooms({ 'ubnd-tinh': failingUntil(99) });
      const holder = runner(rooms);
      const r = await holder.start(inAnHour());
      await jest.advanceTimersByTimeAsync(0);
      await runner(rooms, 0, false).stopForMeeting('m1', 'cancelled');
      const asked = rooms.rehearsals('ubnd-tinh');
      await jest.advanceTimersByTimeAsync(120 * MIN);
      expect(rooms.rehearsals('ubnd-tinh')).toBe(asked);
      expect((await repo.get(r.id))?.status).toBe('cancelled');
      expect(await repo.escalations(r.id)).toEqual([]);
    });

    test('a check under way when the hub gives the work up stores nothing, even if the hub takes it back', async () => {
      const replies: ((o: CommandOutcome) => void)[] = [];
      const rooms = {
        send: (roomId: string, name: string) =>
          new Promise<CommandOutcome>((resolve) => replies.push(resolve)).then((o) => ({
            ...o,
            roomId,
            name,
          })),
      };
      const answer = (i: number) =>
        replies[i]!({ roomId: '', name: '', id: `c${i}`, ok: true, result: { checks: [pass('power')] } });
      const run = runner(rooms);
      const r = await run.start(inAnHour());
      await jest.advanceTimersByTimeAsync(0);
      run.stop();
      await run.resume();
      await jest.advanceTimersByTimeAsync(0);
      expect(replies).toHaveLength(2);
      answer(0);
      await jest.advanceTimersByTimeAsync(0);
      expect(await repo.attempts(r.id)).toEqual([]);
      answer(1);
      await jest.advanceTimersByTimeAsync(0);
      expect((await repo.attempts(r.id)).map((a) => [a.roomId, a.attempt])).toEqual([['ubnd-tinh', 1]]);
      expect((await repo.get(r.id))?.status).toBe('done');
    });
  });
});
