import { describe, expect, test } from '@jest/globals';
import type { Actor } from '../../hub/api/actor.js';
import {
  act,
  cancelFloor,
  mayAct,
  openSession,
  outlived,
  queue,
  requestFloor,
  roomState,
  type SpeakSession,
} from '../../hub/speak/speak-queue.js';

const at = (min: number) => new Date(Date.UTC(2026, 10, 30, 2, min)).toISOString();

function sessionWith(...roomIds: string[]): SpeakSession {
  let s = openSession('ubnd-tinh', at(0));
  roomIds.forEach((roomId, i) => {
    const o = requestFloor(s, roomId, at(i + 1), String(i + 1));
    if (!o.ok) throw new Error(o.error);
    s = o.session;
  });
  return s;
}

describe('speak queue: order', () => {
  test('requests queue in the order they came, with each room told its position', () => {
    const s = sessionWith('ubnd-na-hang', 'so-y-te', 'ubnd-yen-son');
    expect(queue(s).map((r) => r.roomId)).toEqual(['ubnd-na-hang', 'so-y-te', 'ubnd-yen-son']);
    expect(roomState(s, 'so-y-te')).toEqual({ state: 'waiting', position: 2, hostRoomId: 'ubnd-tinh' });
    expect(roomState(s, 'so-tttt')).toEqual({ state: 'idle' });
  });

  test('asking again while waiting keeps the place in the queue', () => {
    const s = sessionWith('ubnd-na-hang', 'so-y-te');
    const again = requestFloor(s, 'ubnd-na-hang', at(9), '99');
    expect(again.ok && again.session).toBe(s);
    expect(again.ok && again.request.id).toBe('1');
  });

  test('granting puts the room first and moves everyone up; granting the next ends the previous turn', () => {
    let s = sessionWith('ubnd-na-hang', 'so-y-te', 'ubnd-yen-son');
    const g = act(s, '2', 'grant', at(10));
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    s = g.session;
    expect(queue(s).map((r) => `${r.roomId}:${r.state}`)).toEqual([
      'so-y-te:granted',
      'ubnd-na-hang:waiting',
      'ubnd-yen-son:waiting',
    ]);
    expect(roomState(s, 'ubnd-yen-son')).toMatchObject({ state: 'waiting', position: 2 });
    const g2 = act(s, '1', 'grant', at(12));
    if (!g2.ok) throw new Error(g2.error);
    expect(g2.session.requests.find((r) => r.id === '2')).toMatchObject({
      state: 'finished',
      grantedAt: at(10),
      endedAt: at(12),
    });
    expect(g2.request).toMatchObject({ state: 'granted', grantedAt: at(12), endedAt: null });
    expect(roomState(g2.session, 'ubnd-yen-son')).toMatchObject({ state: 'waiting', position: 1 });
  });

  test('finish, dismiss and cancel take requests out of the queue; a finished room may ask again', () => {
    let s = sessionWith('ubnd-na-hang', 'so-y-te', 'ubnd-yen-son');
    for (const [id, action] of [
      ['1', 'grant'],
      ['1', 'finish'],
      ['2', 'dismiss'],
    ] as const) {
      const o = act(s, id, action, at(20));
      if (!o.ok) throw new Error(o.error);
      s = o.session;
    }
    const c = cancelFloor(s, 'ubnd-yen-son', at(21));
    if (!c.ok) throw new Error(c.error);
    s = c.session;
    expect(queue(s)).toEqual([]);
    expect(s.requests.map((r) => r.state)).toEqual(['finished', 'dismissed', 'cancelled']);
    const again = requestFloor(s, 'ubnd-na-hang', at(22), '4');
    expect(again.ok && again.request.order).toBe(4);
  });

  test('the order keeps rising when the ended requests are gone, as in a restored session', () => {
    const s = sessionWith('ubnd-na-hang', 'so-y-te', 'ubnd-yen-son');
    const restored: SpeakSession = { ...s, requests: s.requests.filter((r) => r.roomId === 'so-y-te') };
    const next = requestFloor(restored, 'so-tttt', at(9), '4');
    expect(next.ok && [next.request.order, next.session.lastOrder]).toEqual([4, 4]);
    expect(next.ok && roomState(next.session, 'so-tttt')).toMatchObject({ state: 'waiting', position: 2 });
  });

  test.each([
    ['1', 'finish', 'bad-state'],
    ['9', 'grant', 'not-found'],
  ] as const)('request %s %s is refused as %s', (id, action, code) => {
    expect(act(sessionWith('ubnd-na-hang'), id, action, at(5))).toMatchObject({ ok: false, code });
  });

  test('the host room does not queue in its own meeting', () => {
    expect(requestFloor(openSession('ubnd-tinh', at(0)), 'ubnd-tinh', at(1), '1')).toMatchObject({
      ok: false,
      code: 'host-room',
    });
  });
});

describe('speak queue: who may decide', () => {
  const op: Actor = { role: 'operator', name: 'A' };
  const tech = (roomId: string): Actor => ({ role: 'technician', roomId, name: 'T' });
  test.each([
    ['an operator', op, 'ubnd-na-hang', true],
    ['the host room technician', tech('ubnd-tinh'), 'ubnd-na-hang', true],
    ['another room technician', tech('so-y-te'), 'ubnd-na-hang', false],
    ['the asking room itself (a room cannot grant itself)', tech('ubnd-na-hang'), 'ubnd-na-hang', false],
    ['nobody signed in', null, 'ubnd-na-hang', false],
  ] as const)('%s: %s', (_name, actor, requestRoom, allowed) => {
    expect(mayAct(actor, 'ubnd-tinh', requestRoom)).toBe(allowed);
  });
});

describe('speak queue: which sessions a restarted hub brings back', () => {
  const opened = new Date(Date.UTC(2026, 10, 30, 1, 0));
  const hours = (h: number) => new Date(opened.getTime() + h * 3600_000);
  test.each([
    ['a minute later, mid-meeting', false, hours(1 / 60)],
    ['a long day later, just under 24 h', false, hours(23.9)],
    ['exactly 24 h later', false, hours(24)],
    ['the next day, left open overnight', true, hours(24.1)],
    ['a week later', true, hours(24 * 7)],
  ] as const)('%s: closed %p', (_name, closed, now) => {
    expect(outlived(openSession('ubnd-tinh', opened.toISOString(), 'op'), now)).toBe(closed);
  });
});
