/**
 * Why notices do not reach people, as codes: each skip reason the routing really gives (nobody on
 * file, a bounced address) and the notifier's "no SMTP relay", a failed delivery, and the settings
 * that stop notices before any is recorded. Only the window's deliveries count. Then the banner's
 * words for them: the rooms named where the deliveries stored them, never an empty list.
 */
import { beforeEach, describe, expect, test } from '@jest/globals';
import { deliveryProblem, noticeProblems } from '../../hub/api/notice-problems.js';
import { routeNotice } from '../../hub/notify/notify-routing.js';
import { setLang } from '../../hub/web/src/i18n/i18n.js';
import { problemText } from '../../hub/web/src/notice-problem-text.js';

const at = '2026-12-01T03:00:00.000Z';
const person = (bounced: boolean) => ({
  kind: 'room' as const,
  ownerId: 'x',
  name: 'An',
  unit: 'u',
  position: '',
  phone: '0912345678',
  email: 'an@nahang.gov.vn',
  updatedAt: at,
  confirmedAt: at,
  bounced,
  stale: bounced,
  staleReasons: [],
});

describe('the reason of a delivery that did not go out', () => {
  test('the routing’s own skip reasons', () => {
    const deliveries = routeNotice(
      {
        incidentId: 1,
        event: 'opened',
        roomId: 'ubnd-na-hang',
        cause: 'mains.lost',
        faultKind: 'mains',
        severity: 'critical',
        at,
        recoverSec: null,
      },
      { technician: null, partners: [{ partnerId: 'p', partnerName: 'Điện lực', contact: null }] },
      { operatorEmails: [], minSeverity: 'info', quietHours: { start: '', end: '' }, webhooks: [] },
      new Date(at),
    );
    expect(deliveries.map((d) => deliveryProblem({ status: 'skipped', error: d.skip ?? null }))).toEqual([
      'no-technician',
      'no-partner-contact',
    ]);
    const bounced = routeNotice(
      {
        incidentId: 1,
        event: 'opened',
        roomId: 'ubnd-na-hang',
        cause: 'codec.down',
        faultKind: 'equipment',
        severity: 'critical',
        at,
        recoverSec: null,
      },
      { technician: person(true), partners: [] },
      { operatorEmails: [], minSeverity: 'info', quietHours: { start: '', end: '' }, webhooks: [] },
      new Date(at),
    );
    expect(deliveryProblem({ status: 'skipped', error: bounced[0]!.skip ?? null })).toBe('bounced');
  });

  test.each([
    [{ status: 'skipped' as const, error: 'no SMTP relay configured (notify.smtp.host)' }, 'no-smtp'],
    [{ status: 'failed' as const, error: 'HTTP 502' }, 'delivery-failed'],
    [{ status: 'sent' as const, error: null }, null],
    [{ status: 'postponed' as const, error: null }, null],
  ])('%j is %s', (record, code) => {
    expect(deliveryProblem(record)).toBe(code);
  });
});

describe('the problems of a week', () => {
  const since = new Date('2026-11-24T03:00:00Z');
  const row = (
    createdAt: string,
    status: 'sent' | 'skipped' | 'failed',
    error: string | null,
    roomId: string | null,
  ) => ({ createdAt, status, error, roomId });

  test('missing settings first known, then the deliveries by count, rooms named once', () => {
    const problems = noticeProblems(
      [
        row('2026-12-01T01:00:00Z', 'skipped', 'no technician on file', 'ubnd-na-hang'),
        row('2026-12-01T02:00:00Z', 'skipped', 'no technician on file', 'ubnd-na-hang'),
        row('2026-11-30T02:00:00Z', 'skipped', 'no technician on file', 'so-y-te'),
        row('2026-11-01T02:00:00Z', 'skipped', 'no technician on file', 'ubnd-tinh'),
        row('2026-12-01T02:00:00Z', 'failed', 'HTTP 500', null),
        row('2026-12-01T02:00:00Z', 'sent', null, 'ubnd-na-hang'),
      ],
      { operatorEmails: 0, smtp: true },
      since,
    );
    expect(problems).toEqual([
      {
        code: 'no-technician',
        count: 3,
        lastAt: '2026-12-01T02:00:00Z',
        roomIds: ['ubnd-na-hang', 'so-y-te'],
      },
      { code: 'delivery-failed', count: 1, lastAt: '2026-12-01T02:00:00Z', roomIds: [] },
      { code: 'no-operator-address', count: 0, lastAt: null, roomIds: [] },
    ]);
  });

  test('nothing wrong: nothing to say', () => {
    expect(noticeProblems([], { operatorEmails: 1, smtp: true }, since)).toEqual([]);
  });
});

describe('the banner’s words for a week’s problems', () => {
  const since = new Date('2026-11-24T03:00:00Z');
  const names: Record<string, string> = { 'ubnd-na-hang': 'UBND huyện Na Hang', 'so-y-te': 'Sở Y tế' };
  const app = { roomName: (id: string | null) => names[id ?? ''] ?? String(id) };
  const noTechnician = (roomId: string | null) => ({
    createdAt: '2026-12-01T01:00:00Z',
    status: 'skipped' as const,
    error: 'no technician on file',
    roomId,
  });
  const words = (roomIds: (string | null)[], setup = { operatorEmails: 1, smtp: true }) =>
    noticeProblems(roomIds.map(noTechnician), setup, since).map((p) => problemText(p, app));

  beforeEach(() => setLang('vi'));

  test('the rooms the deliveries stored are named, each once; a delivery without one adds no name', () => {
    expect(words(['ubnd-na-hang', null, 'so-y-te', 'ubnd-na-hang'])).toEqual([
      '4 thông báo không gửi được vì điểm cầu chưa có cán bộ kỹ thuật trong danh bạ: UBND huyện Na Hang, Sở Y tế.',
    ]);
  });

  test('no room stored at all (rows from before rooms were kept): the sentence without a list', () => {
    expect(words([null, null])).toEqual([
      '2 thông báo không gửi được vì điểm cầu chưa có cán bộ kỹ thuật trong danh bạ.',
    ]);
    setLang('en');
    expect(words([null])).toEqual(['1 notice not sent: no technician on file for their room.']);
    expect(words(['so-y-te'])).toEqual(['1 notice not sent: no technician on file for Sở Y tế.']);
  });

  test('a missing setting is said as it is, with no count and no rooms', () => {
    expect(words([], { operatorEmails: 1, smtp: false })).toEqual([
      'Chưa cấu hình máy chủ gửi thư (notify.smtp.host): không thư nào được gửi.',
    ]);
  });
});
