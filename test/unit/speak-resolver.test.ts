import { describe, expect, test } from '@jest/globals';
import { openSession } from '../../hub/speak/speak-queue.js';
import { meetingResolver } from '../../hub/speak/speak-service.js';

const session = (host: string, openedAt: string) => openSession(host, openedAt, 'op');

describe('which speak queue a room’s request goes to (art. 10.1c)', () => {
  const m1 = { hostRoomId: 'ubnd-tinh', roomIds: ['ubnd-tinh', 'ubnd-yen-son', 'ubnd-na-hang'] };
  const sessions = [session('ubnd-tinh', '2027-01-07T01:00:00.000Z')];

  test.each([
    ['a room of the host’s meeting', [m1], 'ubnd-yen-son', 'ubnd-tinh'],
    ['a room not in the host’s meeting: no queue', [m1], 'so-y-te', null],
    ['the host itself', [m1], 'ubnd-tinh', null],
    ['a session with no meeting under way (an ad hoc call): any room', [], 'so-y-te', 'ubnd-tinh'],
  ] as const)('%s', (_name, meetings, roomId, host) => {
    expect(meetingResolver(() => meetings)(roomId, sessions)).toBe(host);
  });

  test('two meetings at once: each room to its own host’s queue', () => {
    const m2 = { hostRoomId: 'so-y-te', roomIds: ['so-y-te', 'so-gtvt'] };
    const both = [...sessions, session('so-y-te', '2027-01-07T01:05:00.000Z')];
    const resolve = meetingResolver(() => [m1, m2]);
    expect(resolve('ubnd-na-hang', both)).toBe('ubnd-tinh');
    expect(resolve('so-gtvt', both)).toBe('so-y-te');
  });
});
