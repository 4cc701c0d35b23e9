/**
 * The yearly report's pure parts as tables: the period (a calendar year in Asia/Ho_Chi_Minh, leap
 * years, bad input), time at each level from transitions, the median, and where the year's
 * boundary falls for every kind of row. The figures on a whole seeded year are in
 * test/integration/yearly-report.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { type LevelChange, levelTime, unionOf } from '../../hub/report/availability.js';
import { reportCsv } from '../../hub/report/report-csv.js';
import { duration, percent, reportHtml, vietnamTime } from '../../hub/report/report-html.js';
import { parsePeriod, yearPeriod } from '../../hub/report/report-period.js';
import { buildYearlyReport, median, type ReportInput } from '../../hub/report/yearly-report.js';

const DAY = 86_400_000;

describe('the report period is the calendar year in Vietnam (UTC+7)', () => {
  test.each([
    [2024, '2023-12-31T17:00:00.000Z', '2024-12-31T17:00:00.000Z', 366],
    [2026, '2025-12-31T17:00:00.000Z', '2026-12-31T17:00:00.000Z', 365],
    [2028, '2027-12-31T17:00:00.000Z', '2028-12-31T17:00:00.000Z', 366],
    [2100, '2099-12-31T17:00:00.000Z', '2100-12-31T17:00:00.000Z', 365],
  ])('%i: %s to %s, %i days', (year, from, to, days) => {
    const p = yearPeriod(year);
    expect(p).toEqual({ from, to });
    expect((Date.parse(p.to) - Date.parse(p.from)) / DAY).toBe(days);
  });

  test.each([
    ['2026', undefined, undefined, { from: '2025-12-31T17:00:00.000Z', to: '2026-12-31T17:00:00.000Z' }],
    // Dates are midnight in Vietnam; `to` is excluded.
    [
      '2026',
      '2026-01-01',
      '2026-07-01',
      { from: '2025-12-31T17:00:00.000Z', to: '2026-06-30T17:00:00.000Z' },
    ],
    [
      '2026',
      '2026-03-01T00:00:00Z',
      undefined,
      { from: '2026-03-01T00:00:00.000Z', to: '2026-12-31T17:00:00.000Z' },
    ],
    // Exactly five years, with one leap day: allowed.
    [
      '2026',
      '2022-01-01',
      '2027-01-01',
      { from: '2021-12-31T17:00:00.000Z', to: '2026-12-31T17:00:00.000Z' },
    ],
  ])('year %s from %s to %s: %o', (year, from, to, period) => {
    expect(parsePeriod(year, from, to)).toEqual({ ok: true, period });
  });

  test.each([
    ['26', undefined, undefined, 'year', '4-digit year'],
    ['abcd', undefined, undefined, 'year', '4-digit year'],
    ['20266', undefined, undefined, 'year', '4-digit year'],
    ['2026.0', undefined, undefined, 'year', '4-digit year'],
    ['1999', undefined, undefined, 'year', 'from 2000'],
    ['2026', '2026-13-01', undefined, 'from', 'from must be a date'],
    ['2026', 'yesterday', undefined, 'from', 'from must be a date'],
    ['2026', undefined, '2026-02-30T25:00:00Z', 'to', 'to must be a date'],
    ['2026', '2026-06-01', '2026-05-01', 'to', 'to must be after from'],
    ['2026', '2026-06-01', '2026-06-01', 'to', 'to must be after from'],
    ['2026', '2020-01-01', '2026-01-01', 'to', 'at most 5 years'],
    ['2026', '2021-12-31', '2027-01-01', 'to', 'at most 5 years'],
  ])('year %s from %s to %s: bad %s (%s)', (year, from, to, field, message) => {
    const r = parsePeriod(year, from, to);
    expect(r).toMatchObject({ ok: false, field });
    expect(r.ok ? '' : r.error).toContain(message);
  });
});

describe('time at each level from transitions', () => {
  const at = (level: LevelChange['level'], atMs: number): LevelChange => ({ level, atMs });
  test.each([
    ['no transition: all unknown', [], [{ fromMs: 0, toMs: 100 }], { unknownMs: 100, READY: 0, OFFLINE: 0 }],
    [
      'first seen mid-window: unknown before it',
      [at('READY', 40)],
      [{ fromMs: 0, toMs: 100 }],
      { unknownMs: 40, READY: 60, OFFLINE: 0 },
    ],
    [
      'a level from before the window holds into it',
      [at('OFFLINE', -50), at('READY', 30)],
      [{ fromMs: 0, toMs: 100 }],
      { unknownMs: 0, READY: 70, OFFLINE: 30 },
    ],
    [
      'two transitions at once: the later one holds',
      [at('OFFLINE', 10), at('READY', 10)],
      [{ fromMs: 0, toMs: 100 }],
      { unknownMs: 10, READY: 90, OFFLINE: 0 },
    ],
    [
      'several windows, a transition after them changes nothing',
      [at('READY', 0), at('OFFLINE', 50), at('READY', 500)],
      [
        { fromMs: 40, toMs: 60 },
        { fromMs: 100, toMs: 110 },
      ],
      { unknownMs: 0, READY: 10, OFFLINE: 20 },
    ],
    [
      'an empty window counts for nothing',
      [at('READY', 0)],
      [{ fromMs: 5, toMs: 5 }],
      { unknownMs: 0, READY: 0, OFFLINE: 0 },
    ],
  ])('%s', (_name, changes, windows, expected) => {
    const t = levelTime(changes, windows);
    expect({ unknownMs: t.unknownMs, READY: t.byLevelMs.READY, OFFLINE: t.byLevelMs.OFFLINE }).toEqual(
      expected,
    );
    expect(t.unknownMs + Object.values(t.byLevelMs).reduce((a, b) => a + b, 0)).toBe(t.totalMs);
  });

  test('overlapping bookings count once', () => {
    expect(
      unionOf([
        { fromMs: 10, toMs: 20 },
        { fromMs: 0, toMs: 5 },
        { fromMs: 15, toMs: 30 },
        { fromMs: 30, toMs: 40 },
      ]),
    ).toEqual([
      { fromMs: 0, toMs: 5 },
      { fromMs: 10, toMs: 40 },
    ]);
  });
});

test.each([
  [[], null],
  [[5], 5],
  [[3, 1], 2],
  [[3, 1, 2], 2],
  [[4, 1, 3, 2], 2.5],
  [[7, 100, 1, 7, 2], 7],
])('median of %j is %p', (values, expected) => {
  expect(median(values)).toBe(expected);
});

const empty = (over: Partial<ReportInput>): ReportInput => ({
  period: yearPeriod(2026),
  now: new Date('2027-02-01T00:00:00Z'),
  rooms: [{ id: 'r', name: 'Phòng "A", tầng 2 <b>' }],
  transitions: [],
  meetings: [],
  rehearsalResults: [],
  callResults: [],
  incidents: [],
  energy: [],
  ...over,
});

describe('the year boundary is midnight in Vietnam (17:00 UTC the day before)', () => {
  const justBefore = '2025-12-31T16:59:59.999Z';
  const midnight = '2025-12-31T17:00:00.000Z';
  const report = buildYearlyReport(
    empty({
      transitions: [
        { roomId: 'r', level: 'OFFLINE', at: '2025-12-31T16:00:00.000Z' },
        { roomId: 'r', level: 'READY', at: midnight },
        { roomId: 'r', level: 'OFFLINE', at: '2026-12-31T17:00:00.000Z' },
      ],
      meetings: [
        {
          id: 'old',
          roomIds: ['r'],
          start: justBefore,
          end: '2025-12-31T18:00:00.000Z',
          status: 'scheduled',
        },
        { id: 'new', roomIds: ['r'], start: midnight, end: '2025-12-31T18:00:00.000Z', status: 'scheduled' },
      ],
      rehearsalResults: [
        { rehearsalId: 'old', kind: 'rehearsal', roomId: 'r', startedAt: justBefore, verdict: 'no-go' },
        { rehearsalId: 'new', kind: 'rehearsal', roomId: 'r', startedAt: midnight, verdict: 'go' },
      ],
      callResults: [
        { roomId: 'r', at: justBefore, testCall: 'timeout', lineTested: true, line: 'fail' },
        { roomId: 'r', at: midnight, testCall: 'connected', lineTested: true, line: 'pass' },
        { roomId: 'r', at: '2026-03-01T00:00:00Z', testCall: 'busy', lineTested: true, line: 'fail' },
        { roomId: 'r', at: '2026-03-01T01:00:00Z', testCall: 'not-placed', lineTested: false, line: null },
        { roomId: 'r', at: '2026-03-02T00:00:00Z', testCall: null, lineTested: true, line: 'pass' },
      ],
      incidents: [
        { roomId: 'r', cause: 'codec.down', openedAt: justBefore, closedAt: midnight, recoverSec: 1 },
        {
          roomId: 'r',
          cause: 'mains.lost',
          openedAt: midnight,
          closedAt: '2026-01-01T00:00:00Z',
          recoverSec: 25_200,
        },
      ],
      energy: [
        { roomId: 'r', ts: justBefore, sinceIso: '2025-12-01T00:00:00Z', usedWh: 10, alwaysOnWh: 20 },
        {
          roomId: 'r',
          ts: '2026-12-31T16:59:59.999Z',
          sinceIso: '2025-12-01T00:00:00Z',
          usedWh: 110,
          alwaysOnWh: 220,
        },
        {
          roomId: 'r',
          ts: '2026-12-31T17:00:00.000Z',
          sinceIso: '2025-12-01T00:00:00Z',
          usedWh: 999,
          alwaysOnWh: 999,
        },
      ],
    }),
  );
  const [r] = report.rooms;

  test('a room READY from 00:00 on 1 January to 00:00 on 1 January next year is available all year', () => {
    expect(r!.availability).toMatchObject({ unknownSec: 0, onlineShare: 1, readyShare: 1 });
  });

  test('a meeting, rehearsal or incident at 23:59:59 on 31 December belongs to the year before', () => {
    expect(r!.meetings.count).toBe(1);
    expect(r!.rehearsals).toEqual({ run: 1, passed: 1, atRisk: 0, failed: 0 });
    expect(r!.incidents.byCause.map((c) => c.cause)).toEqual(['mains.lost']);
  });

  test('test calls and line tests: every one placed in the year, a call the room could not place not counted', () => {
    expect(r!.testCalls).toEqual({ placed: 2, connected: 1, failed: 1, lineTests: 3, lineFailed: 1 });
    expect(report.network.testCalls).toEqual(r!.testCalls);
  });

  test('energy counted before midnight is last year’s, the reading at midnight next year is not this year’s', () => {
    expect(r!.energy).toEqual({ usedWh: 100, alwaysOnWh: 200, savedWh: 100, bootPeriods: 1 });
  });

  test('29 February of a leap year is a day of the year', () => {
    const leap = buildYearlyReport(
      empty({
        period: yearPeriod(2024),
        transitions: [
          { roomId: 'r', level: 'READY', at: '2023-06-01T00:00:00.000Z' },
          { roomId: 'r', level: 'OFFLINE', at: '2024-02-28T17:00:00.000Z' },
          { roomId: 'r', level: 'READY', at: '2024-02-29T17:00:00.000Z' },
        ],
      }),
    );
    expect(leap.rooms[0]!.availability).toMatchObject({
      measuredSec: 366 * 86_400,
      onlineShare: 365 / 366,
      readyShare: 365 / 366,
    });
  });

  test('a report asked for before the period ends is measured up to now; one asked before it begins measures nothing', () => {
    const early = buildYearlyReport(empty({ now: new Date('2025-06-01T00:00:00Z') }));
    expect(early.period.measuredTo).toBe('2025-12-31T17:00:00.000Z');
    expect(early.rooms[0]!.availability).toMatchObject({ measuredSec: 0, readyShare: null });
  });
});

describe('CSV and printable page from the same report', () => {
  const report = buildYearlyReport(
    empty({
      transitions: [{ roomId: 'r', level: 'READY', at: '2026-07-02T17:00:00.000Z' }],
      incidents: [
        {
          roomId: 'r',
          cause: 'mains.lost',
          openedAt: '2026-03-01T00:00:00Z',
          closedAt: '2026-03-01T01:05:00Z',
          recoverSec: 3900,
        },
      ],
    }),
  );

  test('CSV: Vietnamese headers, local times, rounded vi-VN figures, quoted so a name with a comma and quotes reads back', () => {
    const text = reportCsv(report);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = parse(text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['Mã điểm cầu'], r['Điểm cầu']])).toEqual([
      ['r', 'Phòng "A", tầng 2 <b>'],
      ['network', 'Toàn mạng'],
    ]);
    expect(rows[0]).toMatchObject({
      'Từ (giờ Việt Nam)': '01/01/2026 00:00',
      'Số sự cố': '1',
      'Sự cố: Mất điện lưới': '1',
      'Khắc phục, trung vị (phút)': '65',
    });
    expect(rows[0]!['Sẵn sàng (%)']).toBe(
      (report.rooms[0]!.availability.readyShare! * 100).toFixed(1).replace('.', ','),
    );
    // No English header, no ISO time, and no figure with a decimal point (a vi-VN dot groups thousands).
    expect(text).not.toMatch(/_sec|_share|T\d\d:\d\d/);
    const cells = rows.flatMap((r) => Object.values(r));
    expect(cells.filter((c) => /^\d+\.(\d{1,2}|\d{4,})$/.test(c))).toEqual([]);
  });

  test('page: Vietnamese formats, names escaped, no script and no inline style (CSP)', () => {
    const html = reportHtml(report, 'Báo cáo năm 2026');
    expect(html).toContain('<link rel="stylesheet" href="/report.css">');
    expect(html).not.toMatch(/<script|<style|style=/i);
    expect(html).toContain('Phòng &#34;A&#34;, tầng 2 &#60;b&#62;');
    expect(html).toContain('Kỳ báo cáo: từ 01/01/2026 00:00 đến trước 01/01/2027 00:00');
    expect(html).toContain(percent(report.rooms[0]!.availability.readyShare));
    expect(html).toContain('1 giờ 05 phút');
  });

  test.each([
    [0.5, '50,00 %'],
    [1, '100,00 %'],
    [2 / 3, '66,67 %'],
    [null, '—'],
  ])('percent(%p) is %s', (share, text) => {
    expect(percent(share)).toBe(text);
  });

  test.each([
    [null, '—'],
    [750, '12 phút 30 giây'],
    [3900, '1 giờ 05 phút'],
    [43_200, '12 giờ 00 phút'],
  ])('duration(%p) is %s', (sec, text) => {
    expect(duration(sec)).toBe(text);
  });

  test('times shown on the Vietnamese clock', () => {
    expect(vietnamTime('2025-12-31T17:00:00.000Z')).toBe('01/01/2026 00:00');
    expect(vietnamTime('2024-02-29T16:59:00.000Z')).toBe('29/02/2024 23:59');
  });
});
