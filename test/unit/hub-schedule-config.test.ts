import { describe, expect, test } from '@jest/globals';
import { loadHubConfig } from '../../hub/config.js';
import { ConfigError } from '../../shared/config-file.js';

describe('the hub’s schedule settings', () => {
  test('default to the regulation: 48 h notice, rehearsals at T-24h and T-2h, deadline T-1h', () => {
    expect(loadHubConfig({ env: {} }).schedule).toEqual({
      noticeHours: 48,
      prepMinutes: 60,
      rehearsalOffsetsH: [24, 2],
      deadlineH: 1,
      rehearsalMin: 30,
      recheckMin: 5,
      rehearseTimeoutSec: 300,
      warmUpMin: 30,
      powerOnTimeoutSec: 60,
      inspectionCron: '0 7 * * 1',
    });
  });

  test('take fractions of a minute for re-checks and a cron from the environment', () => {
    const c = loadHubConfig({ env: { HNTH_RECHECK_MIN: '0.5', HNTH_INSPECTION_CRON: '30 6 * * *' } });
    expect(c.schedule).toMatchObject({ recheckMin: 0.5, inspectionCron: '30 6 * * *' });
  });

  test.each([
    ['schedule.recheckMin', 0, /schedule\.recheckMin: must be a number greater than 0/],
    ['schedule.rehearsalOffsetsH', [], /schedule\.rehearsalOffsetsH: must be a non-empty list of hours/],
    [
      'schedule.rehearsalOffsetsH',
      [24, -2],
      /schedule\.rehearsalOffsetsH: must be a non-empty list of hours/,
    ],
    ['schedule.deadlineH', 'soon', /schedule\.deadlineH: must be a number greater than 0/],
    ['schedule.noticeHours', -48, /schedule\.noticeHours/],
  ])('a bad %s stops the start naming the key', (key, value, message) => {
    const load = () => loadHubConfig({ env: {}, overrides: { [key]: value } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});
