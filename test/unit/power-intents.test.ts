import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  desiredPower,
  freezingItem,
  type Intents,
  initialIntents,
  nextScheduledUse,
  type Override,
  type PolicyConfig,
  type PowerFacts,
  type ScheduleItem,
  used,
  withHold,
  withOverride,
  withoutHold,
  withoutLapsedHolds,
} from '../../agent/power/power-intents.js';
import type { UpsVerdict } from '../../agent/power/ups-protection.js';

const MIN = 60_000;
const now = new Date('2026-12-01T01:00:00.000Z'); // 08:00 in Hà Nội
const at = (min: number) => new Date(now.getTime() + min * MIN);
const iso = (min: number) => at(min).toISOString();
const config: PolicyConfig = { warmUpMin: 30, quietMin: 30, scheduleMaxAgeH: 24 };

const mainsOk: UpsVerdict = {
  level: 'ok',
  reason: 'on mains',
  chargePct: 100,
  runtimeSec: 1200,
  onBatterySec: null,
};
const onBattery: UpsVerdict = {
  level: 'battery',
  reason: 'on battery, 60 %',
  chargePct: 60,
  runtimeSec: 700,
  onBatterySec: 60,
};
const critical: UpsVerdict = {
  level: 'critical',
  trigger: 'charge',
  reason: 'on battery at 15 %, at or below 20 %',
  chargePct: 15,
  runtimeSec: 180,
  onBatterySec: 900,
};

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

const facts: PowerFacts = {
  now,
  current: 'on',
  items: [],
  begun: new Set(),
  callActive: false,
  ups: mainsOk,
  clockSynced: true,
  scheduleConfirmedAt: now,
};
const idle: Intents = initialIntents(at(-60));

function override(state: 'on' | 'off', untilMin: number, forced = false): Override {
  return { state, until: at(untilMin), reason: 'repair', forced };
}

const held = (i: Intents, found: 'on' | 'off' = 'off', untilMin = 10) =>
  withHold(i, { id: 'r1', until: at(untilMin), found, reason: 'rehearsal r1' });

describe('power decision, rule by rule', () => {
  test.each<[string, Partial<PowerFacts>, Intents, 'on' | 'off', string]>([
    ['nothing scheduled, idle for an hour', {}, idle, 'off', 'idle'],
    ['quiet for 10 min: kept on', {}, used(idle, at(-10)), 'on', 'hold'],
    ['quiet for 10 min after a power-off: kept off', { current: 'off' }, used(idle, at(-10)), 'off', 'hold'],
    ['just started, state unknown: on', { current: 'unknown' }, initialIntents(now), 'on', 'hold'],
    ['meeting within its warm-up', { items: [item(20, 120)], current: 'off' }, idle, 'on', 'scheduled'],
    [
      'meeting at the exact warm-up start',
      { items: [item(30, 120)], current: 'off' },
      idle,
      'on',
      'scheduled',
    ],
    ['meeting before its warm-up', { items: [item(45, 120)] }, idle, 'off', 'idle'],
    [
      'meeting before its warm-up but already begun (the clock jumped back): kept on',
      { items: [item(45, 120)], begun: new Set(['m45']) },
      idle,
      'on',
      'scheduled',
    ],
    ['inspection soon', { items: [item(10, 40, { kind: 'inspection' })] }, idle, 'on', 'scheduled'],
    [
      'a rehearsal item does not switch a room on by itself',
      { items: [item(-5, 25, { kind: 'rehearsal' })], current: 'off' },
      idle,
      'off',
      'idle',
    ],
    ['call past the booked end', { items: [item(-120, -10)], callActive: true }, idle, 'on', 'call'],
    ['meeting ended 10 min ago', { items: [item(-120, -10)] }, idle, 'on', 'hold'],
    ['meeting ended 31 min ago', { items: [item(-120, -31)] }, idle, 'off', 'idle'],
    [
      'an ordinary override off gives way to a booked meeting',
      { items: [item(-30, 60)] },
      withOverride(idle, override('off', 60)),
      'on',
      'scheduled',
    ],
    [
      'a forced override off holds inside a booked meeting',
      { items: [item(-30, 60)] },
      withOverride(idle, override('off', 60, true)),
      'off',
      'forced',
    ],
    [
      'override on with nothing scheduled',
      { current: 'off' },
      withOverride(idle, override('on', 60)),
      'on',
      'override',
    ],
    ['override expired', {}, withOverride(idle, override('on', 0)), 'off', 'idle'],
    [
      'override off during a call',
      { callActive: true },
      withOverride(idle, override('off', 60, true)),
      'on',
      'call',
    ],
    [
      'emergency booked for later: on at once',
      { items: [item(180, 240, { emergency: true })] },
      idle,
      'on',
      'emergency',
    ],
    [
      'emergency beats an ordinary override off',
      { items: [item(5, 60, { emergency: true })] },
      withOverride(idle, override('off', 60)),
      'on',
      'emergency',
    ],
    ['emergency that has ended', { items: [item(-120, -60, { emergency: true })] }, idle, 'off', 'idle'],
    [
      'clock unsynced: a meeting now does not switch on',
      { clockSynced: false, items: [item(-30, 60)], current: 'off' },
      idle,
      'off',
      'clock-unsynced',
    ],
    ['clock unsynced: idle does not switch off', { clockSynced: false }, idle, 'on', 'clock-unsynced'],
    [
      'clock unsynced: the operator is still obeyed',
      { clockSynced: false, current: 'off' },
      withOverride(idle, override('on', 60)),
      'on',
      'clock-unsynced',
    ],
    [
      'clock unsynced: a rehearsal hold still switches on',
      { clockSynced: false, current: 'off' },
      held(idle),
      'on',
      'clock-unsynced',
    ],
    [
      'clock unsynced: an emergency still powers on',
      { clockSynced: false, current: 'off', items: [item(0, 60, { emergency: true })] },
      idle,
      'on',
      'emergency',
    ],
    [
      'schedule stale for 30 h: on',
      { scheduleConfirmedAt: at(-30 * 60), current: 'off' },
      idle,
      'on',
      'schedule-stale',
    ],
    ['schedule 23 h old: still trusted', { scheduleConfirmedAt: at(-23 * 60) }, idle, 'off', 'idle'],
    [
      'UPS critical: off, even in a meeting',
      { ups: critical, items: [item(-30, 60)] },
      idle,
      'off',
      'ups-critical',
    ],
    ['UPS critical: off, even in a call', { ups: critical, callActive: true }, idle, 'off', 'ups-critical'],
    [
      'on battery, not critical: the meeting stays on',
      { ups: onBattery, items: [item(-30, 60)] },
      idle,
      'on',
      'scheduled',
    ],
    ['a rehearsal hold switches an idle room on', { current: 'off' }, held(idle), 'on', 'rehearsal'],
    [
      'an operator override off beats a rehearsal hold',
      { current: 'off' },
      held(withOverride(idle, override('off', 60))),
      'off',
      'override',
    ],
    [
      'a hold past its time no longer holds',
      { current: 'on' },
      withoutLapsedHolds(held(idle, 'off', -1), now),
      'off',
      'restored',
    ],
    [
      'a released hold that found the room off puts it back off, before the quiet time',
      {},
      withoutHold(held(used(idle, at(-5))), 'r1', now),
      'off',
      'restored',
    ],
    [
      'a released hold that found the room on leaves it on',
      {},
      withoutHold(held(idle, 'on'), 'r1', now),
      'on',
      'hold',
    ],
    [
      'a booked meeting that ended after the hold: the quiet time decides, not the old hold',
      { items: [item(-120, -10)] },
      withoutHold(held(idle), 'r1', at(-180)),
      'on',
      'hold',
    ],
    [
      'use after the hold ended: the quiet time decides again',
      {},
      used(withoutHold(held(idle), 'r1', at(-5)), at(-2)),
      'on',
      'hold',
    ],
  ])('%s', (_name, patch, intents, state, code) => {
    const decision = desiredPower({ ...facts, ...patch }, intents, config);
    expect(decision).toMatchObject({ state, code });
    expect(decision.reason.length).toBeGreaterThan(0);
  });

  test('the reason names what decided', () => {
    expect(desiredPower({ ...facts, items: [item(20, 120)] }, idle, config).reason).toBe(
      `meeting m20 from ${iso(20)} to ${iso(120)}`,
    );
    expect(desiredPower(facts, idle, config).reason).toBe('idle for 60 min with nothing scheduled');
    expect(desiredPower({ ...facts, ups: critical }, idle, config).reason).toMatch(/on battery at 15 %/);
  });

  test('overlapping holds restore what the first one found', () => {
    const two = withHold(held(idle, 'off'), { id: 'r2', until: at(20), found: 'on', reason: 'inspection' });
    expect(two.holds.map((h) => h.found)).toEqual(['off', 'off']);
    const oneLeft = withoutHold(two, 'r1', now);
    expect(desiredPower(facts, oneLeft, config).code).toBe('rehearsal');
    expect(desiredPower(facts, withoutHold(oneLeft, 'r2', now), config).code).toBe('restored');
  });

  test('the next scheduled use is the earliest warm-up of a meeting or inspection after now', () => {
    const items = [item(-30, 60), item(200, 260), item(90, 120), item(70, 80, { kind: 'rehearsal' })];
    expect(nextScheduledUse(items, now, 30)).toEqual(at(60));
    expect(nextScheduledUse([item(-30, 60)], now, 30)).toBeNull();
  });

  test.each<[string, ScheduleItem[], string | null]>([
    ['nothing booked', [], null],
    ['a meeting in its warm-up', [item(20, 120)], 'm20'],
    ['a meeting before its warm-up', [item(45, 120)], null],
    ['a rehearsal in its warm-up', [item(10, 40, { kind: 'rehearsal' })], 'm10'],
    ['an emergency meeting booked for later', [item(300, 400, { emergency: true })], 'm300'],
    ['a meeting that has ended', [item(-120, -1)], null],
  ])('change freeze: %s', (_name, items, id) => {
    expect(freezingItem(items, now, 30)?.id ?? null).toBe(id);
  });
});

/** Intents and UPS readings in any order: the model of what the power controller does with them. */
type Step =
  | { kind: 'time'; min: number }
  | { kind: 'call'; active: boolean }
  | { kind: 'ups'; verdict: UpsVerdict }
  | { kind: 'override'; state: 'on' | 'off'; forMin: number; forced: boolean }
  | { kind: 'use' };

const minute = fc.integer({ min: -2 * 24 * 60, max: 2 * 24 * 60 });
const arbitraryItem = fc
  .record({
    start: minute,
    length: fc.integer({ min: 1, max: 600 }),
    kind: fc.constantFrom('meeting' as const, 'rehearsal' as const, 'inspection' as const),
    emergency: fc.boolean(),
  })
  .map((i) =>
    item(i.start, i.start + i.length, {
      kind: i.kind,
      emergency: i.emergency,
      id: `i${i.start}-${i.length}`,
    }),
  );
const arbitraryStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('time' as const), min: fc.integer({ min: 1, max: 240 }) }),
  fc.record({ kind: fc.constant('call' as const), active: fc.boolean() }),
  fc.record({ kind: fc.constant('ups' as const), verdict: fc.constantFrom(mainsOk, onBattery, critical) }),
  fc.record({
    kind: fc.constant('override' as const),
    state: fc.constantFrom('on' as const, 'off' as const),
    forMin: fc.integer({ min: 1, max: 600 }),
    forced: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('use' as const) }),
);
const arbitraryConfig = fc.record({
  warmUpMin: fc.integer({ min: 0, max: 120 }),
  quietMin: fc.integer({ min: 1, max: 120 }),
  scheduleMaxAgeH: fc.integer({ min: 1, max: 72 }),
});

interface World {
  facts: PowerFacts;
  intents: Intents;
}

function play(items: ScheduleItem[], steps: Step[], cfg: PolicyConfig, check: (w: World) => void): void {
  let w: World = {
    facts: { ...facts, items, current: 'unknown', scheduleConfirmedAt: at(-3 * 24 * 60) },
    intents: idle,
  };
  const decideAndApply = () => {
    w.facts.scheduleConfirmedAt = w.facts.now;
    const d = desiredPower(w.facts, w.intents, cfg);
    w = { ...w, facts: { ...w.facts, current: d.state } };
    check(w);
  };
  for (const s of steps) {
    const t = w.facts.now;
    if (s.kind === 'time') w.facts = { ...w.facts, now: new Date(t.getTime() + s.min * MIN) };
    if (s.kind === 'call') {
      w.facts = { ...w.facts, callActive: s.active };
      if (s.active) w.intents = used(w.intents, t);
    }
    if (s.kind === 'ups') w.facts = { ...w.facts, ups: s.verdict };
    if (s.kind === 'override')
      w.intents = withOverride(w.intents, {
        state: s.state,
        until: new Date(t.getTime() + s.forMin * MIN),
        reason: 'x',
        forced: s.forced,
      });
    if (s.kind === 'use') w.intents = used(w.intents, t);
    decideAndApply();
  }
}

/** Inside a meeting's or inspection's window, or an emergency meeting not ended. */
function inBookedWindow(f: PowerFacts, cfg: PolicyConfig): boolean {
  const t = f.now.getTime();
  return f.items.some(
    (i) =>
      i.kind !== 'rehearsal' &&
      (i.emergency
        ? Date.parse(i.end) > t
        : Date.parse(i.start) - cfg.warmUpMin * MIN <= t && t < Date.parse(i.end)),
  );
}

function forcedOff(i: Intents, f: PowerFacts): boolean {
  return i.override?.forced === true && i.override.state === 'off' && i.override.until > f.now;
}

describe('power decision invariants, over any sequence of intents and UPS readings', () => {
  test('never off during a call unless the UPS is critical', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryItem, { maxLength: 6 }),
        fc.array(arbitraryStep, { maxLength: 40 }),
        arbitraryConfig,
        (items, steps, cfg) =>
          play(items, steps, cfg, (w) => {
            if (w.facts.callActive && w.facts.ups.level !== 'critical') expect(w.facts.current).toBe('on');
          }),
      ),
      { numRuns: 1500 },
    );
  });

  test('never off inside a booked window unless forced (or the UPS is critical)', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryItem, { maxLength: 6 }),
        fc.array(arbitraryStep, { maxLength: 40 }),
        arbitraryConfig,
        (items, steps, cfg) =>
          play(items, steps, cfg, (w) => {
            if (
              inBookedWindow(w.facts, cfg) &&
              w.facts.ups.level !== 'critical' &&
              !forcedOff(w.intents, w.facts)
            ) {
              expect(w.facts.current).toBe('on');
            }
          }),
      ),
      { numRuns: 1500 },
    );
  });

  test('a rehearsal leaves the room in the state it found it', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryItem, { maxLength: 6 }),
        fc.array(arbitraryStep, { maxLength: 30 }),
        arbitraryConfig,
        fc.integer({ min: 1, max: 20 }),
        (items, steps, cfg, holdMin) => {
          play(items, steps, cfg, (w) => {
            // A hold taken now, released a few minutes later with nothing else changed in between.
            const found = w.facts.current;
            if (found === 'unknown') return;
            const end = new Date(w.facts.now.getTime() + holdMin * MIN);
            const later: PowerFacts = { ...w.facts, now: end, current: 'on', scheduleConfirmedAt: end };
            const unchanged = desiredPower({ ...later, current: found }, w.intents, cfg);
            // Only when nothing else would have moved the room meanwhile (a window opening or
            // closing, the quiet time running out, an override lapsing).
            if (unchanged.state !== found || unchanged.code !== desiredPower(w.facts, w.intents, cfg).code)
              return;
            const holding = withHold(w.intents, {
              id: 'r',
              until: new Date(end.getTime() + MIN),
              found,
              reason: 'r',
            });
            const during = desiredPower({ ...w.facts, current: found }, holding, cfg);
            if (
              w.facts.ups.level === 'ok' &&
              !(w.intents.override?.state === 'off' && w.intents.override.until > w.facts.now)
            ) {
              expect(during.state).toBe('on');
            }
            const after = desiredPower(
              { ...later, current: during.state },
              withoutHold(holding, 'r', end),
              cfg,
            );
            expect(after.state).toBe(found);
          });
        },
      ),
      { numRuns: 1500 },
    );
  });
});
