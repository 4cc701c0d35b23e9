/**
 * The rehearsals' store on SQLite and on PostgreSQL: runs, attempts with their checks and call
 * figures, each room's final verdict, test call history, escalations; and a meeting's slot runs once
 * even when the planners of two hubs of a group fire it at the same moment.
 */
import { expect, test } from '@jest/globals';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { MeetingsRepo, meetingsMigrations } from '../../hub/schedule/meetings-repo.js';
import { RehearsalPlanner } from '../../hub/schedule/rehearsals.js';
import {
  type Attempt,
  type Rehearsal,
  RehearsalsRepo,
  rehearsalsMigrations,
} from '../../hub/schedule/rehearsals-repo.js';
import type { Sql } from '../../hub/store/sql.js';
import type { RehearsalCheck } from '../../shared/schemas.js';
import { meetingAt, RecordingRunner, silentLog } from '../fakes/schedule-fakes.js';
import { onEachStore } from '../helpers/sql-stores.js';

const H = 3_600_000;
const t0 = new Date('2027-01-04T00:00:00.000Z');
const at = (hours: number) => new Date(t0.getTime() + hours * H).toISOString();

const check = (name: RehearsalCheck['check'], status: RehearsalCheck['status'] = 'pass'): RehearsalCheck => ({
  check: name,
  status,
  detail: `${name} ${status}`,
  evidence: { sample: name },
});

function run(id: string, startedH: number, over: Partial<Rehearsal> = {}): Rehearsal {
  return {
    id,
    kind: 'rehearsal',
    meetingId: 'm1',
    slot: 'T-24h',
    roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
    hostRoomId: 'ubnd-tinh',
    startedAt: at(startedH),
    checkedAt: null,
    finishedAt: null,
    deadline: at(startedH + 23),
    status: 'running',
    verdict: null,
    ...over,
  };
}

function attempt(
  roomId: string,
  n: number,
  verdict: Attempt['verdict'],
  over: Partial<Attempt> = {},
): Attempt {
  return {
    roomId,
    attempt: n,
    startedAt: at(n),
    finishedAt: at(n + 0.1),
    answered: true,
    error: null,
    powerOn: { ok: true, detail: '{"power":"on"}' },
    // Not in name order: they read back in the order written.
    checks: [check('power'), check('codec', verdict === 'go' ? 'pass' : 'fail'), check('line'), check('sip')],
    verdict,
    failures: [],
    ...over,
  };
}

onEachStore('the rehearsals repository', [...meetingsMigrations, ...rehearsalsMigrations], (store) => {
  test('runs read back as stored; a patch changes only its fields; a meeting’s runs in start order', async () => {
    const repo = new RehearsalsRepo(store.sql);
    await repo.insert(run('b', 2));
    await repo.insert(run('a', 1, { slot: 'T-2h' }));
    await repo.insert(run('other', 0, { meetingId: 'm2', status: 'done', verdict: 'go' }));
    expect(await repo.get('a')).toEqual(run('a', 1, { slot: 'T-2h' }));
    expect(await repo.get('nope')).toBeUndefined();
    await repo.patch('a', { checkedAt: at(1.5), verdict: 'at-risk' });
    expect(await repo.get('a')).toEqual(
      run('a', 1, { slot: 'T-2h', checkedAt: at(1.5), verdict: 'at-risk' }),
    );
    await repo.patch('a', { status: 'done', finishedAt: at(3) });
    expect(await repo.get('a')).toMatchObject({ status: 'done', finishedAt: at(3), verdict: 'at-risk' });
    await repo.patch('nope', { status: 'done' });
    expect((await repo.forMeeting('m1')).map((r) => r.id)).toEqual(['a', 'b']);
    expect((await repo.running()).map((r) => r.id)).toEqual(['b']);
  });

  test('attempts read back with their checks in order and the figures of their calls', async () => {
    const repo = new RehearsalsRepo(store.sql);
    await repo.insert(run('r1', 0));
    const withCalls = attempt('ubnd-yen-son', 1, 'no-go', {
      failures: [
        { check: 'codec', status: 'fail', detail: 'codec down', responsible: [{ kind: 'operator' }] },
      ],
      calls: {
        peripherals: {
          reported: ['camera'],
          devices: [{ kind: 'camera', name: 'Bàn điều khiển 1', connected: true }],
        },
      },
    });
    const silent = attempt('ubnd-tinh', 1, 'no-go', {
      answered: false,
      error: 'no rehearsal result: timeout',
      powerOn: { ok: false, detail: 'timeout' },
      checks: [],
    });
    await repo.insertAttempt('r1', withCalls);
    await repo.insertAttempt('r1', silent);
    await repo.insertAttempt('r1', attempt('ubnd-yen-son', 2, 'go'));
    expect(await repo.attempts('r1')).toEqual([silent, withCalls, attempt('ubnd-yen-son', 2, 'go')]);
    expect(await repo.attempts('none')).toEqual([]);
  });

  test('each room’s final verdict per run in the window, and the test call history newest first', async () => {
    const repo = new RehearsalsRepo(store.sql);
    await repo.insert(run('r1', 0));
    await repo.insert(run('r2', 10, { kind: 'inspection', meetingId: null, slot: 'inspection' }));
    await repo.insert(run('later', 100));
    const calls = { testCall: { outcome: 'connected' } } as Attempt['calls'];
    await repo.insertAttempt('r1', attempt('ubnd-tinh', 1, 'no-go', { calls }));
    await repo.insertAttempt('r1', attempt('ubnd-tinh', 2, 'go', { calls }));
    await repo.insertAttempt('r1', attempt('ubnd-yen-son', 1, 'at-risk'));
    await repo.insertAttempt('r2', attempt('ubnd-yen-son', 3, 'go', { calls }));
    await repo.insertAttempt('later', attempt('ubnd-tinh', 4, 'go', { calls }));

    expect(await repo.roomResults(at(0), at(50))).toEqual([
      { rehearsalId: 'r1', kind: 'rehearsal', roomId: 'ubnd-tinh', startedAt: at(0), verdict: 'go' },
      { rehearsalId: 'r1', kind: 'rehearsal', roomId: 'ubnd-yen-son', startedAt: at(0), verdict: 'at-risk' },
      { rehearsalId: 'r2', kind: 'inspection', roomId: 'ubnd-yen-son', startedAt: at(10), verdict: 'go' },
    ]);
    const history = await repo.callResults({ from: at(0), to: at(50) });
    expect(history.map((c) => [c.rehearsalId, c.roomId, c.attempt])).toEqual([
      ['r2', 'ubnd-yen-son', 3],
      ['r1', 'ubnd-tinh', 2],
      ['r1', 'ubnd-tinh', 1],
    ]);
    // Only the checks that judge the calls come with them.
    expect(history[0]!.checks.map((c) => c.check)).toEqual(['line', 'sip']);
    expect(history[0]!.calls).toEqual(calls);
    expect((await repo.callResults({ roomId: 'ubnd-tinh', limit: 2 })).map((c) => c.rehearsalId)).toEqual([
      'later',
      'r1',
    ]);
    expect(await repo.callResults({ roomId: 'so-y-te' })).toEqual([]);
  });

  test('escalations get their own ids and read back in order', async () => {
    const repo = new RehearsalsRepo(store.sql);
    await repo.insert(run('r1', 0));
    const failures = [
      {
        check: 'link' as const,
        status: 'fail' as const,
        detail: 'loss 8 %',
        responsible: [{ kind: 'operator' as const }],
      },
    ];
    const first = await repo.insertEscalation({
      rehearsalId: 'r1',
      meetingId: 'm1',
      roomId: 'ubnd-yen-son',
      at: at(23),
      verdict: 'no-go',
      failures,
    });
    const { id: _, ...same } = first;
    const second = await repo.insertEscalation({ ...same, roomId: 'ubnd-tinh', failures: [] });
    expect(typeof first.id).toBe('number');
    expect(second.id).toBeGreaterThan(first.id);
    expect(await repo.escalations('r1')).toEqual([first, second]);
  });

  test('a slot is claimed once per version of its meeting', async () => {
    const repo = new RehearsalsRepo(store.sql);
    expect(await repo.claimSlot('m1', 'T-24h', at(0), at(1))).toBe(true);
    expect(await repo.claimSlot('m1', 'T-24h', at(0), at(2))).toBe(false);
    expect(await repo.claimSlot('m1', 'T-2h', at(0), at(2))).toBe(true);
    // The meeting changed since: its slots are planned afresh.
    expect(await repo.claimSlot('m1', 'T-24h', at(5), at(6))).toBe(true);
  });

  test('two hubs’ planners firing the same slot at the same moment start one rehearsal', async () => {
    const planner = (sql: Sql, runner: RecordingRunner) =>
      new RehearsalPlanner({
        meetings: new MeetingsRepo(sql),
        rehearsals: new RehearsalsRepo(sql),
        runner,
        config: { offsetsH: [24, 2], deadlineH: 1 },
        log: silentLog,
        // 10 h before each meeting below: its T-24h slot is missed and runs at once.
        clock: { ...fixedClock(t0) },
      });
    const here = new RecordingRunner();
    const there = new RecordingRunner();
    const a = planner(store.sql, here);
    const b = planner(await store.another(), there);
    const meetings = new MeetingsRepo(store.sql);
    for (let round = 0; round < 10; round++) {
      const m: Meeting = meetingAt(`m${round}`, new Date(t0.getTime() + 10 * H), 2);
      await meetings.insert(m, []);
      await Promise.all([a.plan(m), b.plan(m)]);
      expect(here.started.length + there.started.length).toBe(round + 1);
    }
    a.stop();
    b.stop();
  });
});

/** A clock standing still at `now`, whose timers never fire (the tests use the missed slots). */
function fixedClock(now: Date) {
  return {
    now: () => now,
    setTimeout: () => null,
    clearTimeout: () => {},
    setInterval: () => null,
    clearInterval: () => {},
    sleep: async () => {},
  };
}
