import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  desiredPower,
  nextScheduledUse,
  type PolicyConfig,
  type PolicyInput,
  type ScheduleItem,
} from '../../agent/power/idle-policy.js';

const MIN = 60_000;
const now = new Date('2026-12-01T01:00:00.000Z'); // 08:00 in Hà Nội
const at = (min: number) => new Date(now.getTime() + min * MIN);
const iso = (min: number) => at(min).toISOString();
const config: PolicyConfig = { warmUpMin: 30, quietMin: 30, scheduleMaxAgeH: 24, upsShutdownPct: 20 };

function item(startMin: number, endMin: number, extra: Partial<ScheduleItem> = {}): ScheduleItem {
  return {
    id: `m${startMin}`,
    kind: 'meeting',
    start: iso(startMin),
    end: iso(endMin),
    emergency: false,
    ...extra,
  };
}

const base: PolicyInput = {
  now,
  current: 'on',
  items: [],
  callActive: false,
  override: null,
  mains: true,
  upsChargePct: 100,
  lastActivity: at(-60),
  clockSynced: true,
  scheduleConfirmedAt: now,
  begun: new Set(),
};

describe('idle policy', () => {
  test.each<[string, Partial<PolicyInput>, 'on' | 'off', string]>([
    ['nothing scheduled, idle for an hour', {}, 'off', 'idle'],
    ['nothing scheduled, quiet for 10 min: kept on', { lastActivity: at(-10) }, 'on', 'hold'],
    [
      'quiet for 10 min after a power-off: kept off',
      { lastActivity: at(-10), current: 'off' },
      'off',
      'hold',
    ],
    ['just started, state unknown: on', { lastActivity: now, current: 'unknown' }, 'on', 'hold'],
    ['meeting soon, within the warm-up', { items: [item(20, 120)], current: 'off' }, 'on', 'scheduled'],
    ['meeting at the exact warm-up start', { items: [item(30, 120)], current: 'off' }, 'on', 'scheduled'],
    ['meeting later, before its warm-up', { items: [item(45, 120)] }, 'off', 'idle'],
    [
      'meeting before its warm-up but already begun (the clock jumped back): kept on',
      { items: [item(45, 120)], begun: new Set([`m${45}`]) },
      'on',
      'scheduled',
    ],
    [
      'a begun meeting that has ended keeps nothing on',
      { items: [item(-120, -70)], begun: new Set([`m${-120}`]) },
      'off',
      'idle',
    ],
    ['meeting now', { items: [item(-30, 60)], current: 'off' }, 'on', 'scheduled'],
    ['rehearsal now', { items: [item(-5, 25, { kind: 'rehearsal' })] }, 'on', 'scheduled'],
    ['inspection soon', { items: [item(10, 40, { kind: 'inspection' })] }, 'on', 'scheduled'],
    ['call running past the booked end', { items: [item(-120, -10)], callActive: true }, 'on', 'call'],
    [
      'call ended 5 min ago, past the booked end',
      { items: [item(-120, -40)], lastActivity: at(-5) },
      'on',
      'hold',
    ],
    ['meeting ended 10 min ago', { items: [item(-120, -10)] }, 'on', 'hold'],
    ['meeting ended 31 min ago', { items: [item(-120, -31)] }, 'off', 'idle'],
    [
      'override off during a meeting',
      { items: [item(-30, 60)], override: { state: 'off', until: at(60), reason: 'repair' } },
      'off',
      'override',
    ],
    [
      'override on with nothing scheduled',
      { current: 'off', override: { state: 'on', until: at(60), reason: 'training' } },
      'on',
      'override',
    ],
    ['override expired', { override: { state: 'on', until: now, reason: 'training' } }, 'off', 'idle'],
    [
      'override off during a call',
      { callActive: true, override: { state: 'off', until: at(60), reason: 'repair' } },
      'on',
      'call',
    ],
    [
      'emergency meeting booked for later: on at once',
      { items: [item(180, 240, { emergency: true })] },
      'on',
      'emergency',
    ],
    [
      'emergency beats an override off',
      {
        items: [item(5, 60, { emergency: true })],
        override: { state: 'off', until: at(60), reason: 'repair' },
      },
      'on',
      'emergency',
    ],
    ['emergency that has ended', { items: [item(-120, -60, { emergency: true })] }, 'off', 'idle'],
    [
      'clock unsynced: meeting now does not switch on',
      { clockSynced: false, items: [item(-30, 60)], current: 'off' },
      'off',
      'clock-unsynced',
    ],
    ['clock unsynced: idle does not switch off', { clockSynced: false }, 'on', 'clock-unsynced'],
    ['clock unsynced, unknown state: on', { clockSynced: false, current: 'unknown' }, 'on', 'clock-unsynced'],
    [
      'clock unsynced: an emergency still powers on',
      { clockSynced: false, current: 'off', items: [item(0, 60, { emergency: true })] },
      'on',
      'emergency',
    ],
    ['clock unsynced: a call keeps it on', { clockSynced: false, callActive: true }, 'on', 'call'],
    [
      'schedule stale for 30 h: on',
      { scheduleConfirmedAt: at(-30 * 60), current: 'off' },
      'on',
      'schedule-stale',
    ],
    ['schedule 23 h old: still trusted', { scheduleConfirmedAt: at(-23 * 60) }, 'off', 'idle'],
    [
      'stale schedule, override off: off',
      { scheduleConfirmedAt: at(-30 * 60), override: { state: 'off', until: at(60), reason: 'repair' } },
      'off',
      'override',
    ],
    ['on battery at 15 %: off', { mains: false, upsChargePct: 15, items: [item(-30, 60)] }, 'off', 'ups-low'],
    [
      'on battery at 15 % during a call: on',
      { mains: false, upsChargePct: 15, callActive: true },
      'on',
      'call',
    ],
    [
      'UPS at 15 % with mains present: not a shutdown',
      { upsChargePct: 15, items: [item(-30, 60)] },
      'on',
      'scheduled',
    ],
    [
      'on battery at 60 %: meeting still on',
      { mains: false, upsChargePct: 60, items: [item(-30, 60)] },
      'on',
      'scheduled',
    ],
    ['no UPS sensor, mains unknown', { mains: null, upsChargePct: null }, 'off', 'idle'],
  ])('%s', (_name, patch, state, code) => {
    const decision = desiredPower({ ...base, ...patch }, config);
    expect(decision).toMatchObject({ state, code });
    expect(decision.reason.length).toBeGreaterThan(0);
  });

  test('the reason names what decided', () => {
    expect(desiredPower({ ...base, items: [item(20, 120)] }, config).reason).toBe(
      `meeting m20 from ${iso(20)} to ${iso(120)}`,
    );
    expect(desiredPower(base, config).reason).toBe('idle for 60 min with nothing scheduled');
    expect(desiredPower({ ...base, mains: false, upsChargePct: 12 }, config).reason).toMatch(
      /on battery at 12 %/,
    );
  });

  test('the next scheduled use is the earliest warm-up start after now', () => {
    const items = [item(-30, 60), item(200, 260), item(90, 120)];
    expect(nextScheduledUse(items, now, 30)).toEqual(at(60));
    expect(nextScheduledUse([item(-30, 60)], now, 30)).toBeNull();
  });
});

const arbitraryInput = (callActive: fc.Arbitrary<boolean>) => {
  const minute = fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 });
  const arbitraryItem = fc
    .record({
      start: minute,
      length: fc.integer({ min: 1, max: 600 }),
      kind: fc.constantFrom('meeting' as const, 'rehearsal' as const, 'inspection' as const),
      emergency: fc.boolean(),
    })
    .map((i) => item(i.start, i.start + i.length, { kind: i.kind, emergency: i.emergency }));
  return fc.record({
    now: fc.constant(now),
    current: fc.constantFrom('on' as const, 'off' as const, 'unknown' as const),
    items: fc.array(arbitraryItem, { maxLength: 8 }),
    callActive,
    override: fc.option(
      fc.record({
        state: fc.constantFrom('on' as const, 'off' as const),
        until: minute.map(at),
        reason: fc.string({ maxLength: 20 }),
      }),
    ),
    mains: fc.option(fc.boolean()),
    upsChargePct: fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
    lastActivity: minute.map(at),
    clockSynced: fc.boolean(),
    scheduleConfirmedAt: minute.map(at),
    begun: fc.constant(new Set<string>()),
  });
};

const arbitraryConfig = fc.record({
  warmUpMin: fc.integer({ min: 0, max: 240 }),
  quietMin: fc.integer({ min: 1, max: 240 }),
  scheduleMaxAgeH: fc.integer({ min: 1, max: 72 }),
  upsShutdownPct: fc.integer({ min: 0, max: 100 }),
});

describe('idle policy invariants', () => {
  test('no input ever gives off while a call is active', () => {
    fc.assert(
      fc.property(arbitraryInput(fc.constant(true)), arbitraryConfig, (input, cfg) => {
        expect(desiredPower(input, cfg).state).toBe('on');
      }),
      { numRuns: 2000 },
    );
  });

  test('with the clock unsynchronised, only a low UPS switches a room off', () => {
    fc.assert(
      fc.property(arbitraryInput(fc.boolean()), arbitraryConfig, (input, cfg) => {
        const decision = desiredPower({ ...input, clockSynced: false, current: 'on' }, cfg);
        if (decision.state === 'off') expect(decision.code).toBe('ups-low');
      }),
      { numRuns: 1000 },
    );
  });
});
