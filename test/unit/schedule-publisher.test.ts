import { describe, expect, test } from '@jest/globals';
import { MeetingsRepo } from '../../hub/schedule/meetings-repo.js';
import { roomSchedule, SchedulePublisher } from '../../hub/schedule/schedule-publisher.js';
import { openDatabase } from '../../hub/store/database.js';
import { decodeMessage } from '../../shared/schemas.js';
import { meetingAt, silentLog } from '../fakes/schedule-fakes.js';
import { scheduleSql } from '../helpers/schedule-sql.js';

const H = 3_600_000;
const now = new Date('2026-12-01T00:00:00.000Z');
const at = (h: number) => new Date(now.getTime() + h * H);
const config = { offsetsH: [24, 2], rehearsalMin: 30 };

describe('a room’s schedule topic', () => {
  test('lists its rehearsals and meetings in time order, times and kinds only', () => {
    const m = meetingAt('m1', at(72), 2, { title: 'Bí mật: kế hoạch phòng chống lũ' });
    const msg = roomSchedule('ubnd-yen-son', [m], now, config);
    expect(msg.items).toEqual([
      {
        id: 'm1:T-24h',
        kind: 'rehearsal',
        start: at(48).toISOString(),
        end: at(48.5).toISOString(),
        emergency: false,
      },
      {
        id: 'm1:T-2h',
        kind: 'rehearsal',
        start: at(70).toISOString(),
        end: at(70.5).toISOString(),
        emergency: false,
      },
      { id: 'm1', kind: 'meeting', start: at(72).toISOString(), end: at(74).toISOString(), emergency: false },
    ]);
    // Art. 13.1c: nothing of the meeting's content leaves the hub.
    expect(JSON.stringify(msg)).not.toMatch(/Bí mật|ubnd-tinh|committee/);
    expect(decodeMessage('schedule', JSON.stringify(msg)).ok).toBe(true);
  });

  test('leaves out other rooms’ meetings, cancelled ones and what has ended', () => {
    const items = roomSchedule(
      'ubnd-yen-son',
      [
        meetingAt('other-room', at(72), 2, { roomIds: ['so-y-te'] }),
        meetingAt('cancelled', at(72), 2, { status: 'cancelled' }),
        meetingAt('soon', at(1), 2, { emergency: { reason: 'flood' } }),
      ],
      now,
      config,
    ).items;
    // The rehearsals of `soon` (at -23 h and -1 h) have ended; the meeting has not.
    expect(items).toEqual([
      { id: 'soon', kind: 'meeting', start: at(1).toISOString(), end: at(3).toISOString(), emergency: true },
    ]);
  });

  test('the publisher sends each room retained on its own topic, an empty schedule too', async () => {
    const db = openDatabase(':memory:');
    const meetings = new MeetingsRepo(scheduleSql(db));
    await meetings.insert(meetingAt('m1', at(72)), []);
    const sent = new Map<string, string>();
    const publisher = new SchedulePublisher({
      meetings,
      publish: async (topic, payload) => {
        sent.set(topic, payload);
      },
      config,
      log: silentLog,
      now: () => now,
    });
    await publisher.publishRooms(['ubnd-yen-son', 'so-y-te', 'ubnd-yen-son']);
    expect([...sent.keys()].sort()).toEqual([
      'hnth/v1/rooms/so-y-te/schedule',
      'hnth/v1/rooms/ubnd-yen-son/schedule',
    ]);
    expect(JSON.parse(sent.get('hnth/v1/rooms/so-y-te/schedule')!).items).toEqual([]);
    expect(JSON.parse(sent.get('hnth/v1/rooms/ubnd-yen-son/schedule')!).items).toHaveLength(3);
    db.close();
  });

  test('a room the broker refuses does not stop the others', async () => {
    const db = openDatabase(':memory:');
    const sent: string[] = [];
    const publisher = new SchedulePublisher({
      meetings: new MeetingsRepo(scheduleSql(db)),
      publish: async (topic) => {
        if (topic.includes('so-y-te')) throw new Error('not connected');
        sent.push(topic);
      },
      config,
      log: silentLog,
      now: () => now,
    });
    await publisher.publishRooms(['so-y-te', 'ubnd-tinh']);
    expect(sent).toEqual(['hnth/v1/rooms/ubnd-tinh/schedule']);
    db.close();
  });
});
