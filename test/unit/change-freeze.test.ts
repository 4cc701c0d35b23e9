import { describe, expect, test } from '@jest/globals';
import { freezeOf } from '../../hub/schedule/change-freeze.js';
import { meetingAt } from '../fakes/schedule-fakes.js';

const start = new Date('2026-12-03T01:00:00.000Z'); // Thu 08:00 in Hà Nội
const m1 = meetingAt('m1', start, 3);
const config = { warmUpMin: 30, offsetsH: [24, 2], rehearsalMin: 30 };
const at = (iso: string) => new Date(iso);

describe('the change freeze of a room (hub side, named)', () => {
  test.each([
    ['before the T-24h rehearsal’s warm-up', '2026-12-02T00:29:00.000Z', null],
    ['in the T-24h rehearsal’s warm-up', '2026-12-02T00:30:00.000Z', 'T-24h'],
    ['during the T-24h rehearsal', '2026-12-02T01:20:00.000Z', 'T-24h'],
    ['between the rehearsals', '2026-12-02T12:00:00.000Z', null],
    ['during the T-2h rehearsal', '2026-12-02T23:10:00.000Z', 'T-2h'],
    ['between T-2h and the warm-up', '2026-12-03T00:00:00.000Z', null],
    ['in the meeting’s warm-up', '2026-12-03T00:30:00.000Z', 'meeting'],
    ['during the meeting', '2026-12-03T03:59:00.000Z', 'meeting'],
    ['after the meeting', '2026-12-03T04:00:00.000Z', null],
  ])('%s', (_name, now, window) => {
    expect(freezeOf('ubnd-tinh', [m1], at(now), config)?.window ?? null).toBe(window);
  });

  test('names the meeting and the window’s times; another room is not frozen', () => {
    expect(freezeOf('ubnd-tinh', [m1], at('2026-12-03T00:45:00.000Z'), config)).toEqual({
      meetingId: 'm1',
      title: 'meeting m1',
      window: 'meeting',
      from: '2026-12-03T00:30:00.000Z',
      to: '2026-12-03T04:00:00.000Z',
    });
    expect(freezeOf('so-y-te', [m1], at('2026-12-03T00:45:00.000Z'), config)).toBeNull();
  });

  test('an emergency meeting freezes its rooms from its booking', () => {
    const e1 = meetingAt('e1', start, 1, {
      emergency: { reason: 'flood' },
      registeredAt: '2026-12-02T20:00:00.000Z',
    });
    expect(freezeOf('ubnd-tinh', [e1], at('2026-12-02T20:05:00.000Z'), config)).toMatchObject({
      window: 'meeting',
      from: '2026-12-02T20:00:00.000Z',
    });
  });

  test('a cancelled meeting freezes nothing', () => {
    expect(
      freezeOf('ubnd-tinh', [{ ...m1, status: 'cancelled' }], at('2026-12-03T01:00:00.000Z'), config),
    ).toBeNull();
  });
});
