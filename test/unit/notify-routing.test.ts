import { describe, expect, test } from '@jest/globals';
import type { IncidentContacts } from '../../hub/contacts/contact-directory.js';
import {
  inQuietHours,
  type Notice,
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
  return routeNotice(n, contacts, config, now).map((d) =>
    d.channel === 'email'
      ? `${d.role}:${d.to}${d.skip ? ` (${d.skip})` : ''}`
      : `webhook:${d.to}${d.skip ? ` (${d.skip})` : ''}`,
  );
}

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
      'quiet hours hold a warning back',
      notice({ cause: 'climate.out-of-range', faultKind: 'climate', severity: 'warning' }),
      { technician: tech, partners: [] },
      night,
      [
        'operator:noc@stttt.gov.vn (quiet hours)',
        'technician:an@nahang.gov.vn (quiet hours)',
        'webhook:http://chat/all (quiet hours)',
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
