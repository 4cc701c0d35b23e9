/**
 * Art. 13.1c and 11.5 (issue 18, items 7 and 8): a meeting's title reaches the operators and the
 * users of its rooms only, on the API, the live socket and the calendars; each user's secret
 * calendar address is read without a session by a calendar program, in the province's time zone,
 * and can be revoked. An independent parser (Python's icalendar, Debian's python3-icalendar) reads
 * what the hub writes.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningHub } from '../../hub/hub.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { apiRequest, liveClient, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const IN = 'so-tnmt';
const OUT = 'so-ngoai-vu';
const TITLE = 'Họp về kế hoạch phòng chống lũ (MẬT)';

/** What an independent iCalendar reader makes of the text: each event's summary and local start. */
function parseIcs(text: string): { summary: string; start: string; tz: string }[] {
  const script = `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = []
for e in cal.walk('VEVENT'):
    start = e.decoded('DTSTART')
    out.append({'summary': str(e.get('SUMMARY')), 'start': start.strftime('%Y-%m-%d %H:%M'), 'tz': str(e.get('DTSTART').params.get('TZID'))})
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: text }).toString());
}

describe('meeting titles and calendars', () => {
  let hub: RunningHub & { removeData(): void };
  let meeting: Meeting;
  const as = (roomId: string) => ({ as: { role: 'technician' as const, roomId } });

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
  });

  test('a technician of a room in the meeting reads its title; one of another room, only that there is one', async () => {
    const outside = await liveClient(hub.httpUrl, { role: 'technician', roomId: OUT });
    const inside = await liveClient(hub.httpUrl, { role: 'technician', roomId: IN });
    const start = new Date(Date.now() + 72 * 3_600_000);
    start.setUTCMinutes(0, 0, 0);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: TITLE,
      kind: 'committee',
      hostRoomId: 'ubnd-tinh',
      roomIds: ['ubnd-tinh', IN],
      start: start.toISOString(),
      end: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
      emergency: null,
    });
    expect(booked.status).toBe(201);
    meeting = booked.body as Meeting;
    const list = async (room: string) =>
      ((await apiRequest(hub.httpUrl, 'GET', '/api/meetings', undefined, as(room))).body as Meeting[]).find(
        (m) => m.id === meeting.id,
      );
    expect((await list(IN))?.title).toBe(TITLE);
    expect(await list(OUT)).toMatchObject({ id: meeting.id, title: null, roomIds: ['ubnd-tinh', IN] });
    const one = await apiRequest(hub.httpUrl, 'GET', `/api/meetings/${meeting.id}`, undefined, as(OUT));
    expect(one.body).toMatchObject({ title: null });
    // The live socket says the same, each reader their own.
    const bookedOn = async (c: Awaited<ReturnType<typeof liveClient>>) =>
      waitFor('the booking on /ws', () =>
        c.messages.find((m) => m.type === 'meeting' && (m.meeting as Meeting).id === meeting.id),
      );
    expect(((await bookedOn(inside)).meeting as Meeting).title).toBe(TITLE);
    expect(((await bookedOn(outside)).meeting as Meeting).title).toBeNull();
    inside.close();
    outside.close();
    // A room's calendar read by someone outside the meeting: "Cuộc họp", its time and place.
    const ics = await apiRequest(hub.httpUrl, 'GET', `/api/rooms/${IN}/calendar.ics`, undefined, as(OUT));
    const events = parseIcs(ics.body as string);
    expect(events.map((e) => e.summary)).toContain('Cuộc họp');
    expect(ics.body as string).not.toContain('MẬT');
  });

  test('a secret calendar address works without a session, in Asia/Ho_Chi_Minh, and stops when revoked', async () => {
    const made = await apiRequest(hub.httpUrl, 'POST', '/api/calendar/subscription', {}, as(IN));
    expect(made.status).toBe(201);
    const { url } = made.body as { url: string };
    expect(url).toMatch(/^\/api\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
    const feed = await fetch(`${hub.httpUrl}${url}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    const events = parseIcs(await feed.text());
    const local = new Date(Date.parse(meeting.start) + 7 * 3_600_000)
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ');
    expect(events).toContainEqual({ summary: TITLE, start: local, tz: 'Asia/Ho_Chi_Minh' });
    // Booked 72 h ahead: both rehearsals are after the booking, so both are in the calendar.
    expect(events.filter((e) => e.summary.startsWith('Chạy thử'))).toHaveLength(2);

    const again = await apiRequest(hub.httpUrl, 'POST', '/api/calendar/subscription', {}, as(IN));
    expect((await fetch(`${hub.httpUrl}${url}`)).status).toBe(404);
    const newUrl = (again.body as { url: string }).url;
    expect((await fetch(`${hub.httpUrl}${newUrl}`)).status).toBe(200);
    const revoked = await apiRequest(hub.httpUrl, 'DELETE', '/api/calendar/subscription', undefined, as(IN));
    expect(revoked.status).toBe(204);
    expect((await fetch(`${hub.httpUrl}${newUrl}`)).status).toBe(404);
    expect((await fetch(`${hub.httpUrl}/api/calendar/feed/not-a-token.ics`)).status).toBe(404);
  });

  test('an emergency booked three hours ahead has no rehearsal before its booking in the calendar', async () => {
    const start = new Date(Date.now() + 3 * 3_600_000);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Ứng phó sạt lở',
      kind: 'committee',
      hostRoomId: 'ubnd-tinh',
      roomIds: ['ubnd-tinh', IN],
      start: start.toISOString(),
      end: new Date(start.getTime() + 3_600_000).toISOString(),
      emergency: { reason: 'disaster' },
    });
    expect(booked.status).toBe(201);
    const id = (booked.body as Meeting).id;
    const text = (await apiRequest(hub.httpUrl, 'GET', '/api/calendar.ics')).body as string;
    expect(text).toContain(`UID:${id}-T-2h@hnth`);
    expect(text).not.toContain(`UID:${id}-T-24h@hnth`);
  });
});
