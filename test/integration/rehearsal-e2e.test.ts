import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { RehearsalReport } from '../../hub/schedule/rehearsal-report.js';
import type { Rehearsal } from '../../hub/schedule/rehearsals-repo.js';
import { clockAt } from '../fakes/fake-clock.js';
import {
  apiRequest,
  getJson,
  inject,
  liveClient,
  startTestAgent,
  startTestHub,
} from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const MIN = 60_000;
const HOST = 'ubnd-tinh';
const RECOVERS = 'ubnd-yen-son';
const NEVER = 'ubnd-na-hang';
const SILENT = 'ubnd-lam-binh'; // no agent at all

describe('a rehearsal end to end: simulated agents, embedded broker, the hub’s clock moved by the test', () => {
  let hub: RunningHub & { removeData(): void };
  let agents: Agent[];
  /** The hub's clock runs this far ahead of the real one; the test jumps it to reach T-1h. */
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);

  beforeAll(async () => {
    hub = await startTestHub(
      {
        // Re-check every 200 ms; a silent room costs 300 ms per attempt.
        'schedule.recheckMin': 0.2 / 60,
        'schedule.rehearseTimeoutSec': 2,
        'schedule.powerOnTimeoutSec': 0.3,
        'schedule.inspectionCron': '',
      },
      { clock: clockAt(now) },
    );
    agents = await Promise.all([HOST, RECOVERS, NEVER].map((room) => startTestAgent(hub.mqttUrl, room)));
  });
  afterAll(async () => {
    await Promise.all((agents ?? []).map((a) => a.stop()));
    await hub?.stop();
    hub?.removeData();
  });

  const report = (id: string) => getJson<RehearsalReport>(`${hub.httpUrl}/api/rehearsals/${id}`);
  const row = (r: RehearsalReport, roomId: string) => r.rooms.find((x) => x.roomId === roomId)!;

  test('one room recovers, one never does and one never answers: both escalated at T-1h, with who must act', async () => {
    const live = await liveClient(hub.httpUrl);
    await inject(hub.mqttUrl, RECOVERS, { loss: 8 });
    await inject(hub.mqttUrl, NEVER, { loss: 8 });
    const [, recovering, never] = agents;
    await waitFor(
      'the injected loss',
      () => recovering!.readings.link.lossPct === 8 && never!.readings.link.lossPct === 8,
    );

    // An emergency meeting 70 min away: both rehearsal slots are past, the deadline 10 min away.
    const start = new Date(now().getTime() + 70 * MIN);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Ứng phó lũ quét',
      kind: 'committee',
      hostRoomId: HOST,
      roomIds: [HOST, RECOVERS, NEVER, SILENT],
      start: start.toISOString(),
      end: new Date(start.getTime() + 60 * MIN).toISOString(),
      emergency: { reason: 'flood' },
    });
    expect(booked.status).toBe(201);
    const meeting = booked.body as Meeting;
    const { rehearsals } = await waitFor('the rehearsal to start', async () => {
      const m = await getJson<{ rehearsals: Rehearsal[] }>(`${hub.httpUrl}/api/meetings/${meeting.id}`);
      return m.rehearsals.length > 0 && m;
    });
    const id = rehearsals[0]!.id;
    expect(rehearsals[0]).toMatchObject({
      slot: 'T-2h',
      deadline: new Date(start.getTime() - 60 * MIN).toISOString(),
    });

    const first = await waitFor('the first pass', async () => {
      const r = await report(id);
      return r.checkedAt !== null && r;
    });
    expect(row(first, HOST).verdict).toBe('go');
    const lossy = row(first, RECOVERS).latest!;
    expect(lossy.verdict).toBe('no-go');
    expect(lossy.checks.find((c) => c.check === 'link')).toMatchObject({
      status: 'fail',
      fault: 'line',
      evidence: { lossPct: 8 },
    });
    expect(lossy.checks.find((c) => c.check === 'sip')?.status).toBe('not-run');
    expect(lossy.failures).toEqual([
      expect.objectContaining({
        check: 'link',
        responsible: [{ kind: 'partner', partnerId: 'vnpt-tuyen-quang' }],
      }),
    ]);
    expect(row(first, SILENT).latest).toMatchObject({ answered: false, verdict: 'no-go' });
    expect(row(first, SILENT).latest?.error).toMatch(/no rehearsal result: timeout/);
    expect(first).toMatchObject({ status: 'running', verdict: 'at-risk' });

    // The line is repaired: the next re-check finds the room ready. A re-check stores each room's
    // attempt as that room answers, so the one that found it ready is over for the room that never
    // recovers once that room has as many attempts: read earlier, its last one may be on its way.
    await inject(hub.mqttUrl, RECOVERS, { loss: 0.1 });
    const recovered = await waitFor('the re-check that found the room ready', async () => {
      const r = await report(id);
      return row(r, RECOVERS).verdict === 'go' && row(r, NEVER).attempts >= row(r, RECOVERS).attempts && r;
    });
    expect(row(recovered, RECOVERS).history.map((h) => h.verdict)).toEqual(
      expect.arrayContaining(['no-go', 'go']),
    );
    expect(row(recovered, NEVER).history.map((h) => h.verdict)).toEqual(
      row(recovered, NEVER).history.map(() => 'no-go'),
    );
    expect(row(recovered, NEVER).attempts).toBeGreaterThan(1);
    expect(recovered.escalations).toEqual([]);

    // T-1h arrives: the rooms still failing are escalated, and checked again until the start.
    offsetMs += 11 * MIN;
    // (The jump of the hub's clock leaves the agents' telemetry minutes old: the meeting watch files
    // its own escalations for that, naming the readiness check; these are the deadline's.)
    const atDeadline = (r: RehearsalReport) =>
      r.escalations.filter((e) => e.failures.every((f) => f.check !== 'readiness'));
    const escalated = await waitFor('the deadline', async () => {
      const r = await report(id);
      return atDeadline(r).length === 2 && r;
    });
    expect(escalated.status).toBe('running');
    expect(
      atDeadline(escalated)
        .map((e) => e.roomId)
        .sort(),
    ).toEqual([NEVER, SILENT].sort());
    const never_ = atDeadline(escalated).find((e) => e.roomId === NEVER)!;
    expect(never_.failures[0]).toMatchObject({
      check: 'link',
      responsible: [{ kind: 'partner', partnerId: 'vnpt-tuyen-quang' }],
    });
    const silent = atDeadline(escalated).find((e) => e.roomId === SILENT)!;
    expect(silent.failures[0]?.responsible).toEqual([
      { kind: 'room-technician', roomId: SILENT },
      { kind: 'partner', partnerId: 'vnpt-tuyen-quang' },
    ]);
    // The meeting starts: no more re-checks.
    offsetMs += 60 * MIN;
    const done = await waitFor('the start', async () => {
      const r = await report(id);
      return r.status === 'done' && r;
    });
    expect(done.verdict).toBe('at-risk');

    // The dashboard saw it all happen.
    await waitFor(
      'the deadline’s escalations on /ws',
      () => live.messages.filter((m) => m.type === 'escalation').length >= 2,
    );
    expect(live.messages.some((m) => m.type === 'rehearsal-room')).toBe(true);
    live.close();
  });

  test('rehearse now, for any set of rooms: one pass, the full matrix', async () => {
    await inject(hub.mqttUrl, NEVER, { loss: 0.2 });
    await waitFor('the line repaired', () => agents[2]!.readings.link.lossPct === 0.2);
    const res = await apiRequest(hub.httpUrl, 'POST', '/api/rehearsals', { roomIds: [HOST, NEVER] });
    expect(res.status).toBe(202);
    const r = await waitFor('the report', async () => {
      const x = await report((res.body as Rehearsal).id);
      return x.status === 'done' && x;
    });
    expect(r.rooms.map((x) => [x.roomId, x.verdict])).toEqual([
      [HOST, 'go'],
      [NEVER, 'go'],
    ]);
    expect(r.rooms[0]?.latest?.checks.map((c) => c.check)).toEqual([
      'power',
      'climate',
      'codec',
      'link',
      'peripherals',
      'sip',
      'line',
      'sound',
      'picture',
    ]);
    // This hub names no test conference: the gap is said, never passed.
    expect(r.rooms[0]?.latest?.checks.find((c) => c.check === 'sip')).toMatchObject({
      status: 'not-run',
      detail: 'no test conference is set (testCall.dialString)',
    });
    expect(r.deadline).toBeNull();
  });

  test.each([
    ['no body fields', {}, 400],
    ['an unknown room', { roomIds: ['atlantis'] }, 400],
    ['both forms at once', { meetingId: 'x', roomIds: [HOST] }, 400],
    ['an unknown meeting', { meetingId: 'nope' }, 404],
  ])('rehearse now with %s is refused', async (_name, body, status) => {
    const res = await apiRequest(hub.httpUrl, 'POST', '/api/rehearsals', body);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ error: expect.any(String) });
  });

  test('an unknown rehearsal is 404', async () => {
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/rehearsals/nope')).status).toBe(404);
  });
});
