import { describe, expect, test } from '@jest/globals';
import type { TestCallCodec } from '../../agent/call/test-call-codec.js';
import type { ScheduleItem } from '../../agent/power/power-intents.js';
import { rehearsalChecks, rehearseHandler } from '../../agent/rehearsal/rehearse-handler.js';
import { type Readings, type RehearseResult, rehearseResult } from '../../shared/schemas.js';
import { FakeClock } from '../fakes/fake-clock.js';

const healthy: Readings = {
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 24, humidityPct: 55 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 30, jitterMs: 3, lossPct: 0.1 },
};

function with_(patch: { [K in keyof Readings]?: Partial<Readings[K]> }): Readings {
  return {
    power: { ...healthy.power, ...patch.power },
    climate: { ...healthy.climate, ...patch.climate },
    codec: { ...healthy.codec, ...patch.codec },
    link: { ...healthy.link, ...patch.link },
  };
}

describe('rehearsal checks on the agent, as a table', () => {
  test.each([
    ['healthy room', healthy, 'power', 'pass', undefined],
    ['healthy room', healthy, 'link', 'pass', undefined],
    ['mains lost', with_({ power: { mains: false, upsChargePct: 62 } }), 'power', 'fail', 'mains'],
    ['equipment did not switch on', with_({ power: { state: 'off' } }), 'power', 'fail', 'equipment'],
    [
      'equipment off: the codec is not judged',
      with_({ power: { state: 'off' } }),
      'codec',
      'not-run',
      undefined,
    ],
    ['UPS low on mains', with_({ power: { upsChargePct: 20 } }), 'power', 'marginal', 'equipment'],
    ['no UPS sensor', with_({ power: { mains: null, upsChargePct: null } }), 'power', 'not-run', undefined],
    ['loss 8 %', with_({ link: { lossPct: 8 } }), 'link', 'fail', 'line'],
    ['loss exactly 5 %', with_({ link: { lossPct: 5 } }), 'link', 'marginal', 'line'],
    ['loss exactly 1 %', with_({ link: { lossPct: 1 } }), 'link', 'pass', undefined],
    ['latency 500 ms', with_({ link: { latencyMs: 500 } }), 'link', 'fail', 'line'],
    ['jitter 40 ms', with_({ link: { jitterMs: 40 } }), 'link', 'marginal', 'line'],
    [
      'no link probe',
      with_({ link: { lossPct: null, latencyMs: null, jitterMs: null } }),
      'link',
      'not-run',
      undefined,
    ],
    ['codec down', with_({ codec: { state: 'down' } }), 'codec', 'fail', 'equipment'],
    ['codec unreachable', with_({ codec: { state: 'unreachable' } }), 'codec', 'fail', 'equipment'],
    ['no codec probe', with_({ codec: { state: 'unknown' } }), 'codec', 'not-run', undefined],
    ['hot room', with_({ climate: { tempC: 34 } }), 'climate', 'marginal', 'equipment'],
    ['climate sensor fault', with_({ climate: { fault: 'i2c timeout' } }), 'climate', 'not-run', undefined],
    [
      'no climate sensor',
      with_({ climate: { tempC: null, humidityPct: null } }),
      'climate',
      'not-run',
      undefined,
    ],
    ['codec up, not registered', with_({ codec: { registered: false } }), 'codec', 'fail', 'equipment'],
  ] as const)('%s: %s is %s', (_name, readings, check, status, fault) => {
    const found = rehearsalChecks(readings).find((c) => c.check === check);
    expect(found?.status).toBe(status);
    expect(found?.fault).toBe(fault);
  });

  test('a failing link names its figures and the limit as evidence and detail', () => {
    const link = rehearsalChecks(with_({ link: { lossPct: 8 } })).find((c) => c.check === 'link');
    expect(link?.evidence).toEqual({ lossPct: 8, latencyMs: 30, jitterMs: 3 });
    expect(link?.detail).toBe('loss 8 % to MCU over 5 %');
  });

  test('the agent judges its own four checks; the calls and peripherals are judged at the hub', () => {
    expect(rehearsalChecks(healthy).map((c) => c.check)).toEqual(['power', 'climate', 'codec', 'link']);
  });
});

describe('the rehearse command, for a room in any state', () => {
  function run(options: {
    found: 'on' | 'off';
    samples: readonly Readings[];
    refusal?: { by: 'mains' | 'operator'; reason: string };
    frozenBy?: ScheduleItem;
    calls?: TestCallCodec;
  }) {
    const clock = new FakeClock('2026-12-02T01:00:00Z');
    const journal: string[] = [];
    let next = 0;
    const handler = rehearseHandler({
      sample: async () => {
        journal.push(`sample at +${(clock.now().getTime() - Date.parse('2026-12-02T01:00:00Z')) / 1000} s`);
        const r = options.samples[Math.min(next++, options.samples.length - 1)]!;
        return r;
      },
      power: {
        hold: async (hold) => {
          journal.push(`hold ${hold.id} until ${hold.until.toISOString()}`);
          return options.refusal
            ? { ok: false, found: options.found, refusal: options.refusal }
            : { ok: true, found: options.found, sequence: null };
        },
        release: async (id) => {
          journal.push(`release ${id}`);
        },
      },
      clock,
      bootDeadlineSec: 180,
      pollSec: 5,
      frozenBy: () => options.frozenBy ?? null,
      ...(options.calls ? { testCall: options.calls } : {}),
      lineTest: async (target, durationMs) => {
        journal.push(`line test to ${target} for ${durationMs} ms`);
        return {
          target,
          outcome: 'answered',
          detail: 'answered 200 OK',
          sent: 500,
          received: 499,
          lossPct: 0.2,
          jitterMs: 1.5,
          rttMs: 42,
        };
      },
    });
    return { handler, journal, clock };
  }
  const booting = with_({
    power: { booting: true },
    codec: { state: 'up', checkedAt: '2026-12-01T09:00:00.000Z' },
  });
  const up = with_({ power: { booting: false } });

  test('a room found off is held on, waited for until its codec answers, judged afresh, and released', async () => {
    const t = run({ found: 'off', samples: [booting, booting, up] });
    const result = await t.handler({ holdId: 'r-1' });
    expect(rehearseResult.safeParse(result).success).toBe(true);
    expect(result.power).toEqual({ found: 'off', on: true, bootSec: 10 });
    expect(
      (result.checks as { check: string; status: string }[]).find((c) => c.check === 'codec')?.status,
    ).toBe('pass');
    expect(t.journal).toEqual([
      'hold r-1 until 2026-12-02T01:05:00.000Z',
      'sample at +0 s',
      'sample at +5 s',
      'sample at +10 s',
      'release r-1',
    ]);
  });

  test('a codec that never comes up fails as the technician’s, at the boot deadline', async () => {
    const dead = with_({ power: { booting: false }, codec: { state: 'unreachable', detail: 'no answer' } });
    const t = run({ found: 'off', samples: [...Array(36).fill(booting), dead] });
    const result = (await t.handler({})) as {
      checks: { check: string; status: string; fault?: string }[];
      power: unknown;
    };
    expect(result.checks.find((c) => c.check === 'codec')).toMatchObject({
      status: 'fail',
      fault: 'equipment',
    });
    expect(result.power).toEqual({ found: 'off', on: true, bootSec: null });
    expect(t.journal.at(-2)).toBe('sample at +180 s');
  });

  test('the judged sample is never the held one from before power-on', async () => {
    const t = run({ found: 'off', samples: [booting] });
    const result = (await t.handler({})) as { checks: { check: string; status: string; detail: string }[] };
    expect(result.checks.find((c) => c.check === 'codec')).toMatchObject({
      status: 'fail',
      detail: 'no answer from the codec since power-on within 180 s',
    });
  });

  test.each([
    [
      'on battery',
      { by: 'mains' as const, reason: 'on battery, 62 %' },
      'fail',
      'mains',
      /^power-on refused: on battery/,
    ],
    [
      'held off by the operator',
      { by: 'operator' as const, reason: 'held off by the operator until 20:00: repair' },
      'marginal',
      'operator',
      /^not switched on: held off/,
    ],
  ])(
    'a hold refused %s is that party’s, and nothing is waited for',
    async (_name, refusal, status, fault, detail) => {
      const off = with_({ power: { state: 'off', booting: false }, codec: { state: 'unchecked' } });
      const t = run({ found: 'off', samples: [off], refusal });
      const result = (await t.handler({})) as {
        checks: { check: string; status: string; fault?: string; detail: string }[];
        power: unknown;
      };
      expect(result.checks.find((c) => c.check === 'power')).toMatchObject({
        status,
        fault,
        detail: expect.stringMatching(detail),
      });
      expect(result.checks.find((c) => c.check === 'codec')?.status).toBe('not-run');
      expect(result.power).toMatchObject({ found: 'off', on: false, refused: refusal.reason });
      expect(t.journal.filter((l) => l.startsWith('sample'))).toHaveLength(1);
    },
  );

  /** A codec whose test call connects at once and reads one healthy channel. */
  function answeringCodec(journal: string[]): TestCallCodec {
    return {
      dial: async (number) => {
        journal.push(`dial ${number}`);
        return { ok: true, value: { callId: '7' } };
      },
      progress: async () => ({ ok: true, value: { state: 'connected' } }),
      media: async () => ({
        ok: true,
        value: [
          {
            id: 'a',
            media: 'audio',
            direction: 'incoming',
            codec: 'G722',
            jitterMs: 2,
            lost: 0,
            received: 250,
            rateKbps: 64,
          },
        ],
      }),
      audio: async () => ({ ok: true, value: { microphones: [], speaker: null } }),
      hangUp: async (id) => {
        journal.push(`hang up ${id}`);
        return { ok: true, value: null };
      },
    };
  }
  const asked = {
    holdId: 'r-2',
    testCall: { number: 'test@mcu.hnth.example', connectTimeoutSec: 30, measureSec: 20 },
    lineTest: { target: 'sip:9999@10.0.0.5:5060', durationSec: 10 },
  };

  test('asked for them, the room places its test call after the boot and runs the line test, then releases the hold', async () => {
    const journal: string[] = [];
    const t = run({ found: 'off', samples: [booting, up], calls: answeringCodec(journal) });
    const result = (await t.handler(asked)) as RehearseResult;
    expect(rehearseResult.safeParse(result).success).toBe(true);
    expect(result.testCall).toMatchObject({
      outcome: 'connected',
      dialled: 'test@mcu.hnth.example',
      measuredSec: 20,
      channels: [{ media: 'audio', codec: 'G722', lossPct: 0 }],
    });
    expect(result.lineTest).toMatchObject({ outcome: 'answered', lossPct: 0.2 });
    expect(journal).toEqual(['dial test@mcu.hnth.example', 'hang up 7']);
    expect(t.journal.at(-1)).toBe('release r-2');
    // Judged after the boot; sampled again once the call ended, so the hub sees it over.
    expect(t.journal.filter((l) => l.startsWith('sample'))).toHaveLength(3);
  });

  test.each([
    [
      'inside a meeting’s change freeze',
      {
        frozenBy: {
          id: 'm-1',
          kind: 'meeting',
          start: '2026-12-02T01:20:00Z',
          end: '2026-12-02T04:00:00Z',
          emergency: false,
        },
      },
      /^change freeze of meeting m-1/,
    ],
    ['during a call', { samples: [with_({ codec: { inCall: true } })] }, /^a call is in progress/],
    [
      'with the codec down',
      { samples: [with_({ codec: { state: 'down' } })] },
      /^the codec is not answering \(down/,
    ],
  ] as const)('no test call %s, and why; the line test still runs', async (_name, patch, why) => {
    const journal: string[] = [];
    const t = run({ found: 'on', samples: [up], calls: answeringCodec(journal), ...patch });
    const result = (await t.handler(asked)) as RehearseResult;
    expect(result.testCall).toMatchObject({ outcome: 'not-placed', detail: expect.stringMatching(why) });
    expect(result.lineTest?.outcome).toBe('answered');
    expect(journal).toEqual([]);
  });

  test('a rehearsal’s own window is no obstacle to its test call', async () => {
    const journal: string[] = [];
    const frozenBy: ScheduleItem = {
      id: 'm-1:T-2h',
      kind: 'rehearsal',
      start: '2026-12-02T01:00:00Z',
      end: '2026-12-02T01:30:00Z',
      emergency: false,
    };
    const t = run({ found: 'on', samples: [up], calls: answeringCodec(journal), frozenBy });
    expect(((await t.handler(asked)) as RehearseResult).testCall?.outcome).toBe('connected');
  });

  test('a hold refused on battery still runs the line test: the line is told apart from the room', async () => {
    const off = with_({ power: { state: 'off', booting: false }, codec: { state: 'unchecked' } });
    const journal: string[] = [];
    const t = run({
      found: 'off',
      samples: [off],
      refusal: { by: 'mains', reason: 'on battery, 62 %' },
      calls: answeringCodec(journal),
    });
    const result = (await t.handler(asked)) as RehearseResult;
    expect(result.testCall).toMatchObject({
      outcome: 'not-placed',
      detail: 'the room’s equipment is not switched on',
    });
    expect(result.lineTest?.outcome).toBe('answered');
    expect(t.journal).toContain('line test to sip:9999@10.0.0.5:5060 for 10000 ms');
  });

  test('bad arguments are named', async () => {
    const t = run({ found: 'on', samples: [up] });
    await expect(t.handler({ holdId: 7 })).rejects.toThrow(/^holdId: /);
  });
});
