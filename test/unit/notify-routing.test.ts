import { describe, expect, test } from '@jest/globals';
import type { IncidentContacts } from '../../hub/contacts/contact-directory.js';
import {
  inQuietHours,
  type Notice,
  quietHoursEnd,
  type RoutingConfig,
  routeNotice,
} from '../../hub/notify/notify-routing.js';

// 03:00Z is 10:00 in Asia/Ho_Chi_Minh.
const day = new Date('2026-11-30T03:00:00.000Z');
// 16:30Z is 23:30 there.
const night = new Date('2026-11-30T16:30:00.000Z');

const person = (name: string, email: string, bounced = false) => ({
  kind: 'room' as const,
  ownerId: 'x',
  name,
  unit: 'u',
  position: '',
  phone: '0912345678',
  email,
  updatedAt: day.toISOString(),
  confirmedAt: day.toISOString(),
  bounced,
  stale: bounced,
  staleReasons: [],
});

const config: RoutingConfig = {
  operatorEmails: ['noc@stttt.gov.vn'],
  minSeverity: 'warning',
  quietHours: { start: '22:00', end: '06:00' },
  webhooks: [
    { url: 'http://chat/all', minSeverity: 'warning' },
    { url: 'http://pager/critical', minSeverity: 'critical' },
  ],
};

const notice = (patch: Partial<Notice>): Notice => ({
  incidentId: 1,
  event: 'opened',
  roomId: 'ubnd-na-hang',
  cause: 'mains.lost',
  faultKind: 'mains',
  severity: 'critical',
  at: day.toISOString(),
  recoverSec: null,
  ...patch,
});

const tech = person('An', 'an@nahang.gov.vn');
const power = {
  partnerId: 'dien-luc-tuyen-quang',
  partnerName: 'Điện lực',
  contact: person('Bình', 'binh@evn.vn'),
};
const telecom = { partnerId: 'vnpt-tuyen-quang', partnerName: 'VNPT', contact: person('Chi', 'chi@vnpt.vn') };

function targets(n: Notice, contacts: IncidentContacts, now = day): string[] {
  return routeNotice(n, contacts, config, now).map((d) => {
    const why = d.skip ? ` (${d.skip})` : d.postponeUntil ? ` (until ${d.postponeUntil})` : '';
    return d.channel === 'email' ? `${d.role}:${d.to}${why}` : `webhook:${d.to}${why}`;
  });
}

// 06:00 the next morning in Asia/Ho_Chi_Minh, the end of `night`'s quiet hours.
const morning = '2026-11-30T23:00:00.000Z';

describe('notification routing by fault kind and severity', () => {
  const cases: [string, Notice, IncidentContacts, Date, string[]][] = [
    [
      'mains lost (critical): technician, operator, power partner, both webhooks',
      notice({}),
      { technician: tech, partners: [power] },
      day,
      [
        'operator:noc@stttt.gov.vn',
        'technician:an@nahang.gov.vn',
        'partner:binh@evn.vn',
        'webhook:http://chat/all',
        'webhook:http://pager/critical',
      ],
    ],
    [
      'link degraded (warning): the telecom partner, not the pager',
      notice({ cause: 'link.degraded', faultKind: 'line', severity: 'warning' }),
      { technician: tech, partners: [telecom] },
      day,
      [
        'operator:noc@stttt.gov.vn',
        'technician:an@nahang.gov.vn',
        'partner:chi@vnpt.vn',
        'webhook:http://chat/all',
      ],
    ],
    [
      'network (no room): operator and partners, no technician',
      notice({ roomId: null, cause: 'network.unreachable', faultKind: 'network' }),
      { technician: null, partners: [telecom, power] },
      day,
      [
        'operator:noc@stttt.gov.vn',
        'partner:chi@vnpt.vn',
        'partner:binh@evn.vn',
        'webhook:http://chat/all',
        'webhook:http://pager/critical',
      ],
    ],
    [
      'a room without a technician on file, and a bounced partner address, are recorded as skipped',
      notice({}),
      { technician: null, partners: [{ ...power, contact: person('Bình', 'binh@evn.vn', true) }] },
      day,
      [
        'operator:noc@stttt.gov.vn',
        'technician: (no technician on file)',
        'partner:binh@evn.vn (email bounced)',
        'webhook:http://chat/all',
        'webhook:http://pager/critical',
      ],
    ],
    [
      'quiet hours postpone a warning to their end',
      notice({ cause: 'climate.out-of-range', faultKind: 'climate', severity: 'warning' }),
      { technician: tech, partners: [] },
      night,
      [
        `operator:noc@stttt.gov.vn (until ${morning})`,
        `technician:an@nahang.gov.vn (until ${morning})`,
        `webhook:http://chat/all (until ${morning})`,
      ],
    ],
    [
      'in quiet hours a delivery with nobody to send to stays skipped, not postponed',
      notice({ cause: 'link.degraded', faultKind: 'line', severity: 'warning' }),
      { technician: null, partners: [{ ...telecom, contact: person('Chi', 'chi@vnpt.vn', true) }] },
      night,
      [
        `operator:noc@stttt.gov.vn (until ${morning})`,
        'technician: (no technician on file)',
        'partner:chi@vnpt.vn (email bounced)',
        `webhook:http://chat/all (until ${morning})`,
      ],
    ],
    [
      'the closing of a warning incident in quiet hours is postponed too',
      notice({ event: 'closed', cause: 'link.degraded', faultKind: 'line', severity: 'warning' }),
      { technician: tech, partners: [] },
      night,
      [
        `operator:noc@stttt.gov.vn (until ${morning})`,
        `technician:an@nahang.gov.vn (until ${morning})`,
        `webhook:http://chat/all (until ${morning})`,
      ],
    ],
    [
      'quiet hours let a critical incident through',
      notice({ cause: 'room.offline', faultKind: 'offline' }),
      { technician: tech, partners: [telecom] },
      night,
      [
        'operator:noc@stttt.gov.vn',
        'technician:an@nahang.gov.vn',
        'partner:chi@vnpt.vn',
        'webhook:http://chat/all',
        'webhook:http://pager/critical',
      ],
    ],
    [
      'info is below the email minimum and every webhook minimum',
      notice({ severity: 'info' }),
      { technician: tech, partners: [] },
      day,
      [],
    ],
  ];
  test.each(cases)('%s', (_name, n, contacts, now, expected) => {
    expect(targets(n, contacts, now)).toEqual(expected);
  });
});

describe('quiet hours in Asia/Ho_Chi_Minh', () => {
  test.each([
    ['22:00', '06:00', '2026-11-30T15:00:00Z', true], // 22:00 local
    ['22:00', '06:00', '2026-11-30T14:59:00Z', false], // 21:59
    ['22:00', '06:00', '2026-11-30T22:59:00Z', true], // 05:59
    ['22:00', '06:00', '2026-11-30T23:00:00Z', false], // 06:00
    ['12:00', '13:30', '2026-11-30T05:30:00Z', true], // 12:30
    ['', '', '2026-11-30T16:00:00Z', false],
  ])('%s-%s at %s: %s', (start, end, iso, quiet) => {
    expect(inQuietHours(new Date(iso), { start, end })).toBe(quiet);
  });
});

describe('the end of the quiet hours a notice is postponed to', () => {
  test.each([
    // Over midnight, 22:00-06:00 local (UTC+7).
    ['22:00', '06:00', '2026-11-30T15:00:00.000Z', '2026-11-30T23:00:00.000Z'], // 22:00, first minute
    ['22:00', '06:00', '2026-11-30T16:59:59.999Z', '2026-11-30T23:00:00.000Z'], // 23:59:59.999
    ['22:00', '06:00', '2026-11-30T17:00:00.000Z', '2026-11-30T23:00:00.000Z'], // 00:00, past midnight
    ['22:00', '06:00', '2026-11-30T22:59:00.000Z', '2026-11-30T23:00:00.000Z'], // 05:59, last minute
    ['22:00', '06:00', '2026-11-30T22:59:59.999Z', '2026-11-30T23:00:00.000Z'], // 05:59:59.999
    ['22:00', '06:00', '2026-11-30T23:00:00.000Z', null], // 06:00: over
    ['22:00', '06:00', '2026-11-30T14:59:59.999Z', null], // 21:59:59.999: not yet
    // Over midnight, with minutes: 23:30-00:15.
    ['23:30', '00:15', '2026-11-30T16:30:00.000Z', '2026-11-30T17:15:00.000Z'], // 23:30
    ['23:30', '00:15', '2026-11-30T17:14:30.000Z', '2026-11-30T17:15:00.000Z'], // 00:14:30
    ['23:30', '00:15', '2026-11-30T17:15:00.000Z', null], // 00:15
    // From midnight, and within one day.
    ['00:00', '06:00', '2026-11-30T17:00:00.000Z', '2026-11-30T23:00:00.000Z'], // 00:00
    ['12:00', '13:30', '2026-11-30T05:00:00.000Z', '2026-11-30T06:30:00.000Z'], // 12:00
    ['12:00', '13:30', '2026-11-30T06:29:00.000Z', '2026-11-30T06:30:00.000Z'], // 13:29
    ['12:00', '13:30', '2026-11-30T06:30:00.000Z', null], // 13:30
    // No quiet hours, and a window of no length.
    ['', '', '2026-11-30T16:00:00.000Z', null],
    ['22:00', '22:00', '2026-11-30T15:00:00.000Z', null],
  ])('%s-%s at %s: until %s', (start, end, iso, until) => {
    const now = new Date(iso);
    const got = quietHoursEnd(now, { start, end });
    expect(got?.toISOString() ?? null).toBe(until);
    // The end is exactly the first moment inQuietHours lets go of, and it is still quiet a millisecond before.
    expect(inQuietHours(now, { start, end })).toBe(until !== null);
    if (got) {
      expect(inQuietHours(got, { start, end })).toBe(false);
      expect(inQuietHours(new Date(got.getTime() - 1), { start, end })).toBe(true);
    }
  });

  test('critical notices go at once at any hour of the night', () => {
    for (let minute = 0; minute < 24 * 60; minute += 7) {
      const at = new Date(Date.parse('2026-11-30T17:00:00.000Z') + minute * 60_000);
      const sent = routeNotice(notice({}), { technician: tech, partners: [power] }, config, at);
      expect(sent.filter((d) => d.postponeUntil || d.skip)).toEqual([]);
    }
  });
});
