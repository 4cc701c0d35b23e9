/**
 * Two hubs of a group on one PostgreSQL: the once-only work (planning and running rehearsals,
 * digests, escalations) runs on exactly one of them, the one `/api/health` and `/metrics` name; a
 * meeting booked or a rehearsal asked for on the other is rehearsed by it, once; stopping it hands
 * the work to the other, which resumes the rehearsal in flight rather than starting it again.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningHub } from '../../hub/hub.js';
import type { OnceOnlyState } from '../../hub/once-only-work.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { RehearsalReport } from '../../hub/schedule/rehearsal-report.js';
import type { PlannedJob } from '../../hub/schedule/rehearsals.js';
import type { Rehearsal } from '../../hub/schedule/rehearsals-repo.js';
import { apiRequest, getJson, startTestHub } from '../helpers/hub-harness.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const TOKEN = 'metrics-token-for-once-only-0123456789';
// Rooms without an agent: each check is a silent room's, over in a second.
const HOST = 'ubnd-tinh';
const OTHER = 'ubnd-lam-binh';

type Hub = RunningHub & { removeData(): void };
let db: TestDatabase;
let a: Hub;
let b: Hub;
let aStopped = false;

const settings = (url: string) => ({
  'store.url': url,
  'schedule.rehearseTimeoutSec': 1,
  // One pass per test: the next re-check is far beyond it.
  'schedule.recheckMin': 30,
  'schedule.inspectionCron': '',
  'metrics.token': TOKEN,
});

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startTestHub(settings(db.url));
  b = await startTestHub(settings(db.url));
});
afterAll(async () => {
  for (const hub of [b, a]) {
    if (hub === a && aStopped) continue;
    await hub?.stop();
  }
  a?.removeData();
  b?.removeData();
  await db?.drop();
});

const health = async (hub: Hub) =>
  (await getJson<{ onceOnlyWork: OnceOnlyState }>(`${hub.httpUrl}/api/health`)).onceOnlyWork;
const gauge = async (hub: Hub) => {
  const res = await fetch(`${hub.httpUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return /^hnth_once_only_work_held (\d)$/m.exec(await res.text())?.[1];
};
const report = (hub: Hub, id: string) => getJson<RehearsalReport>(`${hub.httpUrl}/api/rehearsals/${id}`);
const meetingRehearsals = async (hub: Hub, id: string) =>
  (await getJson<{ rehearsals: Rehearsal[] }>(`${hub.httpUrl}/api/meetings/${id}`)).rehearsals;

describe('the once-only work of a hub group', () => {
  test('exactly one hub does it, and its /api/health and /metrics say so', async () => {
    // A, started first, took the lease; B, started later, finds it held.
    expect(await health(a)).toMatchObject({ held: true, term: expect.any(Number) });
    expect(await health(b)).toMatchObject({ held: false, term: null });
    expect((await health(a)).holder).not.toBe((await health(b)).holder);
    expect(a.onceOnly.held && !b.onceOnly.held).toBe(true);
    expect(await gauge(a)).toBe('1');
    expect(await gauge(b)).toBe('0');
  });

  let meeting: Meeting;
  let rehearsalId: string;

  test('a meeting booked on the other hub is planned and rehearsed by the one doing the work, once', async () => {
    // An emergency meeting 70 min away: its T-2h slot is past, the deadline 10 min away.
    const start = new Date(Date.now() + 70 * MIN);
    const booked = await apiRequest(b.httpUrl, 'POST', '/api/meetings', {
      title: 'Ứng phó lũ quét',
      kind: 'committee',
      hostRoomId: HOST,
      roomIds: [HOST, OTHER],
      start: start.toISOString(),
      end: new Date(start.getTime() + 60 * MIN).toISOString(),
      emergency: { reason: 'flood' },
    });
    expect(booked.status).toBe(201);
    meeting = booked.body as Meeting;
    // A, following the store, plans it (its T-24h slot is past too, so nothing is left waiting) and
    // runs the missed T-2h slot.
    const [rehearsal] = await waitFor('A to start the rehearsal', async () => {
      const list = await meetingRehearsals(a, meeting.id);
      return list.length > 0 && list;
    });
    rehearsalId = rehearsal!.id;
    expect(rehearsal).toMatchObject({ slot: 'T-2h', status: 'running' });
    const first = await waitFor('the first pass', async () => {
      const r = await report(a, rehearsalId);
      return r.checkedAt !== null && r;
    });
    expect(first.rooms.map((r) => [r.roomId, r.attempts])).toEqual([
      [HOST, 1],
      [OTHER, 1],
    ]);
    // B plans nothing and runs nothing of its own.
    expect(await getJson<PlannedJob[]>(`${b.httpUrl}/api/rehearsals/planned`)).toEqual([]);
    expect(await meetingRehearsals(b, meeting.id)).toHaveLength(1);
  });

  test('a rehearsal asked for on the other hub runs on the one doing the work, one pass only', async () => {
    const asked = await apiRequest(b.httpUrl, 'POST', '/api/rehearsals', { roomIds: [OTHER] });
    expect(asked.status).toBe(202);
    const id = (asked.body as Rehearsal).id;
    const done = await waitFor('the rehearsal done', async () => {
      const r = await report(b, id);
      return r.status === 'done' && r;
    });
    expect(done.rooms).toEqual([expect.objectContaining({ roomId: OTHER, attempts: 1 })]);
  });

  test('stopping the hub doing it hands it to the other, which resumes the rehearsal in flight', async () => {
    aStopped = true;
    await a.stop();
    // A let the lease go as it stopped: B takes it at its next try.
    await waitFor('B to take the work', async () => (await health(b)).held, 5_000);
    expect(await gauge(b)).toBe('1');
    // The run left running is B's now: re-checked at once (attempt 2), not started again.
    const resumed = await waitFor('B to re-check the rooms', async () => {
      const r = await report(b, rehearsalId);
      return r.rooms.every((room) => room.attempts === 2) && r;
    });
    expect(resumed.status).toBe('running');
    const runs = await meetingRehearsals(b, meeting.id);
    expect(runs.map((r) => r.id)).toEqual([rehearsalId]);
    // No slot is waiting (both are past), and none was fired again.
    expect(await getJson<PlannedJob[]>(`${b.httpUrl}/api/rehearsals/planned`)).toEqual([]);
    // The work is B's alone from now on: a rehearsal asked for on it runs at once.
    const asked = await apiRequest(b.httpUrl, 'POST', '/api/rehearsals', { roomIds: [HOST] });
    const done = await waitFor('the rehearsal done', async () => {
      const r = await report(b, (asked.body as Rehearsal).id);
      return r.status === 'done' && r;
    });
    expect(done.rooms).toEqual([expect.objectContaining({ roomId: HOST, attempts: 1 })]);
  });
});
