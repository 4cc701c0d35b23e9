import { describe, expect, test } from '@jest/globals';
import { loadHubConfig } from '../../hub/config.js';
import { ConfigError } from '../../shared/config-file.js';

describe('hub configuration: incidents, contacts, notify', () => {
  test('defaults: hysteresis, 180 days, no SMTP, no webhooks, no secrets', () => {
    const c = loadHubConfig({ env: {} });
    expect(c.incidents).toEqual({
      raiseAfterSec: 10,
      clearAfterSec: 60,
      networkOfflineFraction: 0.5,
      startupGraceSec: 120,
      checkSec: 5,
    });
    expect(c.contacts.staleAfterDays).toBe(180);
    expect(c.notify).toMatchObject({ operatorEmails: [], webhooks: [], smtp: { host: '', password: '' } });
  });

  test('the environment sets SMTP and the operator addresses', () => {
    const c = loadHubConfig({
      env: {
        HNTH_SMTP_HOST: 'mail.tuyenquang.gov.vn',
        HNTH_SMTP_PORT: '465',
        HNTH_SMTP_SECURE: 'true',
        HNTH_NOTIFY_OPERATOR_EMAILS: 'noc@stttt.gov.vn, truc@stttt.gov.vn',
      },
    });
    expect(c.notify.smtp).toMatchObject({ host: 'mail.tuyenquang.gov.vn', port: 465, secure: true });
    expect(c.notify.operatorEmails).toEqual(['noc@stttt.gov.vn', 'truc@stttt.gov.vn']);
  });

  test.each([
    ['notify.quietHoursStart', '10pm', /notify\.quietHoursStart: must be a local time HH:mm/],
    [
      'notify.webhooks',
      [{ url: 'ftp://x', minSeverity: 'warning' }],
      /notify\.webhooks: \[0\]\.url must be an http\(s\) URL/,
    ],
    ['notify.webhooks', [{ url: 'https://x', minSeverity: 'loud' }], /\[0\]\.minSeverity must be one of/],
    [
      'notify.operatorEmails',
      ['not an address'],
      /notify\.operatorEmails: "not an address" is not an email address/,
    ],
    ['notify.minSeverity', 'urgent', /notify\.minSeverity/],
    ['incidents.networkOfflineFraction', 0, /incidents\.networkOfflineFraction: must be a number above 0/],
  ])('%s = %j is refused, naming the key', (key, value, message) => {
    expect(() => loadHubConfig({ env: {}, overrides: { [key]: value } })).toThrow(ConfigError);
    expect(() => loadHubConfig({ env: {}, overrides: { [key]: value } })).toThrow(message);
  });
});
