import { describe, expect, test } from '@jest/globals';
import type { RoomView } from '../../hub/fleet-state.js';
import type { Readiness } from '../../hub/readiness.js';
import { goNoGo } from '../../hub/schedule/meeting-verdict.js';
import { MeetingWatch, type MeetingWatchMessage } from '../../hub/schedule/meeting-watch.js';
import { MeetingsRepo } from '../../hub/schedule/meetings-repo.js';
import type { Attempt } from '../../hub/schedule/rehearsals-repo.js';
import { RehearsalsRepo } from '../../hub/schedule/rehearsals-repo.js';
import { openDatabase } from '../../hub/store/database.js';
import type { RehearsalCheck } from '../../shared/schemas.js';
import { meetingAt, silentLog } from '../fakes/schedule-fakes.js';
import { VirtualClock } from '../fakes/virtual-clock.js';
import { scheduleSql } from '../helpers/schedule-sql.js';

const start = new Date('2026-12-03T01:00:00.000Z'); // Thu 08:00 in Hà Nội
const HOST = 'ubnd-tinh';
const DISTRICT = 'ubnd-yen-son';
const meeting = meetingAt('m1', start, 3); // 08:00–11:00
const MIN = 60_000;

const check = (name: RehearsalCheck['check'], status: RehearsalCheck['status'] = 'pass'): RehearsalCheck => ({
  check: name,
  status,
  detail: status === 'not-run' ? 'not built' : 'ok',
  evidence: {},
});

function attempt(roomId: string, verdict: Attempt['verdict'] = 'go'): Attempt {
  return {
    roomId,
    attempt: 1,
    startedAt: '2026-12-02T23:00:00.000Z',
    finishedAt: '2026-12-02T23:01:00.000Z',
    answered: true,
    error: null,
    powerOn: { ok: true, detail: '{}' },
    checks: [check('power'), check('codec'), check('peripherals', 'not-run'), check('sip', 'not-run')],
    verdict,
    failures:
      verdict === 'go' ? [] : [{ check: 'codec', status: 'fail', detail: 'codec down', responsible: [] }],
  };
}

const healthy: Readiness = {
  level: 'READY',
  power: { state: 'off', decision: 'idle' },
  reasons: [],
  causes: [],
};

function view(
  id: string,
  readiness: Readiness = healthy,
  power: Partial<NonNullable<RoomView['readings']>['power']> = {},
): RoomView {
  return {
    id,
    no: 1,
    name: id,
    nameEn: id,
    kind: 'district',
    online: readiness.level !== 'OFFLINE',
    lastSeen: null,
    version: null,
    bootId: null,
    readiness,
    readings: {
      power: { mains: true, upsChargePct: 100, state: 'on', ...power },
      climate: { tempC: 24, humidityPct: 55 },
      codec: { state: 'up', inCall: false },
      link: { latencyMs: 20, jitterMs: 2, lossPct: 0 },
    },
    readingsAt: null,
  };
}

const judge = (rooms: RoomView[], attempts: Attempt[], now: Date) =>
  goNoGo({
    meeting,
    attempts: new Map(attempts.map((a) => [a.roomId, a])),
    rooms: new Map(rooms.map((r) => [r.id, r])),
    now,
  });

describe('a meeting’s go/no-go from its rehearsal and live readiness', () => {
  const before = new Date(start.getTime() - 60 * MIN);

  test('both rooms passed and are healthy while idle off: go; the checks not run are named', () => {
    const v = judge([view(HOST), view(DISTRICT)], [attempt(HOST), attempt(DISTRICT)], before);
    expect(v.verdict).toBe('go');
    expect(v.notRun).toEqual([
      { check: 'peripherals', roomIds: [HOST, DISTRICT] },
      { check: 'sip', roomIds: [HOST, DISTRICT] },
    ]);
  });

  test('a district room that turns bad after its go: the meeting at risk, the reason from now', () => {
    const bad: Readiness = { ...healthy, level: 'NOT_READY', reasons: ['codec down'], causes: [] };
    const v = judge([view(HOST), view(DISTRICT, bad)], [attempt(HOST), attempt(DISTRICT)], before);
    expect(v.verdict).toBe('at-risk');
    expect(v.rooms[1]).toMatchObject({
      verdict: 'no-go',
      reasons: [{ code: 'health', text: 'now NOT_READY: codec down' }],
    });
  });

  test('the host room gone: no-go', () => {
    const gone: Readiness = {
      level: 'OFFLINE',
      power: { state: 'unknown', decision: null },
      reasons: ['offline'],
      causes: [],
    };
    expect(
      judge([view(HOST, gone), view(DISTRICT)], [attempt(HOST), attempt(DISTRICT)], before).verdict,
    ).toBe('no-go');
  });

  test.each([
    ['40 min of battery for 120 min of meeting', 9 * 60, 2400, 'at-risk', { runtimeMin: 40, leftMin: 120 }],
    ['40 min of battery for the last 30 min', 10.5 * 60, 2400, 'go', undefined],
    ['before the start, the whole meeting counts', 0, 7200, 'at-risk', { runtimeMin: 120, leftMin: 180 }],
  ] as const)('on battery: %s', (_name, atMinFromMidnight, runtimeSec, verdict, params) => {
    const now = new Date(Date.parse('2026-12-03T00:00:00.000Z') - 7 * 60 * MIN + atMinFromMidnight * MIN);
    const degraded: Readiness = {
      ...healthy,
      level: 'DEGRADED',
      power: { state: 'on', decision: 'scheduled' },
      reasons: ['mains lost'],
      causes: [],
    };
    const battery = view(DISTRICT, degraded, { mains: false, upsRuntimeSec: runtimeSec });
    const room = judge([view(HOST), battery], [attempt(HOST), attempt(DISTRICT)], now).rooms[1]!;
    const runtime = room.reasons.find((r) => r.code === 'ups-runtime');
    expect(runtime?.params).toEqual(params);
    expect(room.verdict).toBe(verdict === 'go' ? 'at-risk' : verdict); // DEGRADED health is at risk anyway
  });

  test('a room the rehearsal never reached is at risk, said as such', () => {
    expect(judge([view(HOST), view(DISTRICT)], [attempt(HOST)], before).rooms[1]).toMatchObject({
      verdict: 'at-risk',
      reasons: [{ code: 'not-rehearsed' }],
    });
  });
});

describe('the meeting watch', () => {
  async function rehearse(rehearsals: RehearsalsRepo) {
    await rehearsals.insert({
      id: 'r1',
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-2h',
      roomIds: meeting.roomIds,
      hostRoomId: HOST,
      startedAt: '2026-12-02T23:00:00.000Z',
      checkedAt: '2026-12-02T23:01:00.000Z',
      finishedAt: '2026-12-02T23:01:00.000Z',
      deadline: null,
      status: 'done',
      verdict: 'go',
    });
    await rehearsals.insertAttempt('r1', attempt(HOST));
    await rehearsals.insertAttempt('r1', attempt(DISTRICT));
  }

  async function setup(rehearsed = true, escalates?: () => boolean) {
    const db = openDatabase(':memory:');
    const sql = scheduleSql(db);
    const meetings = new MeetingsRepo(sql);
    const rehearsals = new RehearsalsRepo(sql);
    await meetings.insert(meeting, []);
    if (rehearsed) await rehearse(rehearsals);
    const clock = new VirtualClock('2026-12-02T23:30:00.000Z');
    const rooms = new Map([
      [HOST, view(HOST)],
      [DISTRICT, view(DISTRICT)],
    ]);
    const messages: MeetingWatchMessage[] = [];
    const watch = new MeetingWatch({
      meetings,
      rehearsals,
      rooms: () => [...rooms.values()],
      broadcast: (m) => messages.push(m),
      firstRehearsalH: 24,
      ...(escalates ? { escalates } : {}),
      log: silentLog,
      clock,
    });
    return { db, clock, rooms, messages, watch, rehearsals };
  }

  test('a room on battery whose runtime falls short escalates once to the host room, the operator and the power partner', async () => {
    const s = await setup();
    await s.watch.start();
    expect(s.messages).toEqual([
      { type: 'meeting-verdict', verdict: expect.objectContaining({ verdict: 'go' }) },
    ]);
    // 09:00: mains lost, 40 min on the battery, 120 min of meeting to go.
    await s.clock.advanceTo(new Date('2026-12-03T02:00:00.000Z'));
    s.rooms.set(
      DISTRICT,
      view(
        DISTRICT,
        { ...healthy, level: 'DEGRADED', power: { state: 'on', decision: 'scheduled' } },
        { mains: false, upsRuntimeSec: 2400 },
      ),
    );
    await s.watch.evaluate();
    const escalations = s.messages.filter((m) => m.type === 'escalation');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({
      escalation: {
        meetingId: 'm1',
        roomId: DISTRICT,
        failures: expect.arrayContaining([
          expect.objectContaining({
            check: 'ups-runtime',
            responsible: [
              { kind: 'room-technician', roomId: HOST },
              { kind: 'operator' },
              { kind: 'partner', partnerId: 'dien-luc-tuyen-quang' },
            ],
          }),
        ]),
      },
    });
    expect((await s.watch.verdictOf('m1'))?.verdict).toBe('at-risk');
    // The minutes run down with the clock; no second escalation for the same shortfall.
    await s.clock.advance(10 * MIN);
    expect(s.messages.filter((m) => m.type === 'escalation')).toHaveLength(1);
    s.watch.stop();
    s.db.close();
  });

  test('a hub not doing its group’s once-only work shows the worsened verdict and leaves the escalation to the one that does', async () => {
    let holder = false;
    const s = await setup(true, () => holder);
    await s.watch.start();
    await s.clock.advanceTo(new Date('2026-12-03T02:00:00.000Z'));
    s.rooms.set(
      DISTRICT,
      view(
        DISTRICT,
        { ...healthy, level: 'DEGRADED', power: { state: 'on', decision: 'scheduled' } },
        { mains: false, upsRuntimeSec: 2400 },
      ),
    );
    await s.watch.evaluate();
    expect(s.messages.map((m) => m.type)).toEqual(['meeting-verdict', 'meeting-verdict']);
    expect(await s.rehearsals.escalations('r1')).toEqual([]);
    // Taking the work over, it escalates what worsens from then on.
    holder = true;
    s.rooms.set(HOST, view(HOST, { ...healthy, level: 'NOT_READY' }));
    await s.watch.evaluate();
    expect(s.messages.filter((m) => m.type === 'escalation')).toHaveLength(1);
    expect(await s.rehearsals.escalations('r1')).toHaveLength(1);
    s.watch.stop();
    s.db.close();
  });

  test('before its first rehearsal a meeting has no verdict yet', async () => {
    const s = await setup(false);
    expect(await s.watch.verdictOf('m1')).toBeNull();
    s.db.close();
  });
});
