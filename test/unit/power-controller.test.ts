import { afterAll, describe, expect, test } from '@jest/globals';
import { nominal } from '../../agent/edges.js';
import { PowerController } from '../../agent/power/power-controller.js';
import { ScheduleCache } from '../../agent/power/schedule-cache.js';
import { UpsTracker } from '../../agent/power/ups-protection.js';
import { createLogger } from '../../shared/logger.js';
import type { Readings, ScheduleMessage } from '../../shared/schemas.js';
import { fakeAgentContext } from '../fakes/fake-agent-context.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { FakePowerOutput } from '../fakes/fake-power-output.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hnth-power-');
afterAll(() => dir.remove());
const log = createLogger('test', 'silent');
const MIN = 60_000;
const day = '2026-12-01T00:00:00.000Z'; // 07:00 in Hà Nội
let files = 0;

type Item = ScheduleMessage['items'][number];

function setup(
  options: {
    items?: Item[];
    clockSynced?: () => boolean;
    quietMin?: number;
    bootDeadlineSec?: number;
    /** A room whose codec has no standby (a Poly): no standby output, and why. */
    noStandby?: string;
  } = {},
) {
  const clock = new FakeClock(day);
  const journal: string[] = [];
  const outputs = [
    new FakePowerOutput('mains', 100, journal),
    new FakePowerOutput('display', 200, journal),
    new FakePowerOutput('codec', 50, journal),
  ];
  const schedule = new ScheduleCache(`${dir.path}/schedule-${files++}.json`, log, clock.now);
  const { context, events, replies, subscribed } = fakeAgentContext(log, clock.now);
  const commands = context.commands;
  const tracker = new UpsTracker({ shutdownPct: 20, shutdownRuntimeSec: 180, maxOnBatterySec: 0 }, clock.now);
  const controller = new PowerController({
    outputs,
    onSequence: [{ output: 'mains' }, { output: 'display' }, { output: 'codec' }],
    offSequence: [{ output: 'codec' }, { output: 'display' }, { output: 'mains' }],
    standbyOutputs: options.noStandby ? [] : ['codec'],
    ...(options.noStandby ? { noStandby: options.noStandby } : {}),
    policy: { warmUpMin: 30, quietMin: options.quietMin ?? 30, scheduleMaxAgeH: 24 },
    schedule,
    tickSec: 60,
    retryAfterSec: 300,
    bootDeadlineSec: options.bootDeadlineSec ?? 180,
    ups: () => tracker.verdict(),
    clockSynced: options.clockSynced ?? (() => true),
    clock,
    log,
  });
  const publishSchedule = (items: Item[]) =>
    subscribed()!('', Buffer.from(JSON.stringify({ v: 1, ts: clock.now().toISOString(), items })));
  const readings = (
    patch: {
      inCall?: boolean;
      mains?: boolean;
      upsChargePct?: number;
      codec?: Readings['codec']['state'];
    } = {},
  ): Readings => ({
    ...nominal,
    power: { mains: patch.mains ?? true, upsChargePct: patch.upsChargePct ?? 100, state: controller.state },
    codec: { state: patch.codec ?? 'up', inCall: patch.inCall ?? false },
  });
  /** One sample as the agent hands it on: the UPS guard's tracker first, then power control. */
  const feed = (r: Readings) => {
    tracker.observe(r);
    controller.observe(r);
  };
  const command = async (name: string, args: Record<string, unknown>) => {
    const now = clock.now();
    await commands.handle(
      name,
      Buffer.from(
        JSON.stringify({
          v: 1,
          id: `c${replies.length}`,
          ts: now.toISOString(),
          expiresAt: new Date(now.getTime() + MIN).toISOString(),
          args,
        }),
      ),
    );
    return replies[replies.length - 1]!;
  };
  const start = async () => {
    await controller.start(context);
    if (options.items) publishSchedule(options.items);
    await controller.evaluate();
  };
  return { clock, journal, outputs, controller, events, start, publishSchedule, readings, feed, command };
}

function item(start: string, end: string, extra: Partial<Item> = {}): Item {
  return { id: `m-${start}`, kind: 'meeting', start, end, emergency: false, ...extra };
}

describe('power control through a simulated day', () => {
  test('the schedule switches the room at the right minutes, and the energy is counted', async () => {
    const s = setup({
      items: [
        item('2026-12-01T02:00:00.000Z', '2026-12-01T04:00:00.000Z'), // 09:00–11:00 local
        item('2026-12-01T07:00:00.000Z', '2026-12-01T07:30:00.000Z', { kind: 'rehearsal' }),
      ],
    });
    await s.start();
    const transitions: string[] = [`0 ${s.controller.state}`];
    let last = s.controller.state;
    for (let minute = 1; minute <= 24 * 60; minute++) {
      s.clock.advance(MIN);
      // The meeting runs 10 min past its booked end.
      s.feed(s.readings({ inCall: minute >= 130 && minute < 250 }));
      await s.controller.evaluate();
      if (s.controller.state !== last) {
        last = s.controller.state;
        transitions.push(`${minute} ${last}`);
      }
    }
    expect(transitions).toEqual([
      '0 on', // agent start: on until the quiet time has passed
      '30 off', // idle 30 min, meeting not yet in its warm-up
      '90 on', // warm-up 30 min before 09:00
      '279 off', // call ended at 250 (last seen 249), quiet 30 min
      // The rehearsal item at 14:00 switches nothing by itself: the hub's rehearsal holds the room.
    ]);
    expect(s.events.map((e) => e.type)).toEqual(['power.on', 'power.off', 'power.on', 'power.off']);
    expect(s.events[2]!.data.reason).toMatch(/^meeting m-2026-12-01T02:00:00.000Z from/);
    expect(s.events[3]!.data.reason).toBe('idle for 30 min with nothing scheduled');
    const onH = (30 + 189) / 60;
    expect(s.controller.telemetry().energy).toEqual({
      sinceIso: day,
      usedWh: 1277.5,
      alwaysOnWh: 350 * 24,
      outputs: [
        { name: 'mains', ratedW: 100, onH, offH: 24 - onH },
        { name: 'display', ratedW: 200, onH, offH: 24 - onH },
        { name: 'codec', ratedW: 50, onH, offH: 24 - onH },
      ],
    });
  });

  test('an emergency meeting powers an idle room on at once', async () => {
    const s = setup();
    await s.start();
    s.clock.advance(40 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
    s.publishSchedule([item('2026-12-01T03:00:00.000Z', '2026-12-01T04:00:00.000Z', { emergency: true })]);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('on');
    expect(s.events.at(-1)).toMatchObject({
      type: 'power.on',
      data: { reason: expect.stringMatching(/^emergency/) },
    });
  });

  test('with the clock unsynchronised the schedule switches nothing', async () => {
    const s = setup({
      clockSynced: () => false,
      items: [item('2026-12-01T00:10:00.000Z', '2026-12-01T00:20:00.000Z')],
    });
    await s.start();
    for (let minute = 1; minute <= 120; minute++) {
      s.clock.advance(MIN);
      await s.controller.evaluate();
    }
    expect(s.journal).toEqual(['mains on', 'display on', 'codec on']);
    expect(s.controller.lastDecision?.code).toBe('clock-unsynced');
  });
});

describe('power control when the clock jumps (NTP sync after boot, no RTC)', () => {
  const meeting = item('2026-12-01T02:00:00.000Z', '2026-12-01T04:00:00.000Z'); // 09:00–11:00 local
  const run = async (s: ReturnType<typeof setup>, minutes: number) => {
    for (let m = 0; m < minutes; m++) {
      s.clock.advance(MIN);
      s.feed(s.readings());
      await s.controller.evaluate();
    }
  };

  test('a jump backward does not switch the room off and on again before its meeting', async () => {
    const s = setup({ items: [meeting] });
    await s.start();
    await run(s, 100); // on since the warm-up at 08:30
    expect(s.controller.state).toBe('on');
    const before = s.events.length;
    s.clock.advance(-120 * MIN); // 08:40 becomes 06:40
    await run(s, 240); // to 10:40, inside the meeting
    expect(s.events.slice(before)).toEqual([]);
    expect(s.controller.state).toBe('on');
  });

  test('a jump forward over a whole meeting switches nothing for it; one landing inside it switches on once', async () => {
    const over = setup({ items: [meeting] });
    await over.start();
    await run(over, 60); // 08:00, off after the quiet time
    expect(over.controller.state).toBe('off');
    const before = over.events.length;
    over.clock.advance(240 * MIN); // 12:00: the meeting is past
    await run(over, 30);
    expect(over.events.slice(before)).toEqual([]);

    const inside = setup({ items: [meeting] });
    await inside.start();
    await run(inside, 60);
    const from = inside.events.length;
    inside.clock.advance(90 * MIN); // 09:30: the meeting is on
    await run(inside, 30);
    expect(inside.events.slice(from).map((e) => e.type)).toEqual(['power.on']);
  });
});

describe('power control on a critical UPS', () => {
  test('switches off in order at the critical point, and refuses power-on until the mains return', async () => {
    const s = setup();
    await s.start();
    s.journal.length = 0;
    s.feed(s.readings({ mains: false, upsChargePct: 60 }));
    await s.controller.evaluate();
    expect(s.controller.state).toBe('on');
    s.feed(s.readings({ mains: false, upsChargePct: 18 }));
    await s.controller.evaluate();
    expect(s.journal).toEqual(['codec off', 'display off', 'mains off']);
    expect(s.controller.lastDecision?.code).toBe('ups-critical');
    expect(await s.command('power.on', {})).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringMatching(/on battery at 18 %.*waits for the mains/) },
    });
  });

  test('cuts a call too: the battery is about to cut it anyway', async () => {
    const s = setup();
    await s.start();
    s.feed(s.readings({ mains: false, upsChargePct: 15, inCall: true }));
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
  });
});

describe('power commands', () => {
  test('power.on and power.off are idempotent and say what happened', async () => {
    const s = setup();
    await s.start();
    expect(await s.command('power.on', {})).toMatchObject({
      ok: true,
      result: { power: 'on', changed: false },
    });
    const off = await s.command('power.off', { reason: 'room cleaning' });
    expect(off).toMatchObject({ ok: true, result: { power: 'off', changed: true } });
    expect(await s.command('power.off', {})).toMatchObject({
      ok: true,
      result: { power: 'off', changed: false },
    });
    expect(s.events.at(-1)).toMatchObject({ type: 'power.off', data: { reason: 'ordered: room cleaning' } });
  });

  test('a power-off holds until the next scheduled use, which still powers the room on', async () => {
    const s = setup({
      items: [
        item('2026-12-01T01:00:00.000Z', '2026-12-01T01:30:00.000Z'),
        item('2026-12-01T03:00:00.000Z', '2026-12-01T04:00:00.000Z'),
      ],
    });
    await s.start();
    const off = await s.command('power.off', {});
    expect(off.result).toMatchObject({ power: 'off', until: '2026-12-01T00:30:00.000Z' });
    s.clock.advance(20 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
    s.clock.advance(15 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('on');
  });

  test('power.off during a call is refused unless forced, and the reason is kept', async () => {
    const s = setup();
    await s.start();
    s.feed(s.readings({ inCall: true }));
    const refused = await s.command('power.off', { reason: 'end of day' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringMatching(/call is in progress/) },
    });
    expect(s.controller.state).toBe('on');
    const forced = await s.command('power.off', { reason: 'storm: evacuate', force: true });
    expect(forced).toMatchObject({ ok: true, result: { power: 'off', changed: true } });
    expect(s.events.at(-1)?.data.reason).toBe('ordered: storm: evacuate');
  });

  test('power.off in the change freeze of a booked meeting is refused, naming it; forced, it holds to the end', async () => {
    const meeting = item('2026-12-01T00:20:00.000Z', '2026-12-01T02:00:00.000Z');
    const s = setup({ items: [meeting] });
    await s.start();
    expect(await s.command('power.off', { reason: 'cleaning' })).toMatchObject({
      ok: false,
      error: {
        code: 'refused',
        message: expect.stringMatching(
          /^change freeze: meeting m-2026-12-01T00:20:00.000Z from .* force: true/,
        ),
      },
    });
    expect(s.controller.state).toBe('on');
    const forced = await s.command('power.off', { reason: 'smoke from the display', force: true });
    expect(forced).toMatchObject({ ok: true, result: { power: 'off', until: meeting.end } });
    s.clock.advance(30 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
    expect(s.controller.lastDecision?.code).toBe('forced');
  });

  test('an emergency meeting freezes the room from its booking, and a forced off is still possible', async () => {
    const s = setup({
      items: [item('2026-12-01T03:30:00.000Z', '2026-12-01T05:00:00.000Z', { emergency: true })],
    });
    await s.start();
    expect(await s.command('power.off', {})).toMatchObject({
      ok: false,
      error: { code: 'refused', message: expect.stringMatching(/^change freeze: emergency meeting/) },
    });
    expect(await s.command('power.off', { force: true, reason: 'evacuation' })).toMatchObject({
      ok: true,
      result: { power: 'off' },
    });
  });

  test.each([
    ['override off', 'override', { state: 'off', until: '2026-12-01T03:00:00.000Z' }],
    ['standby', 'standby', {}],
  ])('%s is refused in the change freeze unless forced', async (_name, name, args) => {
    const s = setup({ items: [item('2026-12-01T00:20:00.000Z', '2026-12-01T02:00:00.000Z')] });
    await s.start();
    expect(await s.command(name, args)).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(await s.command(name, { ...args, force: true, reason: 'repair' })).toMatchObject({ ok: true });
  });

  test('an operator override on survives power.on; an override off is replaced by it', async () => {
    const s = setup();
    await s.start();
    const until = '2026-12-01T13:00:00.000Z';
    await s.command('override', { state: 'on', until, reason: 'training' });
    await s.command('power.on', { reason: 'dashboard' });
    expect(s.controller.override).toMatchObject({ state: 'on', until: new Date(until) });
    await s.command('override', { state: 'off', until, reason: 'repair' });
    await s.command('power.on', { reason: 'dashboard' });
    expect(s.controller.override).toBeNull();
    expect(s.controller.state).toBe('on');
  });

  test('override holds a state until its time, then the policy takes over', async () => {
    const s = setup();
    await s.start();
    s.clock.advance(40 * MIN);
    await s.controller.evaluate();
    const until = new Date(s.clock.now().getTime() + 60 * MIN).toISOString();
    const reply = await s.command('override', { state: 'on', until, reason: 'training' });
    expect(reply).toMatchObject({
      ok: true,
      result: { power: 'on', changed: true, override: { state: 'on', until } },
    });
    s.clock.advance(59 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('on');
    s.clock.advance(2 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
  });

  test.each([
    [
      'override in the past',
      'override',
      { state: 'on', until: '2026-11-30T00:00:00.000Z' },
      /until: .* not in the future/,
    ],
    [
      'override beyond 7 days',
      'override',
      { state: 'on', until: '2026-12-09T00:00:00.000Z' },
      /at most 7 days/,
    ],
    ['override with no state', 'override', { until: '2026-12-01T02:00:00.000Z' }, /^state: /],
    [
      'override with a local time',
      'override',
      { state: 'off', until: '2026-12-01 09:00' },
      /^until: must be an ISO 8601 UTC time/,
    ],
    ['force that is not a boolean', 'power.off', { force: 'yes' }, /^force: /],
    ['an unknown argument', 'power.on', { colour: 'red' }, /colour/],
  ])('%s is refused as bad-args naming it', async (_name, name, args, message) => {
    const s = setup();
    await s.start();
    expect(await s.command(name, args)).toMatchObject({
      ok: false,
      error: { code: 'bad-args', message: expect.stringMatching(message) },
    });
  });

  test('standby puts only the codec to sleep, and is refused during a call', async () => {
    const s = setup();
    await s.start();
    s.journal.length = 0;
    expect(await s.command('standby', {})).toMatchObject({
      ok: true,
      result: { standby: true, changed: true, power: 'on' },
    });
    expect(s.journal).toEqual(['codec off']);
    expect(await s.command('standby', {})).toMatchObject({ ok: true, result: { changed: false } });
    s.feed(s.readings({ inCall: true }));
    expect(await s.command('standby', {})).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(await s.command('power.on', {})).toMatchObject({ ok: true, result: { changed: true } });
    expect(s.journal).toEqual(['codec off', 'codec on']);
  });

  test('a room whose codec has no standby refuses standby and wake, saying why, and switches nothing', async () => {
    const s = setup({ noStandby: 'this room’s Poly codec takes no standby or wake through its REST API' });
    await s.start();
    s.journal.length = 0;
    for (const name of ['standby', 'wake'])
      expect(await s.command(name, {})).toMatchObject({
        ok: false,
        error: {
          code: 'refused',
          message: 'no codec standby: this room’s Poly codec takes no standby or wake through its REST API',
        },
      });
    expect(s.journal).toEqual([]);
  });

  test('a failing step raises an event, fails the command, and is retried only after a while', async () => {
    const s = setup();
    await s.start();
    s.outputs[1]!.failing = new Error('relay stuck');
    s.clock.advance(40 * MIN);
    await s.controller.evaluate();
    expect(s.events.at(-1)).toMatchObject({
      type: 'power.step-failed',
      severity: 'warning',
      data: { direction: 'off', step: 'display off', error: 'relay stuck' },
    });
    // The codec went to standby; the mains behind the stuck display relay stay on.
    expect(s.outputs.map((o) => o.state)).toEqual(['on', 'on', 'off']);
    const failures = () => s.events.filter((e) => e.type === 'power.step-failed').length;
    s.clock.advance(MIN);
    await s.controller.evaluate();
    expect(failures()).toBe(1);
    s.clock.advance(5 * MIN);
    await s.controller.evaluate();
    expect(failures()).toBe(2);
    const reply = await s.command('power.off', {});
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'failed', message: expect.stringMatching(/stopped at "display off": relay stuck/) },
    });
    s.outputs[1]!.failing = null;
    expect(await s.command('power.off', {})).toMatchObject({ ok: true, result: { power: 'off' } });
  });
});

describe('rehearsal holds', () => {
  const hold = (s: ReturnType<typeof setup>, minutes = 10) => ({
    id: 'r1',
    until: new Date(s.clock.now().getTime() + minutes * MIN),
    reason: 'rehearsal r1',
  });
  const idleOff = async (s: ReturnType<typeof setup>) => {
    await s.start();
    s.clock.advance(40 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
  };

  test('a room found off is switched on for the hold and back off at its release', async () => {
    const s = setup();
    await idleOff(s);
    const outcome = await s.controller.hold(hold(s));
    expect(outcome).toMatchObject({ ok: true, found: 'off' });
    expect(s.controller.state).toBe('on');
    expect(s.controller.lastDecision?.code).toBe('rehearsal');
    s.clock.advance(3 * MIN);
    await s.controller.release('r1');
    expect(s.controller.state).toBe('off');
    expect(s.controller.lastDecision?.code).toBe('restored');
  });

  test('a room found on stays on after the release', async () => {
    const s = setup();
    await s.start();
    expect(await s.controller.hold(hold(s))).toMatchObject({ ok: true, found: 'on' });
    await s.controller.release('r1');
    expect(s.controller.state).toBe('on');
  });

  test('a hold never cancels the operator: an override on outlives it, an override off refuses it', async () => {
    const s = setup();
    await idleOff(s);
    const until = new Date(s.clock.now().getTime() + 4 * 60 * MIN).toISOString();
    await s.command('override', { state: 'on', until, reason: 'training' });
    await s.controller.hold(hold(s));
    await s.controller.release('r1');
    expect(s.controller.state).toBe('on');
    expect(s.controller.override?.state).toBe('on');

    await s.command('override', { state: 'off', until, reason: 'repair' });
    const refused = await s.controller.hold(hold(s));
    expect(refused).toMatchObject({
      ok: false,
      refusal: { by: 'operator', reason: expect.stringMatching(/repair/) },
    });
    expect(s.controller.state).toBe('off');
  });

  test('a hold on battery is refused as the power partner’s, and switches nothing', async () => {
    const s = setup();
    await idleOff(s);
    s.feed(s.readings({ mains: false, upsChargePct: 70 }));
    expect(await s.controller.hold(hold(s))).toMatchObject({ ok: false, refusal: { by: 'mains' } });
    expect(s.controller.state).toBe('off');
  });

  test('a hold lapses by itself: a hub that died mid-rehearsal leaves no room on', async () => {
    const s = setup();
    await idleOff(s);
    await s.controller.hold(hold(s, 5));
    s.clock.advance(6 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
  });
});

describe('what the room reports while its equipment is off or booting', () => {
  test('the codec’s last check made while on stands, with its time, instead of a false unreachable', async () => {
    const s = setup({ bootDeadlineSec: 120 });
    await s.start();
    const checkedAt = s.clock.now().toISOString();
    expect(s.controller.refine(s.readings({ codec: 'up' })).codec).toEqual({ state: 'up', inCall: false });
    s.clock.advance(40 * MIN);
    await s.controller.evaluate();
    const off = s.controller.refine(s.readings({ codec: 'unreachable' }));
    expect(off.codec).toEqual({ state: 'up', inCall: false, checkedAt });
    expect(off.power).toMatchObject({ state: 'off', decision: 'idle', booting: false });

    await s.command('power.on', {});
    s.clock.advance(60_000);
    const booting = s.controller.refine(s.readings({ codec: 'unreachable' }));
    expect(booting.power).toMatchObject({ state: 'on', booting: true });
    expect(booting.codec.checkedAt).toBe(checkedAt);
    s.clock.advance(61_000);
    const late = s.controller.refine(s.readings({ codec: 'unreachable' }));
    expect(late.power.booting).toBe(false);
    expect(late.codec).toEqual({ state: 'unreachable', inCall: false });
  });

  test('a codec never checked since the agent started reads unchecked while off, not unreachable', async () => {
    const s = setup();
    await s.start();
    s.clock.advance(40 * MIN);
    await s.controller.evaluate();
    expect(s.controller.refine(s.readings({ codec: 'unreachable' })).codec).toMatchObject({
      state: 'unchecked',
      detail: expect.stringMatching(/equipment off/),
    });
  });
});
