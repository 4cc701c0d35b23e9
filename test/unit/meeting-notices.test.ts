import { describe, expect, test } from '@jest/globals';
import type { ContactView } from '../../hub/contacts/contact-directory.js';
import { bookingText, escalationText, verdictText } from '../../hub/notify/meeting-notice-text.js';
import { type AddressBook, addressMeetingNotice, MeetingNotices } from '../../hub/notify/meeting-notices.js';
import type { Letter } from '../../hub/notify/notifier.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { Attempt, Escalation, Rehearsal } from '../../hub/schedule/rehearsals-repo.js';
import { hasKey } from '../../hub/web/src/i18n/i18n.js';
import { builtInFleet } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';
import { rehearsalCheckNames } from '../../shared/schemas.js';

const TITLE = 'Họp Ban Thường vụ (MẬT)';
const meeting: Meeting = {
  id: 'm1',
  title: TITLE,
  kind: 'committee',
  hostUnit: 'UBND tỉnh',
  hostRoomId: 'ubnd-tinh',
  roomIds: ['ubnd-tinh', 'ubnd-yen-son', 'ubnd-ham-yen'],
  start: '2027-01-07T01:00:00.000Z',
  end: '2027-01-07T04:00:00.000Z',
  emergency: null,
  registeredBy: 'op',
  registeredAt: '2027-01-04T02:00:00.000Z',
  updatedAt: '2027-01-04T02:00:00.000Z',
  status: 'scheduled',
};
const context = { fleet: builtInFleet, rehearsalOffsetsH: [24, 2], deadlineH: 1 };

function contact(email: string, bounced = false): ContactView {
  return {
    kind: 'room',
    ownerId: 'x',
    name: email.split('@')[0]!,
    unit: 'u',
    position: '',
    phone: '0912345678',
    email,
    updatedAt: '2027-01-01T00:00:00.000Z',
    confirmedAt: '2027-01-01T00:00:00.000Z',
    bounced,
    stale: bounced,
    staleReasons: [],
  };
}

const technicians: Record<string, ContactView> = {
  'ubnd-tinh': contact('host@tuyenquang.gov.vn'),
  'ubnd-yen-son': contact('ky.thuat@yenson.gov.vn'),
  // The same person looks after two rooms, one of them not in the meeting.
  'ubnd-ham-yen': contact('chung@tuyenquang.gov.vn'),
  'ubnd-son-duong': contact('chung@tuyenquang.gov.vn'),
  'ubnd-lam-binh': contact('gone@lambinh.gov.vn', true),
};

const book: AddressBook = {
  operatorEmails: ['noc@stttt.gov.vn'],
  technician: (roomId) => technicians[roomId] ?? null,
  partner: (partnerId) => ({
    partnerId,
    partnerName: partnerId === 'vnpt-tuyen-quang' ? 'Viễn thông Tuyên Quang' : 'Công ty Điện lực Tuyên Quang',
    contact: partnerId === 'vnpt-tuyen-quang' ? contact('trucca@vnpt.vn') : null,
  }),
  webhooks: [
    { url: 'https://chat.example/warn', minSeverity: 'warning' },
    { url: 'https://chat.example/crit', minSeverity: 'critical' },
  ],
};

describe('who a meeting notice goes to (art. 8.1, 13.1c)', () => {
  const to = (
    severity: Parameters<typeof addressMeetingNotice>[3],
    recipients: Parameters<typeof addressMeetingNotice>[0],
  ) =>
    addressMeetingNotice(recipients, meeting.roomIds, book, severity).map((a) => ({
      to: a.delivery.to,
      skip: a.delivery.skip ?? null,
      titled: a.reader.titled,
    }));

  test('the department and the meeting’s rooms read the title; a partner and a webhook do not', () => {
    expect(
      to('critical', [
        { kind: 'operator' },
        { kind: 'room-technician', roomId: 'ubnd-tinh' },
        { kind: 'partner', partnerId: 'vnpt-tuyen-quang' },
      ]),
    ).toEqual([
      { to: 'noc@stttt.gov.vn', skip: null, titled: true },
      { to: 'host@tuyenquang.gov.vn', skip: null, titled: true },
      { to: 'trucca@vnpt.vn', skip: null, titled: false },
      { to: 'https://chat.example/warn', skip: null, titled: false },
      { to: 'https://chat.example/crit', skip: null, titled: false },
    ]);
  });

  test('one copy per address, titled if any of its rooms is in the meeting; gaps and bounces kept as skipped', () => {
    expect(
      to(null, [
        { kind: 'room-technician', roomId: 'ubnd-son-duong' },
        { kind: 'room-technician', roomId: 'ubnd-ham-yen' },
        { kind: 'room-technician', roomId: 'ubnd-chiem-hoa' },
        { kind: 'room-technician', roomId: 'ubnd-lam-binh' },
        { kind: 'partner', partnerId: 'dien-luc-tuyen-quang' },
      ]),
    ).toEqual([
      { to: 'chung@tuyenquang.gov.vn', skip: null, titled: true },
      { to: 'gone@lambinh.gov.vn', skip: 'email bounced', titled: false },
      { to: '', skip: 'no technician on file', titled: false },
      { to: '', skip: 'no on-call contact on file', titled: false },
    ]);
  });

  test('webhooks hear only what reaches their severity, and nothing without one (booking notices)', () => {
    expect(to('warning', []).map((d) => d.to)).toEqual(['https://chat.example/warn']);
    expect(to('info', [])).toEqual([]);
    expect(to(null, [])).toEqual([]);
  });
});

describe('the words of a meeting notice', () => {
  const titled = { titled: true, roomId: null };
  const outsider = { titled: false, roomId: null };

  test('a booking: kind, local times, host, rooms, and when the rehearsals and the deadline fall', () => {
    const { subject, text } = bookingText('registered', meeting, context, titled);
    expect(subject).toBe(`[HNTH] Cuộc họp mới: ${TITLE}, 07/01/2027 08:00`);
    expect(text).toContain('Loại cuộc họp: Hội nghị UBND');
    expect(text).toContain('Thời gian: 07/01/2027 08:00 đến 11:00 (giờ Việt Nam)');
    expect(text).toContain('Điểm cầu chính: Văn phòng UBND tỉnh');
    expect(text).toContain(
      'Các điểm cầu tham dự (3): Văn phòng UBND tỉnh, UBND huyện Yên Sơn, UBND huyện Hàm Yên',
    );
    expect(text).toContain(
      'Chạy thử lúc 06/01/2027 08:00, 07/01/2027 06:00; kiểm tra xong trước 07/01/2027 07:00',
    );
    expect(text).toContain('Time: 07/01/2027 08:00 to 11:00 (Asia/Ho_Chi_Minh)');
  });

  test('a reader who may not see the title reads "Cuộc họp", in the subject and the text', () => {
    const { subject, text } = bookingText('registered', meeting, context, outsider);
    expect(subject).toBe('[HNTH] Cuộc họp mới: Cuộc họp, 07/01/2027 08:00');
    expect(`${subject}\n${text}`).not.toContain('MẬT');
    expect(text).toContain('Meeting: Meeting');
  });

  test('a room taken out of a meeting is told so, without the title it may no longer read', () => {
    const { text } = bookingText('changed', meeting, context, { titled: false, roomId: 'ubnd-son-duong' });
    expect(text).toContain('Điểm cầu UBND huyện Sơn Dương không còn tham dự cuộc họp này.');
    expect(text).not.toContain('MẬT');
  });

  test('an emergency says its rooms power on at once, and names no rehearsal', () => {
    const { text } = bookingText(
      'registered',
      { ...meeting, emergency: { reason: 'flood' } },
      context,
      titled,
    );
    expect(text).toContain('Họp đột xuất, khẩn cấp (Lũ lụt): các điểm cầu được bật ngay (Điều 8.2).');
    expect(text).not.toContain('Chạy thử lúc');
  });

  const attempt = (
    roomId: string,
    verdict: Attempt['verdict'],
    failures: Attempt['failures'] = [],
  ): Attempt => ({
    roomId,
    attempt: 1,
    startedAt: '2027-01-06T23:00:00.000Z',
    finishedAt: '2027-01-06T23:01:00.000Z',
    answered: true,
    error: null,
    powerOn: { ok: true, detail: '' },
    checks: [],
    verdict,
    failures,
  });
  const codecDown = {
    check: 'codec' as const,
    status: 'fail' as const,
    detail: 'codec down',
    responsible: [{ kind: 'room-technician' as const, roomId: 'ubnd-yen-son' }],
  };

  test('a verdict counts the rooms, names each failing room with its checks, and who must act', () => {
    const r: Rehearsal & { verdict: 'at-risk' } = {
      ...rehearsal('T-2h'),
      verdict: 'at-risk',
    };
    const { subject, text } = verdictText(
      r,
      [attempt('ubnd-tinh', 'go'), attempt('ubnd-yen-son', 'no-go', [codecDown])],
      meeting,
      false,
      context,
      titled,
    );
    expect(subject).toBe(`[HNTH] Chạy thử trước 2 giờ: Có rủi ro, ${TITLE}, 07/01/2027 08:00`);
    // Hàm Yên has not answered yet: it counts as no go.
    expect(text).toContain('1 điểm cầu đạt, 0 có rủi ro, 2 không đạt.');
    expect(text).toContain('UBND huyện Yên Sơn: Không đạt, Thiết bị');
    expect(text).toContain('Cần xử lý: cán bộ kỹ thuật UBND huyện Yên Sơn');
    expect(text).toContain('Rehearsal 2 h before of the meeting at 07/01/2027 08:00: At risk.');
  });

  test('every check a failure can name has its words in the catalogue', () => {
    for (const check of [...rehearsalCheckNames, 'answer', 'readiness', 'ups-runtime'])
      expect([check, hasKey(`check.${check}`)]).toEqual([check, true]);
  });

  test('an escalation names the room, what fails and who must act: the power partner for the mains', () => {
    const e: Escalation = {
      id: 4,
      rehearsalId: 'r2',
      meetingId: 'm1',
      roomId: 'ubnd-ham-yen',
      at: '2027-01-07T02:00:00.000Z',
      verdict: 'no-go',
      failures: [
        {
          check: 'ups-runtime',
          status: 'fail',
          detail: '40 min of UPS for 120 min of meeting',
          responsible: [{ kind: 'partner', partnerId: 'dien-luc-tuyen-quang' }],
        },
      ],
    };
    const { subject, text } = escalationText(e, meeting, context, outsider);
    expect(subject).toBe('[HNTH] Cần xử lý ngay: UBND huyện Hàm Yên, cuộc họp Cuộc họp, 07/01/2027 08:00');
    expect(text).toContain('Hạng mục chưa đạt: Thời gian lưu điện UPS');
    expect(text).toContain('Cần xử lý: Công ty Điện lực Tuyên Quang');
  });
});

function rehearsal(slot: string, over: Partial<Rehearsal> = {}): Rehearsal {
  return {
    id: `r-${slot}`,
    kind: 'rehearsal',
    meetingId: 'm1',
    slot,
    roomIds: meeting.roomIds,
    hostRoomId: 'ubnd-tinh',
    startedAt: '2027-01-06T23:00:00.000Z',
    checkedAt: '2027-01-06T23:02:00.000Z',
    finishedAt: null,
    deadline: '2027-01-07T00:00:00.000Z',
    status: 'running',
    verdict: 'no-go',
    ...over,
  };
}

describe('when a rehearsal’s verdict is sent', () => {
  function notices(lastSent: string | null = null) {
    const letters: Letter[] = [];
    const n = new MeetingNotices({
      notifier: { send: (l) => letters.push(l) },
      book: async () => book,
      meetings: { get: async (id) => (id === 'm1' ? meeting : undefined) },
      rehearsals: { attempts: async () => [] },
      sent: { lastEvent: async () => lastSent },
      context,
      log: createLogger('test', 'silent'),
    });
    return { n, letters };
  }

  test('once every room has answered, and again only if re-checks end on another verdict', async () => {
    const { n, letters } = notices();
    n.rehearsal(rehearsal('T-2h', { checkedAt: null }));
    await n.idle();
    expect(letters).toHaveLength(0);
    // Heard together, as news comes: each is judged after the one before was announced.
    n.rehearsal(rehearsal('T-2h'));
    n.rehearsal(rehearsal('T-2h'));
    n.rehearsal(rehearsal('T-2h', { status: 'done' }));
    await n.idle();
    expect(letters.map((l) => [l.event, l.ref, l.severity])).toEqual([['no-go', 'r-T-2h', 'critical']]);
    n.rehearsal(rehearsal('T-2h', { status: 'done', verdict: 'go' }));
    await n.idle();
    expect(letters.map((l) => l.event)).toEqual(['no-go', 'go']);
    expect(letters[1]!.deliveries[0]!.text).toContain('sau khi kiểm tra lại: Đạt');
  });

  test('each copy to a room’s technician names that room, found on file or not; the others name none', async () => {
    const { n, letters } = notices();
    n.booked('registered', meeting, [
      { kind: 'room-technician', roomId: 'ubnd-yen-son' },
      { kind: 'room-technician', roomId: 'ubnd-chiem-hoa' },
      { kind: 'partner', partnerId: 'dien-luc-tuyen-quang' },
    ]);
    n.rehearsal(rehearsal('T-2h'));
    await n.idle();
    const rooms = (l: Letter) => l.deliveries.map((d) => [d.delivery.to, d.delivery.skip ?? null, d.roomId]);
    expect(rooms(letters[0]!)).toEqual([
      ['noc@stttt.gov.vn', null, null],
      ['ky.thuat@yenson.gov.vn', null, 'ubnd-yen-son'],
      ['', 'no technician on file', 'ubnd-chiem-hoa'],
      ['', 'no on-call contact on file', null],
    ]);
    expect(rooms(letters[1]!)).toEqual([
      ['noc@stttt.gov.vn', null, null],
      ['host@tuyenquang.gov.vn', null, 'ubnd-tinh'],
      ['https://chat.example/warn', null, null],
      ['https://chat.example/crit', null, null],
    ]);
  });

  test('a restarted hub does not send again the verdict its log already holds', async () => {
    const { n, letters } = notices('no-go');
    n.rehearsal(rehearsal('T-2h'));
    n.rehearsal(rehearsal('T-2h', { status: 'done' }));
    await n.idle();
    expect(letters).toHaveLength(0);
  });

  test('no verdict for an inspection, a superseded run, or a cancelled meeting', async () => {
    const { n, letters } = notices();
    n.rehearsal(rehearsal('inspection', { kind: 'inspection', meetingId: null }));
    n.rehearsal(rehearsal('T-24h', { status: 'superseded' }));
    n.rehearsal(rehearsal('T-24h', { meetingId: 'gone' }));
    await n.idle();
    expect(letters).toHaveLength(0);
  });
});
