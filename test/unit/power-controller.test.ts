import { afterAll, describe, expect, test } from '@jest/globals';
import type { AgentContext } from '../../agent/agent-part.js';
import { CommandRouter } from '../../agent/commands/command-router.js';
import type { EdgeEvent } from '../../agent/edges.js';
import { nominal } from '../../agent/edges.js';
import { PowerController } from '../../agent/power/power-controller.js';
import { ScheduleCache } from '../../agent/power/schedule-cache.js';
import { createLogger } from '../../shared/logger.js';
import type { Readings, ReplyMessage, ScheduleMessage } from '../../shared/schemas.js';
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

function setup(options: { items?: Item[]; clockSynced?: () => boolean; quietMin?: number } = {}) {
  const clock = new FakeClock(day);
  const journal: string[] = [];
  const outputs = [
    new FakePowerOutput('mains', 100, journal),
    new FakePowerOutput('display', 200, journal),
    new FakePowerOutput('codec', 50, journal),
  ];
  const schedule = new ScheduleCache(`${dir.path}/schedule-${files++}.json`, log, clock.now);
  const events: EdgeEvent[] = [];
  const ran: string[][] = [];
  const replies: ReplyMessage[] = [];
  const commands = new CommandRouter((r) => replies.push(r), log, clock.now);
  let onSchedule: ((topic: string, payload: Buffer) => void) | null = null;
  const context: AgentContext = {
    roomId: 'tinh-uy',
    commands,
    emit: (e) => events.push(e),
    subscribe: (_topic, handler) => {
      onSchedule = handler;
    },
    connected: () => true,
  };
  const controller = new PowerController({
    outputs,
    onSequence: [{ output: 'mains' }, { output: 'display' }, { output: 'codec' }],
    offSequence: [{ output: 'codec' }, { output: 'display' }, { output: 'mains' }],
    standbyOutputs: ['codec'],
    policy: { warmUpMin: 30, quietMin: options.quietMin ?? 30, scheduleMaxAgeH: 24, upsShutdownPct: 20 },
    schedule,
    tickSec: 60,
    retryAfterSec: 300,
    shutdownArgv: ['systemctl', 'poweroff'],
    runner: async (argv) => {
      ran.push([...argv]);
      return { exitCode: 0, output: '' };
    },
    clockSynced: options.clockSynced ?? (() => true),
    now: clock.now,
    sleep: clock.sleep,
    every: () => () => {},
    log,
  });
  const publishSchedule = (items: Item[]) =>
    onSchedule!('', Buffer.from(JSON.stringify({ v: 1, ts: clock.now().toISOString(), items })));
  const readings = (patch: { inCall?: boolean; mains?: boolean; upsChargePct?: number } = {}): Readings => ({
    ...nominal,
    power: { mains: patch.mains ?? true, upsChargePct: patch.upsChargePct ?? 100, state: controller.state },
    codec: { state: 'up', inCall: patch.inCall ?? false },
  });
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
  return { clock, journal, outputs, controller, events, ran, start, publishSchedule, readings, command };
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
      s.controller.observe(s.readings({ inCall: minute >= 130 && minute < 250 }));
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
      '390 on', // rehearsal warm-up
      '480 off', // 30 min after the rehearsal
    ]);
    expect(s.events.map((e) => e.type)).toEqual([
      'power.on',
      'power.off',
      'power.on',
      'power.off',
      'power.on',
      'power.off',
    ]);
    expect(s.events[2]!.data.reason).toMatch(/^meeting m-2026-12-01T02:00:00.000Z from/);
    expect(s.events[3]!.data.reason).toBe('idle for 30 min with nothing scheduled');
    const onH = (30 + 189 + 90) / 60;
    expect(s.controller.telemetry().energy).toEqual({
      sinceIso: day,
      usedWh: 1802.5,
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
      s.controller.observe(s.readings());
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

describe('power control on a low UPS', () => {
  test('announces, switches off in order, then halts the controller, once', async () => {
    const s = setup();
    await s.start();
    s.journal.length = 0;
    s.controller.observe(s.readings({ mains: false, upsChargePct: 18 }));
    await s.controller.evaluate();
    s.controller.observe(s.readings({ mains: false, upsChargePct: 17 }));
    await s.controller.evaluate();
    expect(s.events.slice(1).map((e) => e.type)).toEqual(['ups.shutdown', 'power.off']);
    expect(s.events[1]).toMatchObject({ severity: 'critical', data: { upsChargePct: 18 } });
    expect(s.journal).toEqual(['codec off', 'display off', 'mains off']);
    expect(s.ran).toEqual([['systemctl', 'poweroff']]);
  });

  test('waits for a call to end before cutting it', async () => {
    const s = setup();
    await s.start();
    s.controller.observe(s.readings({ mains: false, upsChargePct: 15, inCall: true }));
    await s.controller.evaluate();
    expect(s.controller.state).toBe('on');
    expect(s.ran).toEqual([]);
    s.controller.observe(s.readings({ mains: false, upsChargePct: 14, inCall: false }));
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
    expect(s.ran).toHaveLength(1);
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
        item('2026-12-01T00:10:00.000Z', '2026-12-01T01:00:00.000Z'),
        item('2026-12-01T03:00:00.000Z', '2026-12-01T04:00:00.000Z'),
      ],
    });
    await s.start();
    const off = await s.command('power.off', {});
    expect(off.result).toMatchObject({ power: 'off', until: '2026-12-01T02:30:00.000Z' });
    s.clock.advance(60 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('off');
    s.clock.advance(90 * MIN);
    await s.controller.evaluate();
    expect(s.controller.state).toBe('on');
  });

  test('power.off during a call is refused unless forced, and the reason is kept', async () => {
    const s = setup();
    await s.start();
    s.controller.observe(s.readings({ inCall: true }));
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

  test('power.off during an emergency meeting is refused, since the room would come straight back on', async () => {
    const s = setup({
      items: [item('2026-12-01T00:30:00.000Z', '2026-12-01T02:00:00.000Z', { emergency: true })],
    });
    await s.start();
    expect(await s.command('power.off', { force: true })).toMatchObject({
      ok: false,
      error: {
        code: 'refused',
        message: expect.stringMatching(/^emergency meeting m-2026-12-01T00:30:00.000Z until/),
      },
    });
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
    s.controller.observe(s.readings({ inCall: true }));
    expect(await s.command('standby', {})).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(await s.command('power.on', {})).toMatchObject({ ok: true, result: { changed: true } });
    expect(s.journal).toEqual(['codec off', 'codec on']);
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
