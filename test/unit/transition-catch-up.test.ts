/**
 * Which rooms a hub taking over a group's readiness history writes as of now: those heard of whose
 * level, power state or reasons differ from their last stored transition.
 */
import { describe, expect, test } from '@jest/globals';
import { catchUpTransitions, transitionOf } from '../../hub/ingest/transition-catch-up.js';
import type { Level, PowerStateView, Readiness } from '../../hub/readiness.js';
import type { StoredTransition } from '../../hub/store/store.js';

const at = new Date('2026-12-06T10:00:00.000Z');
const before = '2026-12-06T09:00:00.000Z';

const readiness = (level: Level, power: PowerStateView, reasons: string[] = []): Readiness => ({
  level,
  power: { state: power, decision: null },
  reasons,
  causes: [],
});
const stored = (
  roomId: string,
  level: StoredTransition['level'],
  power: StoredTransition['power'],
  reasons: string[] = [],
): StoredTransition => ({ roomId, level, power, reasons, at: before });

describe('a room as stored', () => {
  test('is its level, power state and reasons at the given time', () => {
    expect(
      transitionOf({ id: 'tinh-uy', readiness: readiness('DEGRADED', 'off', ['độ ẩm 81 %']) }, at),
    ).toEqual({
      roomId: 'tinh-uy',
      level: 'DEGRADED',
      power: 'off',
      reasons: ['độ ẩm 81 %'],
      at: at.toISOString(),
    });
  });
});

describe('the catch-up of the stored history', () => {
  const READY_ON = readiness('READY', 'on');
  const cases: {
    name: string;
    now: Readiness;
    last: StoredTransition | null;
    /** Never heard of (its lastSeen null); heard of by default. */
    neverSeen?: boolean;
    written: boolean;
  }[] = [
    { name: 'the same state as stored', now: READY_ON, last: stored('r', 'READY', 'on'), written: false },
    { name: 'another level', now: READY_ON, last: stored('r', 'NOT_READY', 'on'), written: true },
    { name: 'another power state', now: READY_ON, last: stored('r', 'READY', 'warming-up'), written: true },
    {
      name: 'other reasons',
      now: readiness('DEGRADED', 'on', ['loss 4 % to MCU']),
      last: stored('r', 'DEGRADED', 'on', ['humidity 81 %']),
      written: true,
    },
    {
      name: 'one reason more',
      now: readiness('DEGRADED', 'on', ['loss 4 % to MCU', 'humidity 81 %']),
      last: stored('r', 'DEGRADED', 'on', ['loss 4 % to MCU']),
      written: true,
    },
    {
      name: 'the same reasons in another order',
      now: readiness('DEGRADED', 'on', ['humidity 81 %', 'loss 4 % to MCU']),
      last: stored('r', 'DEGRADED', 'on', ['loss 4 % to MCU', 'humidity 81 %']),
      written: true,
    },
    {
      name: 'a row from before power was kept',
      now: READY_ON,
      last: stored('r', 'READY', null),
      written: true,
    },
    {
      name: 'a row from before health and power were apart',
      now: readiness('READY', 'off'),
      last: stored('r', 'POWERED_OFF', null),
      written: true,
    },
    { name: 'nothing stored yet', now: READY_ON, last: null, written: true },
    {
      name: 'last heard before this hub started and not since, stored ready',
      now: readiness('OFFLINE', 'unknown', ['offline, last seen 2026-12-06T08:00:00.000Z']),
      last: stored('r', 'READY', 'on'),
      written: true,
    },
    {
      name: 'never heard of, stored ready: left as stored',
      now: readiness('OFFLINE', 'unknown', ['never seen online']),
      last: stored('r', 'READY', 'on'),
      neverSeen: true,
      written: false,
    },
    {
      name: 'never heard of, nothing stored (unknown in the history, not offline)',
      now: readiness('OFFLINE', 'unknown', ['never seen online']),
      last: null,
      neverSeen: true,
      written: false,
    },
  ];
  test.each(cases)('$name: written $written', ({ now, last, neverSeen = false, written }) => {
    const room = { id: 'r', readiness: now, lastSeen: neverSeen ? null : before };
    expect(catchUpTransitions([room], last ? [last] : [], at)).toEqual(
      written ? [transitionOf(room, at)] : [],
    );
  });

  test('takes each room with its own last transition, in the fleet’s order', () => {
    const rooms = [
      { id: 'a', readiness: readiness('READY', 'on') },
      {
        id: 'b',
        readiness: readiness('OFFLINE', 'unknown', ['offline, last seen 2026-12-06T09:30:00.000Z']),
      },
      { id: 'c', readiness: readiness('READY', 'off') },
      { id: 'd', readiness: readiness('NOT_READY', 'on', ['codec unreachable']) },
    ].map((room) => ({ ...room, lastSeen: before }));
    const last = [
      stored('d', 'READY', 'on'),
      stored('c', 'READY', 'off'),
      stored('b', 'READY', 'on'),
      stored('a', 'READY', 'on'),
    ];
    expect(catchUpTransitions(rooms, last, at)).toEqual([
      transitionOf(rooms[1]!, at),
      transitionOf(rooms[3]!, at),
    ]);
  });
});
