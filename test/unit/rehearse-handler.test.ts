import { describe, expect, test } from '@jest/globals';
import { rehearsalChecks, rehearseHandler } from '../../agent/rehearsal/rehearse-handler.js';
import { type Readings, rehearseResult } from '../../shared/schemas.js';

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
    ['equipment off', with_({ power: { state: 'off' } }), 'power', 'fail', 'equipment'],
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
    expect(sip?.detail).toMatch(/SIP probe/);
  });

  test('the handler answers the contract of the rehearse reply', async () => {
    const result = await rehearseHandler(() => healthy)({});
    expect(rehearseResult.safeParse(result).success).toBe(true);
  });
});
