/**
 * The dashboard's pure parts, without a browser: Vietnam time in and out, the calendar's days, the
 * readiness causes in words, the rooms grouped by kind, and the booking form's check (the hub's own
 * rule, in Vietnamese).
 */
import { describe, expect, test } from '@jest/globals';
import type { RoomView } from '../../hub/fleet-state.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { checkDraft, violationText } from '../../hub/web/src/booking-check.js';
import { calendarDays, dayFromParam, dayParam, shiftAnchor } from '../../hub/web/src/calendar-grid.js';
import { en } from '../../hub/web/src/i18n/en.js';
import { hasKey, setLang, t, translate } from '../../hub/web/src/i18n/i18n.js';
import { vi } from '../../hub/web/src/i18n/vi.js';
import { mcuDetail } from '../../hub/web/src/mcu-text.js';
import { causeText, powerText, reasonsOf } from '../../hub/web/src/readiness-text.js';
import { roomsByKind } from '../../hub/web/src/room-groups.js';
import { roomKinds } from '../../hub/web/src/vocabulary.js';
import { builtInFleet } from '../../shared/fleet.js';
import type { RoomKind } from '../../shared/fleet-file.js';
import { formatDate, formatTime, wallTimeToIso } from '../../shared/format-time.js';

describe('Vietnam time', () => {
  test.each([
    ['2026-11-30T17:05:00Z', '01/12/2026 00:05'],
    ['2026-12-31T16:59:00Z', '31/12/2026 23:59'],
    ['2026-01-01T00:00:00+07:00', '01/01/2026 00:00'],
  ])('%s is shown as %s', (iso, shown) => {
    expect(formatTime(iso)).toBe(shown);
  });

  test.each([
    ['01/12/2026 09:30', '2026-12-01T09:30:00+07:00'],
    ['1/2/2027 7:05', '2027-02-01T07:05:00+07:00'],
    [' 31/12/2026  23:59 ', '2026-12-31T23:59:00+07:00'],
    ['31/02/2026 10:00', null],
    ['10/10/2026 24:00', null],
    ['2026-12-01T09:30', null],
    ['', null],
  ])('typed %j is %s', (typed, iso) => {
    expect(wallTimeToIso(typed)).toBe(iso);
  });

  test('what is typed reads back as typed', () => {
    expect(formatTime(wallTimeToIso('05/06/2026 14:45')!)).toBe('05/06/2026 14:45');
  });
});

describe('calendar days', () => {
  // Monday 30 Nov 2026, 23:30 in Vietnam (16:30 UTC).
  const anchor = new Date('2026-11-30T16:30:00Z');

  test('a week runs Monday to Sunday in Vietnam', () => {
    const days = calendarDays('week', anchor);
    expect(days.map((d) => formatDate(d.start))).toEqual([
      '30/11/2026',
      '01/12/2026',
      '02/12/2026',
      '03/12/2026',
      '04/12/2026',
      '05/12/2026',
      '06/12/2026',
    ]);
    expect(days[0]!.start.toISOString()).toBe('2026-11-29T17:00:00.000Z');
  });

  test('a month is whole weeks from the Monday before the 1st, the days of other months marked', () => {
    const days = calendarDays('month', new Date('2026-12-15T05:00:00Z'));
    expect(days.length % 7).toBe(0);
    expect(formatDate(days[0]!.start)).toBe('30/11/2026');
    expect(days[0]!.inMonth).toBe(false);
    expect(days.filter((d) => d.inMonth).map((d) => d.day)).toEqual(
      Array.from({ length: 31 }, (_, i) => i + 1),
    );
    expect(formatDate(days.at(-1)!.start)).toBe('03/01/2027');
  });

  test('moving by a month crosses the year; by a week, seven days', () => {
    expect(formatDate(shiftAnchor('month', new Date('2026-12-15T05:00:00Z'), 1))).toBe('01/01/2027');
    expect(formatDate(shiftAnchor('month', new Date('2026-01-15T05:00:00Z'), -1))).toBe('01/12/2025');
    expect(formatDate(shiftAnchor('week', anchor, 1))).toBe('07/12/2026');
  });
});

const room = (readiness: RoomView['readiness']): RoomView => ({
  id: 'so-y-te',
  no: 19,
  name: 'Sở Y tế',
  nameEn: 'Department of Health',
  kind: 'department',
  online: true,
  lastSeen: null,
  version: null,
  bootId: null,
  readiness,
  readings: null,
  readingsAt: null,
});

describe('readiness in words', () => {
  test.each([
    [{ code: 'mains.lost', params: { upsChargePct: 62 }, text: '' }, 'Mất điện lưới, đang chạy UPS 62 %'],
    [{ code: 'mains.lost', params: {}, text: '' }, 'Mất điện lưới, không đọc được UPS'],
    [{ code: 'link.loss', params: { value: 4, limit: 1 }, text: '' }, 'Mất gói 4 % tới MCU'],
    [{ code: 'humidity.high', params: { value: 81 }, text: '' }, 'Độ ẩm cao 81 %'],
    [{ code: 'telemetry.stale', params: { ageSec: 45 }, text: '' }, 'Không nhận số liệu 45 giây'],
    // A code without words yet is said as such, never in the hub's English.
    [{ code: 'peripheral.camera', params: {}, text: 'camera missing' }, 'Dấu hiệu bất thường khác'],
    [
      {
        code: 'config.drift',
        params: { key: 'Audio/DefaultVolume', approved: '50', found: '80', more: 0 },
        text: '',
      },
      'Cấu hình codec sai lệch: Audio/DefaultVolume đang là «80», được duyệt «50»',
    ],
    [
      {
        code: 'config.drift',
        params: { key: 'SIP/DefaultTransport', approved: 'TCP', found: '', more: 2 },
        text: '',
      },
      'Cấu hình codec sai lệch: SIP/DefaultTransport đã bị đổi hoặc xóa, được duyệt «TCP» (và 2 mục khác)',
    ],
  ])('%j reads %j', (c, words) => {
    expect(causeText({ level: 'DEGRADED', ...c })).toBe(words);
  });

  test('in English when asked', () => {
    setLang('en');
    try {
      expect(
        causeText({ code: 'mains.lost', level: 'DEGRADED', params: { upsChargePct: 62 }, text: '' }),
      ).toBe('Mains lost, on UPS 62 %');
    } finally {
      setLang('vi');
    }
  });

  test('a room switched off has its faults as any room; its power is said apart, with why', () => {
    const cause = {
      code: 'mains.lost',
      level: 'DEGRADED' as const,
      params: { upsChargePct: 90, runtimeMin: 14 },
      text: '',
    };
    const off = room({
      level: 'DEGRADED',
      power: { state: 'off', decision: 'idle' },
      reasons: [],
      causes: [cause],
    });
    expect(reasonsOf(off)).toEqual(['Mất điện lưới, đang chạy UPS 90 %, còn 14 phút']);
    expect(powerText(off)).toBe('Nguồn: Đang tắt (nghỉ), không sử dụng');
    const offline = room({
      level: 'OFFLINE',
      power: { state: 'unknown', decision: null },
      reasons: ['offline'],
      causes: [],
    });
    expect(reasonsOf(offline)).toEqual([]);
    expect(powerText(offline)).toBe('Nguồn: Chưa rõ nguồn');
  });

  test('a codec found down while on stays a fault while off, said with the time it was checked', () => {
    const held = {
      code: 'codec.down',
      level: 'NOT_READY' as const,
      params: { checkedAt: '2026-12-02T01:05:00.000Z' },
      text: '',
    };
    expect(causeText(held)).toBe('Thiết bị đầu cuối hỏng (kiểm tra lúc 02/12/2026 08:05)');
  });

  test('a UPS shutdown reads as the expected end, with its local time', () => {
    const c = {
      code: 'ups.shutdown',
      level: 'NOT_READY' as const,
      params: { at: '2026-12-03T02:35:00.000Z' },
      text: '',
    };
    expect(causeText(c)).toBe('Bộ điều khiển đã tự tắt lúc 03/12/2026 09:35 vì UPS sắp cạn');
  });

  test('numbers with a decimal comma in Vietnamese', () => {
    expect(causeText({ code: 'link.loss', level: 'DEGRADED', params: { value: 4.5 }, text: '' })).toBe(
      'Mất gói 4,5 % tới MCU',
    );
  });
});

describe('rooms grouped by kind', () => {
  const room = (no: number, id: string, kind: RoomKind) => ({ no, id, kind });

  test('the built-in 28 fall in the regulation’s five groups, each in its numbering', () => {
    const groups = roomsByKind(builtInFleet.rooms);
    expect(groups.map((g) => g.kind)).toEqual(['party', 'council', 'committee', 'district', 'department']);
    expect(groups.flatMap((g) => g.rooms)).toHaveLength(28);
    for (const g of groups)
      expect(g.rooms.map((r) => r.no)).toEqual(g.rooms.map((r) => r.no).sort((a, b) => a - b));
  });

  test('a province’s communes and wards get their group after the districts, empty kinds none', () => {
    const groups = roomsByKind([
      room(3, 'so-y-te', 'department'),
      room(41, 'ubnd-phuong-tan-quang', 'commune'),
      room(40, 'ubnd-xa-minh-ngoc', 'commune'),
      room(2, 'ubnd-bac-me', 'district'),
    ]);
    expect(groups.map((g) => [g.kind, g.rooms.map((r) => r.id)])).toEqual([
      ['district', ['ubnd-bac-me']],
      ['commune', ['ubnd-xa-minh-ngoc', 'ubnd-phuong-tan-quang']],
      ['department', ['so-y-te']],
    ]);
  });

  test('every kind has its heading in both languages', () => {
    expect(roomKinds.filter((k) => !hasKey(`kind.${k}`))).toEqual([]);
    expect(t('kind.commune')).toBe('Xã, phường, thị trấn');
    setLang('en');
    try {
      expect(t('kind.commune')).toBe('Communes, wards and towns');
    } finally {
      setLang('vi');
    }
  });
});

describe('the booking form’s check', () => {
  const now = new Date('2026-11-30T03:00:00Z');
  const rules = { noticeHours: 48, prepMinutes: 60 };
  const names: Record<string, string> = { 'ubnd-tinh': 'Văn phòng UBND tỉnh', 'so-y-te': 'Sở Y tế' };
  const rooms = { name: (id: string) => names[id] ?? id, exists: (id: string) => id in names };
  const other: Meeting = {
    id: 'm1',
    title: 'Giao ban tuần',
    kind: 'committee',
    hostUnit: 'UBND tỉnh',
    hostRoomId: 'ubnd-tinh',
    roomIds: ['ubnd-tinh', 'so-y-te'],
    start: '2026-12-05T02:00:00Z',
    end: '2026-12-05T04:00:00Z',
    emergency: null,
    registeredBy: null,
    registeredAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    status: 'scheduled',
  };
  const draft = (patch: Record<string, unknown> = {}) => ({
    title: 'Họp',
    kind: 'committee' as const,
    hostRoomId: 'ubnd-tinh',
    roomIds: ['ubnd-tinh'],
    start: '2026-12-10T09:00:00+07:00',
    end: '2026-12-10T11:00:00+07:00',
    emergency: null,
    ...patch,
  });

  test.each([
    [{}, null, null],
    [{ title: '  ' }, 'title', 'Nhập tên cuộc họp.'],
    [{ roomIds: [] }, 'roomIds', 'Chọn ít nhất một điểm cầu.'],
    [
      { start: '' },
      'start',
      'Nhập thời điểm bắt đầu và kết thúc theo dạng ngày/tháng/năm giờ:phút (dd/MM/yyyy HH:mm).',
    ],
    [
      { end: '' },
      'end',
      'Nhập thời điểm bắt đầu và kết thúc theo dạng ngày/tháng/năm giờ:phút (dd/MM/yyyy HH:mm).',
    ],
    [
      { end: '2026-12-10T08:00:00+07:00' },
      'end',
      'Thời điểm kết thúc phải sau thời điểm bắt đầu (Điều 9.1).',
    ],
    [
      { start: '2026-12-01T10:00:00+07:00', end: '2026-12-01T11:00:00+07:00' },
      'start',
      'Phải đăng ký trước ít nhất 48 giờ (Điều 8.1); còn 24 giờ. Họp khẩn cấp (Điều 8.2) thì không cần.',
    ],
    [
      {
        start: '2026-12-01T10:00:00+07:00',
        end: '2026-12-01T11:00:00+07:00',
        emergency: { reason: 'flood' },
      },
      null,
      null,
    ],
    [{ start: '2026-11-29T10:00:00+07:00' }, 'start', 'Thời điểm bắt đầu đã qua (Điều 8.1).'],
    [
      {
        start: '2026-12-05T11:30:00+07:00',
        end: '2026-12-05T12:30:00+07:00',
        hostRoomId: 'so-y-te',
        roomIds: ['so-y-te'],
      },
      'roomIds',
      'Trùng lịch (Điều 8.3): Sở Y tế đã có cuộc họp “Giao ban tuần” từ 05/12/2026 09:00 đến 05/12/2026 11:00 (tính cả 60 phút chuẩn bị).',
    ],
    [{ roomIds: ['so-y-te'] }, 'roomIds', 'Điểm cầu chính phải nằm trong các điểm cầu tham dự (Điều 10.1).'],
  ])('%j → at %s: %s', (patch, field, words) => {
    expect(checkDraft(draft(patch), [other], rooms, rules, now)).toEqual(
      words === null ? null : { field, text: words },
    );
  });

  test('the hub’s refusals in words at their field: an overlap names the meeting; never the hub’s English', () => {
    const start = '2026-12-05T11:30:00+07:00';
    const overlap = violationText(
      {
        error: 'x',
        rule: 'no-overlap',
        field: 'roomIds',
        conflicts: [{ meeting: other, roomIds: ['ubnd-tinh'] }],
      },
      409,
      rooms,
      rules,
      start,
      now,
    );
    expect(overlap.field).toBe('roomIds');
    expect(overlap.text).toContain('Văn phòng UBND tỉnh đã có cuộc họp “Giao ban tuần”');
    expect(
      violationText(
        { error: 'emergency.reason: bad', rule: 'schema', field: 'emergency.reason' },
        400,
        rooms,
        rules,
        start,
        now,
      ),
    ).toEqual({ field: 'emergency', text: 'Thông tin chưa hợp lệ: lý do khẩn cấp.' });
    expect(
      violationText({ error: 'something new', rule: 'new-rule' }, 400, rooms, rules, start, now),
    ).toEqual({
      field: null,
      text: 'Thông tin gửi đi chưa hợp lệ.',
    });
  });
});

describe('the MCU banner', () => {
  const checked = {
    configured: true,
    reachable: true,
    sip: { statusCode: 200, rttMs: 0.3, detail: '' },
    rttMs: 0.3,
    jitterMs: null,
    lossPct: null,
    level: 'READY' as const,
    reasons: [],
    checkedAt: '2026-12-06T13:00:00Z',
  };

  test('a SIP check alone shows its round trip and no loss it did not measure', () => {
    expect(mcuDetail(checked)).toBe('Kết nối tốt · Trễ 0,3 ms · kiểm tra lúc 06/12/2026 20:00');
  });

  test('a ping series shows its loss too', () => {
    expect(mcuDetail({ ...checked, rttMs: 12.5, lossPct: 2.5 })).toBe(
      'Kết nối tốt · Trễ 12,5 ms · mất gói 2,5 % · kiểm tra lúc 06/12/2026 20:00',
    );
  });

  test('unanswered, not yet checked, not configured', () => {
    expect(mcuDetail({ ...checked, reachable: false, rttMs: null })).toBe(
      'Không kết nối được · kiểm tra lúc 06/12/2026 20:00',
    );
    expect(mcuDetail({ ...checked, reachable: null, rttMs: null, checkedAt: null })).toBe('Chưa rõ');
    expect(mcuDetail(null)).toBe('Chưa cấu hình giám sát MCU');
  });
});

describe('the catalogue’s placeholders', () => {
  test('English has a word for one and for more; Vietnamese, no plural, writes the number alone', () => {
    expect(translate('en', 'banner.delivery-failed', { n: 1 })).toBe('1 notice failed after their retries.');
    expect(translate('en', 'banner.delivery-failed', { n: 2 })).toBe('2 notices failed after their retries.');
    expect(translate('en', 'banner.delivery-failed', { n: 0 })).toBe('0 notices failed after their retries.');
    expect(translate('vi', 'banner.delivery-failed', { n: 1 })).toBe(
      '1 thông báo gửi thất bại sau các lần thử lại.',
    );
  });

  test('both languages fill the same placeholders for every key', () => {
    const names = (text: string) => [...new Set([...text.matchAll(/\{(\w+)[|}]/g)].map((m) => m[1]))].sort();
    const differing = (Object.keys(vi) as (keyof typeof vi)[]).filter(
      (key) => names(vi[key]).join() !== names(en[key]).join(),
    );
    expect(differing.map((key) => [key, vi[key], en[key]])).toEqual([]);
  });
});

describe('the calendar’s address of a day', () => {
  test('is the day in Vietnam: 23:30 UTC on the 6th is the 7th there', () => {
    expect(dayParam(new Date('2026-12-06T17:30:00Z'))).toBe('2026-12-07');
    expect(dayParam(new Date('2026-12-06T16:59:00Z'))).toBe('2026-12-06');
  });

  test('read back, it is that day’s midnight in Vietnam, whose week the calendar shows', () => {
    expect(dayFromParam('2026-12-07')?.toISOString()).toBe('2026-12-06T17:00:00.000Z');
    expect(calendarDays('week', dayFromParam('2026-12-07')!)[0]!.day).toBe(7);
    expect(dayParam(dayFromParam('2027-01-01')!)).toBe('2027-01-01');
  });

  test.each([undefined, '', '2026-02-31', '2026-13-01', '07/12/2026', '2026-12-7', '2026-12-07x'])(
    '%p is no day: the calendar opens on today',
    (text) => {
      expect(dayFromParam(text)).toBeNull();
    },
  );
});
