import { describe, expect, test } from '@jest/globals';
import {
  checkMeeting,
  type Meeting,
  type MeetingDraft,
  type RuleContext,
} from '../../hub/schedule/meeting-rules.js';
import { builtInFleet } from '../../shared/fleet.js';

const now = new Date('2026-12-01T00:00:00.000Z');
const H = 3_600_000;
const at = (hours: number) => new Date(now.getTime() + hours * H);
const config = { noticeHours: 48, prepMinutes: 60 };

function draft(patch: Partial<MeetingDraft> = {}): MeetingDraft {
  return {
    title: 'Giao ban',
    kind: 'committee',
    hostRoomId: 'ubnd-tinh',
    roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
    start: at(72),
    end: at(74),
    emergency: null,
    ...patch,
  };
}

function stored(id: string, startH: number, endH: number, roomIds: string[]): Meeting {
  return {
    id,
    title: 'other',
    kind: 'council',
    hostUnit: 'x',
    hostRoomId: roomIds[0]!,
    roomIds,
    start: at(startH).toISOString(),
    end: at(endH).toISOString(),
    emergency: null,
    registeredBy: null,
    registeredAt: now.toISOString(),
    updatedAt: now.toISOString(),
    status: 'scheduled',
  };
}

function ctx(patch: Partial<RuleContext> = {}): RuleContext {
  return { now, others: [], roomExists: (id) => builtInFleet.has(id), config, ...patch };
}

describe('notice rule (art. 8.1) and its emergency exemption (art. 8.2)', () => {
  test.each([
    ['exactly 48 h ahead', 48, null, null],
    ['one millisecond short of 48 h', 48 - 1 / H, null, 'notice-48h'],
    ['47 h ahead', 47, null, 'notice-48h'],
    ['72 h ahead', 72, null, null],
    ['2 h ahead, emergency flood', 2, { reason: 'flood' as const }, null],
    ['10 minutes ahead, emergency fire', 1 / 6, { reason: 'fire' as const }, null],
    ['in the past, even as an emergency', -1, { reason: 'storm' as const }, 'start-in-future'],
  ])('%s', (_name, startH, emergency, rule) => {
    const v = checkMeeting(draft({ start: at(startH), end: at(startH + 2), emergency }), ctx());
    expect(v?.rule ?? null).toBe(rule);
    if (v) expect(v.article).toBe('8.1');
  });

  test('the notice error says how far away the start is and how to claim the exemption', () => {
    const v = checkMeeting(draft({ start: at(47), end: at(49) }), ctx());
    expect(v).toMatchObject({ rule: 'notice-48h', article: '8.1', field: 'start' });
    expect(v?.error).toMatch(/47 h away.*48 h notice.*emergency/);
  });

  const previous = { ...stored('m1', 30, 32, ['ubnd-tinh', 'ubnd-yen-son']), hostRoomId: 'ubnd-tinh' };
  test.each([
    ['title only, 30 h ahead', { title: 'new title' }, null],
    ['start moved within the notice period', { start: at(31), end: at(33) }, 'notice-48h'],
    [
      'a room added within the notice period',
      { roomIds: ['ubnd-tinh', 'ubnd-yen-son', 'so-y-te'] },
      'notice-48h',
    ],
    ['a room removed', { roomIds: ['ubnd-tinh'] }, null],
  ])('update: %s', (_name, patch, rule) => {
    const d = draft({ start: at(30), end: at(32), ...patch });
    expect(checkMeeting(d, ctx({ previous }))?.rule ?? null).toBe(rule);
  });

  test('an emergency meeting turned ordinary inside the notice period breaks the rule', () => {
    const prev = { ...previous, emergency: { reason: 'flood' as const } };
    expect(checkMeeting(draft({ start: at(30), end: at(32) }), ctx({ previous: prev }))?.rule).toBe(
      'notice-48h',
    );
  });
});

describe('no room in two overlapping meetings, counting preparation (art. 8.3)', () => {
  // The draft holds its rooms from 71 h (60 min of preparation) to 74 h.
  test.each([
    ['other ends exactly when the draft’s preparation begins (touching)', 69, 71, null],
    ['other ends inside the draft’s preparation', 69, 71.5, 'no-overlap'],
    ['other ends exactly at the draft’s start (preparation overlap)', 70, 72, 'no-overlap'],
    ['other during the draft', 72.5, 73, 'no-overlap'],
    ['other’s preparation starts exactly at the draft’s end (touching)', 75, 76, null],
    ['other starts at the draft’s end, its preparation overlaps', 74, 76, 'no-overlap'],
    ['far apart', 100, 102, null],
  ])('%s', (_name, startH, endH, rule) => {
    const other = stored('m-other', startH, endH, ['ubnd-yen-son', 'so-y-te']);
    const v = checkMeeting(draft(), ctx({ others: [other] }));
    expect(v?.rule ?? null).toBe(rule);
    if (v?.rule === 'no-overlap') {
      expect(v.article).toBe('8.3');
      expect(v.conflicts).toEqual([{ meeting: other, roomIds: ['ubnd-yen-son'] }]);
      expect(v.error).toContain('m-other');
    }
  });

  test.each([
    ['different rooms at the same time', ['so-y-te', 'so-tu-phap'], 'scheduled', null],
    ['a cancelled meeting in the same room', ['ubnd-yen-son'], 'cancelled', null],
    ['an emergency is still bound by overlaps', ['ubnd-yen-son'], 'scheduled', 'no-overlap'],
  ] as const)('%s', (_name, rooms, status, rule) => {
    const other = { ...stored('m-2', 72, 73, [...rooms]), status };
    const v = checkMeeting(draft({ emergency: { reason: 'flood' } }), ctx({ others: [other] }));
    expect(v?.rule ?? null).toBe(rule);
  });

  test('every conflicting meeting is listed', () => {
    const a = stored('m-a', 72, 73, ['ubnd-tinh']);
    const b = stored('m-b', 73, 74, ['ubnd-yen-son']);
    const v = checkMeeting(draft(), ctx({ others: [a, b] }));
    expect(v?.rule === 'no-overlap' && v.conflicts.map((c) => c.meeting.id)).toEqual(['m-a', 'm-b']);
  });

  test('with no preparation time, touching meetings do not conflict', () => {
    const other = stored('m-3', 70, 72, ['ubnd-yen-son']);
    const v = checkMeeting(draft(), ctx({ others: [other], config: { ...config, prepMinutes: 0 } }));
    expect(v).toBeNull();
  });
});

describe('shape rules', () => {
  test.each([
    ['end before start', { end: at(71) }, 'end-after-start', 'end', '9.1'],
    ['end equal to start', { end: at(72) }, 'end-after-start', 'end', '9.1'],
    ['unknown host room', { hostRoomId: 'nowhere' }, 'rooms-exist', 'hostRoomId', '2.2'],
    ['unknown participant', { roomIds: ['ubnd-tinh', 'nowhere'] }, 'rooms-exist', 'roomIds', '2.2'],
    ['host not participating', { roomIds: ['ubnd-yen-son'] }, 'host-participates', 'roomIds', '10.1'],
  ] as const)('%s', (_name, patch, rule, field, article) => {
    const v = checkMeeting(draft(patch as Partial<MeetingDraft>), ctx());
    expect(v).toMatchObject({ rule, field, article });
    expect(v?.error).toContain(`art. ${article}`);
  });
});
