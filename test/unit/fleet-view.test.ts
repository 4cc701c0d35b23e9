/**
 * The fleet page's pure parts: each room's next meeting or rehearsal, finding a room by name without
 * accents, the worst-first order of the wall display, and the stated detection times held to the
 * benchmark's measured figures (bench/results.md) and to the agent's default intervals.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { loadAgentConfig } from '../../agent/config.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { Level } from '../../hub/readiness.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { detectionTimes } from '../../hub/web/src/detection-times.js';
import { fold, matchesName, sortRooms } from '../../hub/web/src/fleet-order.js';
import { nextItems } from '../../hub/web/src/next-item.js';

const meeting = (id: string, roomIds: string[], start: string, end: string): Meeting => ({
  id,
  title: `Họp ${id}`,
  kind: 'committee',
  hostUnit: 'UBND tỉnh',
  hostRoomId: roomIds[0]!,
  roomIds,
  start,
  end,
  emergency: null,
  registeredBy: null,
  registeredAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  status: 'scheduled',
});

describe('each room’s next item', () => {
  const now = new Date('2026-12-10T02:00:00Z');
  const m1 = meeting('m1', ['a', 'b'], '2026-12-12T01:00:00Z', '2026-12-12T04:00:00Z');
  const m2 = meeting('m2', ['b', 'c'], '2026-12-10T01:30:00Z', '2026-12-10T03:00:00Z');
  const past = meeting('m0', ['d'], '2026-12-09T01:00:00Z', '2026-12-09T02:00:00Z');
  const planned = [
    { meetingId: 'm1', slot: 'T-24h', at: '2026-12-11T01:00:00Z' },
    { meetingId: 'm1', slot: 'T-2h', at: '2026-12-11T23:00:00Z' },
  ];

  test('a meeting under way first, then the earliest rehearsal or meeting; past ones never', () => {
    const next = nextItems([m1, m2, past], planned, now);
    expect(next.get('b')).toMatchObject({
      kind: 'meeting',
      meetingId: 'm2',
      inProgress: true,
      until: m2.end,
    });
    expect(next.get('a')).toMatchObject({
      kind: 'rehearsal',
      meetingId: 'm1',
      slot: 'T-24h',
      at: planned[0]!.at,
    });
    expect(next.get('c')).toMatchObject({ meetingId: 'm2', inProgress: true });
    expect(next.has('d')).toBe(false);
  });

  test('a cancelled meeting and a rehearsal already due are left out', () => {
    const cancelled = { ...m1, status: 'cancelled' as const };
    expect(nextItems([cancelled], planned, now).size).toBe(0);
    const later = new Date('2026-12-11T12:00:00Z');
    expect(nextItems([m1], planned, later).get('a')).toMatchObject({ slot: 'T-2h' });
  });
});

describe('finding a room by name', () => {
  const room = { id: 'ubnd-lam-binh', name: 'UBND huyện Lâm Bình', nameEn: 'Lam Binh District' };
  test.each([
    ['lam binh', true],
    ['Lâm Bình', true],
    ['LAM', true],
    ['district', true],
    ['', true],
    ['na hang', false],
  ])('%j matches: %s', (query, found) => {
    expect(matchesName(room, query)).toBe(found);
  });

  test('đ is d', () => {
    expect(fold('Đồng Văn đường')).toBe('dong van duong');
  });
});

describe('worst first', () => {
  const view = (id: string, no: number, level: Level): RoomView =>
    ({ id, no, name: id, readiness: { level } }) as unknown as RoomView;
  test('a known fault, then a room not heard from, then degraded, then ready; a sooner meeting first among equals', () => {
    const rooms = [
      view('ready', 1, 'READY'),
      view('offline', 2, 'OFFLINE'),
      view('degraded', 3, 'DEGRADED'),
      view('fault-later', 4, 'NOT_READY'),
      view('fault-sooner', 5, 'NOT_READY'),
    ];
    const next = new Map([
      [
        'fault-sooner',
        {
          kind: 'meeting' as const,
          at: '2026-12-10T01:00:00Z',
          inProgress: false,
          meetingId: 'm',
          title: 'm',
        },
      ],
    ]);
    expect(sortRooms(rooms, 'worst', next).map((r) => r.id)).toEqual([
      'fault-sooner',
      'fault-later',
      'offline',
      'degraded',
      'ready',
    ]);
  });
});

describe('stated detection times', () => {
  const results = readFileSync(new URL('../../bench/results.md', import.meta.url), 'utf8').split('\n');

  test.each(detectionTimes.filter((d) => d.measured).map((d) => [d.signal, d] as const))(
    '%s: the figure is the benchmark’s',
    (_signal, d) => {
      const rows = results.filter((line) => line.startsWith(`| ${d.measured!.row}`));
      expect(rows.some((line) => line.includes(d.measured!.figure))).toBe(true);
      const [value, unit] = d.measured!.figure.split(' ');
      expect(d.seconds).toBeCloseTo(Number(value) / (unit === 'ms' ? 1000 : 1), 6);
    },
  );

  test('the unmeasured ones follow the agent’s default intervals', () => {
    const config = loadAgentConfig({ env: {}, args: ['--room', 'tinh-uy', '--simulate'] });
    const codec = detectionTimes.find((d) => d.signal === 'codec')!.bound!;
    expect(codec.probeSec).toBe(config.probes.codec.intervalSec);
    expect(codec.telemetrySec).toBe(config.telemetryIntervalSec);
    const link = detectionTimes.find((d) => d.signal === 'link')!;
    expect(link.bound).toEqual({
      probeSec: config.probes.link.intervalSec,
      samples: config.probes.link.raiseAfter,
      telemetrySec: config.telemetryIntervalSec,
    });
    for (const d of detectionTimes.filter((x) => x.bound))
      expect(d.seconds).toBe(d.bound!.probeSec * d.bound!.samples + d.bound!.telemetrySec);
  });
});
