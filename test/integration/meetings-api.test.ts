import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { ScheduleMessage } from '../../shared/schemas.js';
import {
  apiRequest,
  getJson,
  startTestAgent,
  startTestHub,
  TEST_OPERATOR,
  testMqttClient,
} from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const H = 3_600_000;
const inHours = (h: number) => new Date(Date.now() + h * H);
/** Whole hours from now, so tests of the same day do not collide by accident. */
function slot(dayOffset: number, startH: number, hours = 2) {
  const base = new Date(Date.now() + dayOffset * 24 * H);
  base.setUTCMinutes(0, 0, 0);
  const start = new Date(base.getTime() + startH * H);
  return { start: start.toISOString(), end: new Date(start.getTime() + hours * H).toISOString() };
}

function body(patch: Record<string, unknown> = {}) {
  return {
    title: 'Giao ban trực tuyến UBND tỉnh',
    kind: 'committee',
    hostRoomId: 'ubnd-tinh',
    roomIds: ['ubnd-tinh', 'ubnd-yen-son', 'ubnd-son-duong'],
    ...slot(5, 0),
    emergency: null,
    ...patch,
  };
}

describe('meeting calendar over the API, on the embedded broker', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let watcher: MqttClient;
  const schedules = new Map<string, ScheduleMessage>();

  beforeAll(async () => {
    hub = await startTestHub({ 'schedule.powerOnTimeoutSec': 0.5 });
    agent = await startTestAgent(hub.mqttUrl, 'ubnd-son-duong');
    watcher = await testMqttClient(hub.mqttUrl);
    watcher.on('message', (topic, payload) => schedules.set(topic, JSON.parse(payload.toString())));
    await watcher.subscribeAsync('hnth/v1/rooms/+/schedule', { qos: 1 });
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, b?: unknown) =>
    apiRequest(hub.httpUrl, method, path, b);

  test('every room’s schedule is published, retained, when the hub starts', async () => {
    await waitFor('28 schedules', () => schedules.size === 28);
    expect(schedules.get('hnth/v1/rooms/so-y-te/schedule')?.items).toEqual([]);
  });

  test('a meeting is booked: stored with who must be notified, rehearsals planned, schedules republished', async () => {
    const res = await api('POST', '/api/meetings', body());
    expect(res.status).toBe(201);
    const m = res.body as Meeting;
    expect(m).toMatchObject({ hostUnit: 'Văn phòng UBND tỉnh', status: 'scheduled', emergency: null });

    const read = (await getJson(`${hub.httpUrl}/api/meetings/${m.id}`)) as Meeting & {
      notifications: { event: string; recipient: unknown }[];
    };
    expect(read.notifications.map((n) => [n.event, n.recipient])).toEqual([
      ['registered', { kind: 'room-technician', roomId: 'ubnd-tinh' }],
      ['registered', { kind: 'room-technician', roomId: 'ubnd-yen-son' }],
      ['registered', { kind: 'room-technician', roomId: 'ubnd-son-duong' }],
      ['registered', { kind: 'partner', partnerId: 'vnpt-tuyen-quang' }],
      ['registered', { kind: 'partner', partnerId: 'dien-luc-tuyen-quang' }],
    ]);
    expect(hub.schedule.planner.planned().filter((p) => p.meetingId === m.id)).toEqual([
      { meetingId: m.id, slot: 'T-24h', at: new Date(Date.parse(m.start) - 24 * H).toISOString() },
      { meetingId: m.id, slot: 'T-2h', at: new Date(Date.parse(m.start) - 2 * H).toISOString() },
    ]);
    const topic = 'hnth/v1/rooms/ubnd-yen-son/schedule';
    const items = await waitFor('the room’s new schedule', () => {
      const s = schedules.get(topic);
      return s?.items.some((i) => i.id === m.id) && s.items;
    });
    expect(items.map((i) => i.kind)).toEqual(['rehearsal', 'rehearsal', 'meeting']);
    // Art. 13.1c: the title does not leave the hub.
    expect(JSON.stringify(items)).not.toContain('Giao ban');
    expect(schedules.get('hnth/v1/rooms/so-y-te/schedule')?.items).toEqual([]);
  });

  test.each([
    [
      '47 h ahead',
      { start: inHours(47).toISOString(), end: inHours(49).toISOString() },
      'start',
      'notice-48h',
      '8.1',
    ],
    ['end before start', { ...slot(6, 10), end: slot(6, 9).start }, 'end', 'end-after-start', '9.1'],
    ['unknown room', { roomIds: ['ubnd-tinh', 'phong-khong-co'] }, 'roomIds', 'rooms-exist', '2.2'],
    ['host room not participating', { roomIds: ['ubnd-yen-son'] }, 'roomIds', 'host-participates', '10.1'],
    ['kind outside art. 7', { kind: 'party-games' }, 'kind', 'meeting-kind', '7'],
    [
      'emergency reason outside art. 8.2',
      { ...slot(7, 0), emergency: { reason: 'boredom' } },
      'emergency.reason',
      'emergency-reason',
      '8.2',
    ],
  ])('400 for %s, naming the field, the rule and the article', async (_name, patch, field, rule, article) => {
    const res = await api('POST', '/api/meetings', body(patch));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field, rule, article, error: expect.any(String) });
  });

  test.each([
    ['a missing title', { title: undefined }, 'title'],
    ['a time without offset', { start: '2027-01-01 08:00' }, 'start'],
    ['an unknown field', { secret: 1 }, '(body)'],
    ['an empty room list', { roomIds: [] }, 'roomIds'],
  ])('400 for %s, naming the field', async (_name, patch, field) => {
    const res = await api('POST', '/api/meetings', body(patch));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field, rule: 'schema' });
  });

  test('an overlapping booking is 409 with the conflicting meeting', async () => {
    const first = (
      await api('POST', '/api/meetings', body({ ...slot(10, 8), roomIds: ['ubnd-tinh', 'so-y-te'] }))
    ).body as Meeting;
    // Starts 30 min after the first ends: its 60 min of preparation overlap.
    const second = { ...slot(10, 10.5), hostRoomId: 'so-y-te', roomIds: ['so-y-te', 'so-tu-phap'] };
    const res = await api('POST', '/api/meetings', body(second));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      rule: 'no-overlap',
      article: '8.3',
      field: 'roomIds',
      meeting: { id: first.id },
      conflicts: [{ meeting: { id: first.id }, roomIds: ['so-y-te'] }],
    });
    // One hour after the first ends there is room.
    expect((await api('POST', '/api/meetings', body({ ...second, ...slot(10, 11) }))).status).toBe(201);
  });

  test('times with an offset are stored in UTC', async () => {
    const day = slot(60, 0).start.slice(0, 10);
    const res = await api(
      'POST',
      '/api/meetings',
      body({
        start: `${day}T08:00:00+07:00`,
        end: `${day}T10:30:00+07:00`,
        roomIds: ['ubnd-tinh', 'so-ngoai-vu'],
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ start: `${day}T01:00:00.000Z`, end: `${day}T03:30:00.000Z` });
  });

  test('listing by time and room', async () => {
    const m = (
      await api('POST', '/api/meetings', body({ ...slot(20, 3), roomIds: ['ubnd-tinh', 'so-xay-dung'] }))
    ).body as Meeting;
    const q = `from=${encodeURIComponent(slot(20, 0).start)}&to=${encodeURIComponent(slot(21, 0).start)}`;
    expect((await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings?${q}`)).map((x) => x.id)).toEqual([m.id]);
    expect(
      (await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings?${q}&room=so-xay-dung`)).map((x) => x.id),
    ).toEqual([m.id]);
    expect(await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings?${q}&room=so-y-te`)).toEqual([]);
    expect((await api('GET', '/api/meetings?from=yesterday')).body).toMatchObject({ field: 'from' });
    expect((await api('GET', '/api/meetings?room=atlantis')).body).toMatchObject({
      field: 'room',
      rule: 'rooms-exist',
    });
  });

  test('moving a meeting moves its rehearsals; a move into another meeting is 409; unknown is 404', async () => {
    const m = (
      await api('POST', '/api/meetings', body({ ...slot(30, 2), roomIds: ['ubnd-tinh', 'so-gtvt'] }))
    ).body as Meeting;
    const to = slot(31, 2);
    const res = await api('PATCH', `/api/meetings/${m.id}`, to);
    expect(res.status).toBe(200);
    expect(hub.schedule.planner.planned().filter((p) => p.meetingId === m.id)).toEqual([
      { meetingId: m.id, slot: 'T-24h', at: new Date(Date.parse(to.start) - 24 * H).toISOString() },
      { meetingId: m.id, slot: 'T-2h', at: new Date(Date.parse(to.start) - 2 * H).toISOString() },
    ]);
    const other = (await api('POST', '/api/meetings', body({ ...slot(32, 2), roomIds: ['ubnd-tinh'] })))
      .body as Meeting;
    const clash = await api('PATCH', `/api/meetings/${m.id}`, slot(32, 2.5));
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ meeting: { id: other.id } });
    expect((await api('PATCH', `/api/meetings/${m.id}`, {})).body).toMatchObject({
      field: '(body)',
      rule: 'schema',
    });
    expect((await api('PATCH', '/api/meetings/nope', { title: 'x' })).status).toBe(404);
    const notified = await getJson<{ notifications: { event: string }[] }>(
      `${hub.httpUrl}/api/meetings/${m.id}`,
    );
    expect(notified.notifications.filter((n) => n.event === 'changed')).toHaveLength(4);
  });

  test('cancelling a meeting cancels its rehearsals and takes it off the rooms’ schedules', async () => {
    const m = (
      await api('POST', '/api/meetings', body({ ...slot(40, 2), roomIds: ['ubnd-tinh', 'so-khcn'] }))
    ).body as Meeting;
    await waitFor('the meeting on so-khcn', () =>
      schedules.get('hnth/v1/rooms/so-khcn/schedule')?.items.some((i) => i.id === m.id),
    );
    const res = await api('DELETE', `/api/meetings/${m.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: m.id, status: 'cancelled' });
    expect(hub.schedule.planner.planned().filter((p) => p.meetingId === m.id)).toEqual([]);
    await waitFor(
      'so-khcn’s schedule emptied',
      () => schedules.get('hnth/v1/rooms/so-khcn/schedule')?.items.length === 0,
    );
    expect(
      (await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings?room=so-khcn`)).map((x) => x.id),
    ).not.toContain(m.id);
    expect((await api('DELETE', `/api/meetings/${m.id}`)).status).toBe(404);
  });

  test('bookings, changes and cancellations are audited with who made them; the booking names them', async () => {
    const m = (await api('POST', '/api/meetings', body(slot(50, 1)))).body as Meeting;
    expect(m.registeredBy).toBe(TEST_OPERATOR);
    await api('PATCH', `/api/meetings/${m.id}`, { title: 'Giao ban (dời)' });
    await api('DELETE', `/api/meetings/${m.id}`);
    const audit = (await api('GET', '/api/audit?limit=20')).body as {
      actor: string;
      action: string;
      details: { meetingId?: string };
    }[];
    const mine = audit.filter((e) => e.details.meetingId === m.id).map((e) => `${e.actor} ${e.action}`);
    expect(mine.sort()).toEqual(
      ['meeting.book', 'meeting.cancel', 'meeting.change'].map((a) => `${TEST_OPERATOR} ${a}`),
    );
    // The title stays at the hub's meeting table, not in the log (art. 13.1c).
    expect(JSON.stringify(audit)).not.toContain('Giao ban (dời)');
  });

  test('an emergency meeting inside the notice period is booked and its rooms are powered on at once', async () => {
    const start = inHours(3);
    const res = await api(
      'POST',
      '/api/meetings',
      body({
        start: start.toISOString(),
        end: new Date(start.getTime() + H).toISOString(),
        hostRoomId: 'ubnd-son-duong',
        roomIds: ['ubnd-son-duong', 'ubnd-lam-binh'],
        emergency: { reason: 'flood' },
      }),
    );
    expect(res.status).toBe(201);
    const m = res.body as Meeting;
    const powerOn = await waitFor('power-on outcomes', async () => {
      const read = await getJson<{ powerOn: { roomId: string; ok: boolean; error: string | null }[] }>(
        `${hub.httpUrl}/api/meetings/${m.id}`,
      );
      return read.powerOn.length === 2 && read.powerOn;
    });
    // The agent that answers is recorded as such (ok, or refused until it has power control); the
    // room without an agent as a timeout.
    const byRoom = new Map(powerOn.map((p) => [p.roomId, p]));
    expect(byRoom.get('ubnd-son-duong')?.error ?? 'ok').not.toMatch(/timeout/);
    expect(byRoom.get('ubnd-lam-binh')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^timeout/),
    });
    // The T-24h slot was missed: a rehearsal starts at once, with the deadline at T-1h.
    const read = await getJson<{ rehearsals: { slot: string; deadline: string }[] }>(
      `${hub.httpUrl}/api/meetings/${m.id}`,
    );
    expect(read.rehearsals).toEqual([
      expect.objectContaining({ slot: 'T-24h', deadline: new Date(start.getTime() - H).toISOString() }),
    ]);
  });

  test('calendars in iCalendar: all meetings, and one room’s', async () => {
    const m = (
      await api(
        'POST',
        '/api/meetings',
        body({
          ...slot(50, 2),
          title: 'Tập huấn chuyển đổi số',
          kind: 'training',
          roomIds: ['ubnd-tinh', 'so-tnmt'],
        }),
      )
    ).body as Meeting;
    const all = await api('GET', '/api/calendar.ics');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/calendar/);
    const text = all.body as string;
    expect(text).toMatch(/^BEGIN:VCALENDAR/);
    expect(text).toContain(`UID:${m.id}@hnth`);
    expect(text).toContain('SUMMARY:Tập huấn chuyển đổi số');
    expect(text).toContain(`UID:${m.id}-T-2h@hnth`);
    const room = (await api('GET', '/api/rooms/so-tnmt/calendar.ics')).body as string;
    expect(room).toContain(`UID:${m.id}@hnth`);
    expect((await api('GET', '/api/rooms/so-ngoai-vu/calendar.ics')).body as string).not.toContain(
      `UID:${m.id}@hnth`,
    );
    expect((await api('GET', '/api/rooms/atlantis/calendar.ics')).status).toBe(404);
  });
});

describe('the hub restarts between booking and rehearsal', () => {
  test('the rehearsal jobs and the rooms’ schedules are rebuilt from the database', async () => {
    const data = tempDir('hnth-restart-');
    try {
      const first = await startTestHub({ dataDir: data.path });
      const booked = await apiRequest(first.httpUrl, 'POST', '/api/meetings', body(slot(4, 1)));
      expect(booked.status).toBe(201);
      const m = booked.body as Meeting;
      const planned = first.schedule.planner.planned();
      expect(planned.map((p) => [p.meetingId, p.slot])).toEqual([
        [m.id, 'T-24h'],
        [m.id, 'T-2h'],
      ]);
      await first.stop();
      first.removeData();

      const second = await startTestHub({ dataDir: data.path });
      try {
        expect(second.schedule.planner.planned()).toEqual(planned);
        // The embedded broker lost its retained messages with the old hub; the new one republished.
        const watcher = await testMqttClient(second.mqttUrl);
        const seen: ScheduleMessage[] = [];
        watcher.on('message', (_t, payload) => seen.push(JSON.parse(payload.toString())));
        await watcher.subscribeAsync('hnth/v1/rooms/ubnd-yen-son/schedule', { qos: 1 });
        await waitFor('the retained schedule', () => seen.some((s) => s.items.some((i) => i.id === m.id)));
        await watcher.endAsync();
        expect(await getJson(`${second.httpUrl}/api/meetings/${m.id}`)).toMatchObject({
          id: m.id,
          start: m.start,
        });
      } finally {
        await second.stop();
        second.removeData();
      }
    } finally {
      data.remove();
    }
  });
});
