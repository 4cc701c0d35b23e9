import { describe, expect, test } from '@jest/globals';
import { rehearsalChecks, rehearseHandler } from '../../agent/rehearsal/rehearse-handler.js';
import { type Readings, rehearseResult } from '../../shared/schemas.js';
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

  test('the SIP test call is reported as not run, with why, never as passed', () => {
    const sip = rehearsalChecks(healthy).find((c) => c.check === 'sip');
    expect(sip?.status).toBe('not-run');
    expect(sip?.detail).toMatch(/no test call is placed/);
  });
});

describe('the rehearse command, for a room in any state', () => {
  function run(options: {
    found: 'on' | 'off';
    samples: Readings[];
    refusal?: { by: 'mains' | 'operator'; reason: string };
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
    });
    return { handler, journal };
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

  test('bad arguments are named', async () => {
    const t = run({ found: 'on', samples: [up] });
    await expect(t.handler({ holdId: 7 })).rejects.toThrow(/^holdId: /);
  });
});
