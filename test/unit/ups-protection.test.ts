import { describe, expect, test } from '@jest/globals';
import { nominal } from '../../agent/edges.js';
import { UpsGuard } from '../../agent/power/ups-guard.js';
import {
  supportedTriggers,
  type UpsFacts,
  type UpsProtectionConfig,
  UpsTracker,
  upsVerdict,
} from '../../agent/power/ups-protection.js';
import { createLogger } from '../../shared/logger.js';
import type { Readings } from '../../shared/schemas.js';
import { fakeAgentContext } from '../fakes/fake-agent-context.js';
import { FakeClock } from '../fakes/fake-clock.js';

const config: UpsProtectionConfig = { shutdownPct: 20, shutdownRuntimeSec: 180, maxOnBatterySec: 1800 };
const now = new Date('2026-12-03T02:00:00Z');
const MIN = 60_000;
const log = createLogger('test', 'silent');

type Power = UpsFacts['power'];
const facts = (power: Partial<Power>, extra: Partial<UpsFacts> = {}): UpsFacts => ({
  power: { mains: false, upsChargePct: null, ...power },
  onBatterySince: new Date(now.getTime() - 5 * MIN),
  now,
  inCall: false,
  ...extra,
});

describe('UPS protection: when a room on battery shuts down (upsmon / apcupsd)', () => {
  test.each<[string, UpsFacts, 'ok' | 'battery' | 'critical', string | undefined]>([
    ['on mains', facts({ mains: true, upsChargePct: 100 }, { onBatterySince: null }), 'ok', undefined],
    ['no UPS at all', facts({ mains: null }, { onBatterySince: null }), 'ok', undefined],
    ['on battery, 62 %, 14 min', facts({ upsChargePct: 62, upsRuntimeSec: 840 }), 'battery', undefined],
    [
      'OB LB with charge and runtime still high',
      facts({ upsChargePct: 80, upsRuntimeSec: 900, upsLowBattery: true }),
      'critical',
      'low-battery',
    ],
    [
      'OB LB on a UPS that reports neither charge nor runtime',
      facts({ upsLowBattery: true }),
      'critical',
      'low-battery',
    ],
    [
      'FSD, even on mains',
      facts({ mains: true, upsChargePct: 90, upsForcedShutdown: true }),
      'critical',
      'forced-shutdown',
    ],
    ['charge at the limit', facts({ upsChargePct: 20, upsRuntimeSec: 600 }), 'critical', 'charge'],
    ['charge above it', facts({ upsChargePct: 21, upsRuntimeSec: 600 }), 'battery', undefined],
    ['runtime at the limit, charge unknown', facts({ upsRuntimeSec: 180 }), 'critical', 'runtime'],
    [
      'runtime of 65535 s counts as unknown',
      facts({ upsChargePct: 50, upsRuntimeSec: 65_535 }),
      'battery',
      undefined,
    ],
    ['runtime of two days counts as unknown', facts({ upsRuntimeSec: 172_800 }), 'battery', undefined],
    [
      'runtime 0 with 90 % counts as unknown',
      facts({ upsChargePct: 90, upsRuntimeSec: 0 }),
      'battery',
      undefined,
    ],
    [
      'runtime 0 with 10 %: critical by charge',
      facts({ upsChargePct: 10, upsRuntimeSec: 0 }),
      'critical',
      'charge',
    ],
    ['a charge of 140 % counts as unknown', facts({ upsChargePct: 140 }), 'battery', undefined],
    [
      '30 min on battery, nothing reported: time limit',
      facts({}, { onBatterySince: new Date(now.getTime() - 30 * MIN) }),
      'critical',
      'time-on-battery',
    ],
    [
      '30 min on battery during a call: the time limit waits for the call',
      facts({}, { onBatterySince: new Date(now.getTime() - 30 * MIN), inCall: true }),
      'battery',
      undefined,
    ],
    [
      'a low charge during a call is still critical',
      facts({ upsChargePct: 12 }, { inCall: true }),
      'critical',
      'charge',
    ],
  ])('%s', (_name, f, level, trigger) => {
    const v = upsVerdict(f, config);
    expect(v.level).toBe(level);
    expect(v.trigger).toBe(trigger);
    expect(v.reason.length).toBeGreaterThan(0);
  });

  test('the reason says it in figures', () => {
    expect(upsVerdict(facts({ upsChargePct: 62, upsRuntimeSec: 840 }), config).reason).toBe(
      'on battery, 62 %, 14 min left',
    );
    expect(upsVerdict(facts({ upsRuntimeSec: 150 }), config).reason).toBe(
      'on battery with 2 min left, at or below 3 min',
    );
  });

  test('the time limit is off when set to 0', () => {
    const v = upsVerdict(facts({}, { onBatterySince: new Date(0) }), { ...config, maxOnBatterySec: 0 });
    expect(v.level).toBe('battery');
  });

  test('which triggers a UPS can drive', () => {
    const blazer = supportedTriggers(
      { mains: true, upsChargePct: null, upsLowBattery: false, upsForcedShutdown: false },
      config,
    );
    expect(blazer).toEqual({
      'forced-shutdown': true,
      'low-battery': true,
      charge: false,
      runtime: false,
      'time-on-battery': true,
    });
    const gpioNoLb = supportedTriggers(
      { mains: true, upsChargePct: null, upsLowBattery: null },
      { ...config, maxOnBatterySec: 0 },
    );
    expect(Object.values(gpioNoLb).some(Boolean)).toBe(false);
  });

  test('the tracker counts the time on battery from the first reading without mains, and forgets it on mains', () => {
    const clock = new FakeClock(now);
    const tracker = new UpsTracker(config, clock.now);
    const reading = (mains: boolean | null): Readings => ({
      ...nominal,
      power: { mains, upsChargePct: null, state: 'on' },
    });
    tracker.observe(reading(false));
    clock.advance(20 * MIN);
    tracker.observe(reading(null)); // upsd unreachable for a moment: still on battery
    clock.advance(10 * MIN);
    tracker.observe(reading(false));
    expect(tracker.verdict()).toMatchObject({
      level: 'critical',
      trigger: 'time-on-battery',
      onBatterySec: 1800,
    });
    tracker.observe(reading(true));
    expect(tracker.verdict()).toMatchObject({ level: 'ok', onBatterySec: null });
  });
});

describe('the UPS guard', () => {
  function guard(withOutputs: boolean, argv: string[] = ['systemctl', 'poweroff']) {
    const clock = new FakeClock(now);
    const tracker = new UpsTracker(config, clock.now);
    const journal: string[] = [];
    const g = new UpsGuard({
      tracker,
      switchOff: withOutputs
        ? async () => {
            journal.push('equipment off');
          }
        : null,
      shutdownArgv: argv,
      runner: async (program, args) => {
        journal.push([program, ...args].join(' '));
        return { code: 0, stdout: '', stderr: '' };
      },
      log,
    });
    const { context, events } = fakeAgentContext(log);
    const sample = (power: Partial<Readings['power']>, inCall = false): Readings => ({
      ...nominal,
      power: { mains: false, upsChargePct: null, state: 'on', ...power },
      codec: { state: 'up', inCall },
    });
    return { g, journal, events, context, sample };
  }

  test('announces, switches the equipment off in order, then halts the controller, once', async () => {
    const t = guard(true);
    await t.g.start(t.context);
    t.g.observe(t.sample({ upsChargePct: 40 }));
    t.g.observe(t.sample({ upsChargePct: 18, upsRuntimeSec: 200 }, true));
    t.g.observe(t.sample({ upsChargePct: 17 }));
    await t.g.stop();
    expect(t.events).toEqual([
      {
        type: 'ups.shutdown',
        severity: 'critical',
        data: expect.objectContaining({
          trigger: 'charge',
          upsChargePct: 18,
          upsRuntimeSec: 200,
          inCall: true,
        }),
      },
    ]);
    expect(t.journal).toEqual(['equipment off', 'systemctl poweroff']);
  });

  test('halts a controller that has no power outputs, on the low-battery flag alone', async () => {
    const t = guard(false);
    await t.g.start(t.context);
    t.g.observe(t.sample({ upsLowBattery: true }));
    await t.g.stop();
    expect(t.journal).toEqual(['systemctl poweroff']);
    expect(t.events[0]?.data.trigger).toBe('low-battery');
  });

  test('is armed again once the mains return (the halt did not happen)', async () => {
    const t = guard(false);
    await t.g.start(t.context);
    t.g.observe(t.sample({ upsLowBattery: true }));
    await t.g.stop();
    t.g.observe(t.sample({ mains: true }));
    t.g.observe(t.sample({ upsForcedShutdown: true }));
    await t.g.stop();
    expect(t.journal).toEqual(['systemctl poweroff', 'systemctl poweroff']);
  });
});
