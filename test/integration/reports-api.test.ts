/**
 * The yearly report's API end to end on a test hub whose database holds the seeded year of
 * test/helpers/report-history.ts: JSON, CSV parsed back, the printable page with the right numbers
 * under the hub's CSP, and 400 `{error, field}` for bad input.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import type { RunningHub } from '../../hub/hub.js';
import type { YearlyReport } from '../../hub/report/yearly-report.js';
import { openDatabase } from '../../hub/store/database.js';
import { rooms } from '../../shared/fleet.js';
import { clockAt } from '../fakes/fake-clock.js';
import { apiRequest, getJson, startTestHub } from '../helpers/hub-harness.js';
import { A, B, seedReportHistory } from '../helpers/report-history.js';
import { tempDir } from '../helpers/temp-dir.js';

const YEAR = 31_536_000;
const data = tempDir('hnth-report-');
let hub: RunningHub & { removeData(): void };

beforeAll(async () => {
  const db = openDatabase(path.join(data.path, 'hnth.db'));
  await seedReportHistory(db);
  db.close();
  hub = await startTestHub(
    { dataDir: data.path },
    { clock: clockAt(() => new Date('2027-01-10T00:00:00Z')) },
  );
});
afterAll(async () => {
  await hub?.stop();
  hub?.removeData();
  data.remove();
});

describe('GET /api/reports/:year', () => {
  test('JSON: every room of the fleet and the network, figures from the stored history', async () => {
    const report = await getJson<YearlyReport>(`${hub.httpUrl}/api/reports/2026`);
    expect(report.period).toMatchObject({ from: '2025-12-31T17:00:00.000Z', to: '2026-12-31T17:00:00.000Z' });
    expect(report.rooms.map((r) => r.roomId)).toEqual(rooms.map((r) => r.id));
    const a = report.rooms.find((r) => r.roomId === A)!;
    expect(a.availability.readyShare).toBe(31_469_400 / YEAR);
    expect(a.meetingAvailability.readyShare).toBe(0.7);
    expect(a.energy.savedWh).toBe(19_000);
    expect(report.network.meetings.count).toBe(3);
    expect(report.network.incidents).toMatchObject({
      total: 8,
      medianRecoverSec: 600,
      worstRecoverSec: 43_200,
    });
    // 26 rooms never seen: unknown, not available.
    expect(report.network.availability.readyShare).toBe((31_469_400 + 28_857_600) / (28 * YEAR));
    // Six hours of A are an old POWERED_OFF row: health unknown.
    expect(report.network.availability.unknownSec).toBe(2_678_400 + 26 * YEAR + 6 * 3600);
    expect(report.notes.some((n) => n.includes('restart at each boot'))).toBe(true);
  });

  test('a range: the first quarter', async () => {
    const report = await getJson<YearlyReport>(
      `${hub.httpUrl}/api/reports/2026?from=2026-01-01&to=2026-04-01`,
    );
    expect(report.period).toMatchObject({ from: '2025-12-31T17:00:00.000Z', to: '2026-03-31T17:00:00.000Z' });
    const a = report.rooms.find((r) => r.roomId === A)!;
    // m2 in March; the offline incident in March and the mains incident of 1 February.
    expect(a.meetings.count).toBe(1);
    expect(a.incidents.byCause.map((c) => [c.cause, c.count])).toEqual([
      ['mains.lost', 1],
      ['room.offline', 1],
    ]);
    expect(a.availability.byLevelSec.OFFLINE).toBe(43_200);
  });

  test('CSV: one row per room and a network row, in Vietnamese with rounded vi-VN figures', async () => {
    const res = await apiRequest(hub.httpUrl, 'GET', '/api/reports/2026?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(res.body as string, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(rooms.length + 1);
    const a = rows.find((r) => r['Mã điểm cầu'] === A)!;
    expect(a).toMatchObject({
      'Điểm cầu': 'Văn phòng Tỉnh ủy',
      'Từ (giờ Việt Nam)': '01/01/2026 00:00',
      'Đến trước (giờ Việt Nam)': '01/01/2027 00:00',
      'Số cuộc họp': '3',
      'Chạy thử: số lần': '2',
      'Chạy thử: đạt': '1',
      'Số sự cố': '4',
      'Sự cố: Mất điện lưới': '3',
      'Khắc phục, trung vị (phút)': '15',
      'Điện tiêu thụ (kWh)': '6,00',
      'Điện tiết kiệm (kWh)': '19,00',
      // 31 469 400 s ready of the year's 31 536 000; 70 % ready in its meetings.
      'Sẵn sàng (%)': '99,8',
      'Sẵn sàng trong giờ họp (%)': '70,0',
    });
    expect(rows.find((r) => r['Mã điểm cầu'] === B)!['Khắc phục, trung vị (phút)']).toBe('3');
    expect(rows.at(-1)).toMatchObject({
      'Mã điểm cầu': 'network',
      'Số cuộc họp': '3',
      'Số sự cố': '8',
      'Điện tiết kiệm (kWh)': '19,75',
    });
  });

  test('printable page: Vietnamese, the right numbers, no inline script or style, its CSS served', async () => {
    const res = await apiRequest(hub.httpUrl, 'GET', '/api/reports/2026/print');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("style-src 'self'");
    const html = res.body as string;
    expect(html).toContain('năm 2026</h1>');
    expect(html).toContain('Kỳ báo cáo: từ 01/01/2026 00:00 đến trước 01/01/2027 00:00');
    expect(html).not.toMatch(/<script|<style|style=/i);
    // A: 31 469 400 / 31 536 000 = 99.789…% ready; 70 % ready in its meetings.
    const rowOf = (name: string, caption: string) => {
      const table = html.slice(html.indexOf(caption));
      return table.slice(
        table.indexOf(`<td>${name}</td>`),
        table.indexOf('</tr>', table.indexOf(`<td>${name}</td>`)),
      );
    };
    expect(rowOf('Văn phòng Tỉnh ủy', 'Tỷ lệ thời gian trong kỳ')).toContain('<td>99,79 %</td>');
    expect(rowOf('Văn phòng Tỉnh ủy', 'Tỷ lệ thời gian trong giờ họp')).toContain('<td>70,00 %</td>');
    expect(rowOf('Mất điện lưới', 'Sự cố toàn mạng')).toBe(
      '<td>Mất điện lưới</td><td>3</td><td>0</td><td>10 phút 00 giây</td><td>20 phút 00 giây</td>',
    );
    expect(rowOf('Toàn mạng', 'Điện năng tiêu thụ')).toBe(
      '<td>Toàn mạng</td><td>6,25</td><td>26,00</td><td>19,75</td>',
    );
    const css = await fetch(`${hub.httpUrl}/report.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  test.each([
    ['/api/reports/26', 'year'],
    ['/api/reports/abcd', 'year'],
    ['/api/reports/20266', 'year'],
    ['/api/reports/2026?from=2026-06-01&to=2026-05-01', 'to'],
    ['/api/reports/2026?from=2020-01-01&to=2026-01-01', 'to'],
    ['/api/reports/2026?from=soon', 'from'],
    ['/api/reports/2026?format=xml', 'format'],
    ['/api/reports/26/print', 'year'],
    ['/api/reports/2026/print?from=2027-01-01', 'to'],
  ])('%s is 400 naming %s', async (url, field) => {
    const res = await apiRequest(hub.httpUrl, 'GET', url);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.any(String), field });
  });

  test('needs a session', async () => {
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/reports/2026', undefined, null)).status).toBe(401);
    expect((await apiRequest(hub.httpUrl, 'GET', '/api/reports/2026/print', undefined, null)).status).toBe(
      401,
    );
  });
});
