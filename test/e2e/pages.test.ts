/**
 * The operator's other pages in Chromium, each fed by the hub as it runs: the rehearsal matrix
 * filling in live with the countdown to T−1 h, an incident acknowledged with a note, the contact
 * directory, the speak queue granted by the host, the fleet on a phone; and the yearly report of a
 * hub whose database holds a seeded year (test/helpers/report-history.ts), or its "not available" state.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import { openDatabase } from '../../hub/store/database.js';
import { clockAt } from '../fakes/fake-clock.js';
import {
  accessibilityViolations,
  loginAsOperator,
  screenshot,
  startBrowser,
  type TestBrowser,
} from '../helpers/browser.js';
import { apiRequest, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { A, B, seedReportHistory } from '../helpers/report-history.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const HOST = 'ubnd-son-duong';
/** In the meeting, but no agent runs for it: it never answers the rehearsal. */
const SILENT = 'so-tai-chinh';
const MIN = 60_000;

describe('dashboard: the operator’s pages in Chromium', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let browser: TestBrowser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([
      startTestHub({
        'schedule.rehearseTimeoutSec': 1,
        'schedule.powerOnTimeoutSec': 0.5,
        'schedule.recheckMin': 5,
        'schedule.inspectionCron': '',
        'incidents.raiseAfterSec': 0,
        'incidents.checkSec': 1,
      }),
      startBrowser(),
    ]);
    agent = await startTestAgent(hub.mqttUrl, HOST);
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  const text = (selector: string) => browser.page.locator(selector).first().textContent();

  test('rehearsals: the rooms × checks matrix fills in live, with verdicts and the countdown to T−1 h', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/rehearsals`);
    await waitFor('the empty page', async () =>
      (await text('#rehearsal-list'))?.includes('Không có cuộc họp'),
    );
    // An emergency meeting 70 min away: both rehearsal slots are past, so it is rehearsed at once.
    const start = new Date(Date.now() + 70 * MIN);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Ứng phó bão số 3',
      kind: 'committee',
      hostRoomId: HOST,
      roomIds: [HOST, SILENT],
      start: start.toISOString(),
      end: new Date(start.getTime() + 60 * MIN).toISOString(),
      emergency: { reason: 'storm' },
    });
    expect(booked.status).toBe(201);
    await waitFor(
      'both rooms checked',
      async () =>
        (await page.locator(`.matrix tr[data-room="${HOST}"] .verdict`).textContent()) === 'Đạt' &&
        (await page.locator(`.matrix tr[data-room="${SILENT}"] .verdict`).textContent()) === 'Không đạt' &&
        // The verdict and the room's check cells arrive in separate live messages.
        (await page.locator(`.matrix tr[data-room="${HOST}"] td.st-pass`).count()) > 0,
      15_000,
    );
    expect(await text('.countdown')).toMatch(/^Còn \d+ phút \d\d giây đến hạn kiểm tra \(T−1 giờ\)$/);
    await screenshot(page, 'rehearsals-matrix');
  });

  test('incidents: mains lost opens one, and the operator acknowledges it with a note', async () => {
    const { page } = browser;
    await apiRequest(hub.httpUrl, 'PUT', `/api/contacts/rooms/${HOST}`, {
      name: 'Trần Thị Bình',
      unit: 'UBND huyện Sơn Dương',
      position: 'Chuyên viên CNTT',
      phone: '0912 345 678',
      email: 'binh@sonduong.gov.vn',
    });
    await page.goto(`${hub.httpUrl}/#/incidents`);
    await inject(hub.mqttUrl, HOST, { mains: false });
    const item = page.locator('.incident', { hasText: 'Mất điện lưới' });
    await waitFor('the incident on the page', async () => (await item.count()) === 1, 15_000);
    expect(await item.textContent()).toContain('Gọi: Cán bộ kỹ thuật: Trần Thị Bình 0912 345 678');
    expect(await item.locator('a[href="tel:0912345678"]').count()).toBe(1);
    await item.locator('input').fill('Đã gọi Điện lực, đang khắc phục');
    await item.locator('button[type=submit]').click();
    await waitFor('the acknowledgement', async () => (await item.textContent())?.includes('Đã tiếp nhận'));
    expect(await item.textContent()).toContain('Đã gọi Điện lực, đang khắc phục');
    await screenshot(page, 'incidents-acknowledged');
    await inject(hub.mqttUrl, HOST, { mains: true });
  });

  test('contacts: each room’s technician with a phone link, and who is missing', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/contacts`);
    await waitFor('the directory', async () => (await page.locator('.contacts li').count()) === 30);
    expect(await page.locator('a[href="tel:0912345678"]').count()).toBe(1);
    expect(await page.locator('.contacts li', { hasText: 'Chưa có thông tin' }).count()).toBe(29);
    await screenshot(page, 'contacts');
  });

  test('speak queue: the host grants the floor to the room that asked', async () => {
    const { page } = browser;
    expect((await apiRequest(hub.httpUrl, 'POST', '/api/speak/host', { hostRoomId: HOST })).status).toBe(201);
    const asked = await apiRequest(
      hub.httpUrl,
      'POST',
      '/api/speak/request',
      { roomId: 'ubnd-ham-yen' },
      {
        as: { role: 'technician', roomId: 'ubnd-ham-yen' },
      },
    );
    expect(asked.status).toBe(200);
    await page.goto(`${hub.httpUrl}/#/speak`);
    const request = page.locator('.queue li', { hasText: 'UBND huyện Hàm Yên' });
    await waitFor('the request', async () => (await request.textContent())?.includes('Đang chờ'));
    await request.getByText('Cho phát biểu').click();
    await waitFor('the floor granted', async () => (await request.textContent())?.includes('Đang phát biểu'));
    await screenshot(page, 'speak-queue');
  });

  test('the fleet on a phone: one column, every room still there', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.waitForSelector('.tile[data-room]');
    expect(await page.locator('.tile[data-room]').count()).toBe(28);
    const widths = await page
      .locator('.tile')
      .evaluateAll((tiles) => tiles.map((t) => t.getBoundingClientRect().right));
    expect(Math.max(...widths)).toBeLessThanOrEqual(390);
    await screenshot(page, 'fleet-phone');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  test.each([
    ['fleet', '#/fleet', '.tile[data-room]'],
    ['room', `#/room/${HOST}`, '#charts figure, #charts p'],
    ['meetings', '#/meetings', '#booking'],
    ['rehearsals', '#/rehearsals', '.matrix, #rehearsal-list p'],
    ['incidents', '#/incidents', '#incident-list ul, #incident-list p'],
  ])('the %s page passes WCAG 2 AA checks (contrast, names, labels)', async (_name, hash, ready) => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/${hash}`);
    await page.waitForSelector(ready);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  test('the accessibility check itself catches grey-on-white text and an unlabelled field', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/incidents`);
    await page.waitForSelector('#incident-list ul, #incident-list p');
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'chữ mờ khó đọc';
      p.style.color = '#b0b0b0';
      p.style.background = '#ffffff';
      document.querySelector('main')!.append(p, document.createElement('input'));
    });
    const ids = (await accessibilityViolations(page)).map((v) => v.id).sort();
    expect(ids).toEqual(['color-contrast', 'label']);
  });
});

describe('dashboard: the yearly report of a seeded year in Chromium', () => {
  const data = tempDir('hnth-report-page-');
  let hub: RunningHub & { removeData(): void };
  let browser: TestBrowser;

  beforeAll(async () => {
    const db = openDatabase(path.join(data.path, 'hnth.db'));
    await seedReportHistory(db);
    db.close();
    [hub, browser] = await Promise.all([
      // Ten days after the year: the whole of 2026 is measured, so the figures are fixed.
      startTestHub({ dataDir: data.path }, { clock: clockAt(() => new Date('2027-01-10T00:00:00Z')) }),
      startBrowser(),
    ]);
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    hub?.removeData();
    data.remove();
  });

  /** Opens the report of 2026 (the picker offers the last six years, so 2026 is there until 2031). */
  async function open2026() {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/reports`);
    await page.selectOption('#report-year', '2026');
    await page.click('form.toolbar button[type=submit]');
    await page.waitForSelector('#report-summary');
    await waitFor('the 2026 report', async () =>
      (await page.locator('#report-period').textContent())?.includes('01/01/2026 00:00'),
    );
  }
  const stat = (label: string) =>
    browser.page
      .locator('#report-summary .stat', { has: browser.page.locator(`dt:text-is("${label}")`) })
      .locator('dd');
  /** A room's row as its cells' texts, the room's name first. */
  const row = (selector: string) => browser.page.locator(selector).locator('th, td').allTextContents();

  test('the network’s cards, a row per room, incidents by cause and the notes, in Vietnamese', async () => {
    const { page } = browser;
    await open2026();
    expect(await page.locator('#report-period').textContent()).toBe(
      'Kỳ báo cáo: từ 01/01/2026 00:00 đến trước 01/01/2027 00:00 (giờ Việt Nam) · số liệu tính đến 01/01/2027 00:00',
    );
    // m1, m2 and m5 (m3 cancelled, m4 last year's); r1 and r2 give A, B, A, C: two passed.
    expect(await stat('Cuộc họp đã tham dự').textContent()).toBe('3');
    expect(await stat('Số lần chạy thử').textContent()).toBe('4');
    expect(await stat('Chạy thử đạt').textContent()).toBe('2');
    // Eight incidents; closed ones recover in 100 s … 12 h, median 600 s.
    expect(await stat('Sự cố').textContent()).toBe('8');
    expect(await stat('Khắc phục (trung vị)').textContent()).toBe('0 giờ 10 phút');
    expect(await stat('Khắc phục lâu nhất').textContent()).toBe('12 giờ 0 phút');
    // A used 6 kWh and saved 19; B used 0.25 and saved 0.75: 6.2505 and 19.74975 kWh.
    expect(await stat('Điện tiêu thụ').textContent()).toBe('6,3 kWh');
    expect(await stat('Điện tiết kiệm').textContent()).toBe('19,7 kWh');
    // (31 469 400 + 28 857 600) s ready of 28 room-years: the 26 rooms never seen count as unknown time.
    expect(await stat('Sẵn sàng').textContent()).toBe('6,8 %');
    expect(await stat('Chưa ghi nhận').textContent()).toBe('93,2 %');

    expect(await page.locator('#report-rooms tbody tr').count()).toBe(28);
    const headers = await page.locator('#report-rooms thead th').allTextContents();
    expect(headers.slice(0, 4)).toEqual([
      'Điểm cầu',
      'Cuộc họp đã tham dự',
      'Số lần chạy thử',
      'Chạy thử đạt',
    ]);
    // A: offline 12 h of the year and 6 h unknown (an old POWERED_OFF row), ready 31 469 400 s of
    // 31 536 000 (99.79 %); of its 5 booked hours, 1 h offline and 30 min not ready: 80 % online and
    // 70 % ready in its meetings.
    expect(await row(`#report-rooms tr[data-room="${A}"]`)).toEqual([
      'Văn phòng Tỉnh ủy',
      '3',
      '2',
      '1',
      '99,8 %',
      '99,8 %',
      '0,1 %',
      '80,0 %',
      '70,0 %',
      '4',
      '0 giờ 15 phút',
      '12 giờ 0 phút',
      '6,0 kWh',
      '19,0 kWh',
    ]);
    // C was never seen: all its time unknown, and nothing booked was measured in meetings.
    expect((await row('#report-rooms tr[data-room="ubnd-tinh"]')).slice(4, 9)).toEqual([
      '0,0 %',
      '0,0 %',
      '100,0 %',
      '0,0 %',
      '0,0 %',
    ]);
    // B's open codec incident has no time to recover; the two closed took 100 s and 300 s.
    expect((await row(`#report-rooms tr[data-room="${B}"]`)).slice(9, 12)).toEqual([
      '3',
      '0 giờ 3 phút',
      '0 giờ 5 phút',
    ]);

    expect(await row('#report-causes tr[data-cause="mains.lost"]')).toEqual([
      'Mất điện lưới',
      '3',
      '0',
      '0 giờ 10 phút',
      '0 giờ 20 phút',
    ]);
    expect(await page.locator('#report-notes li').count()).toBe(5);
    expect(await page.locator('#report-notes li').first().textContent()).toMatch(
      /^Cuộc họp: các cuộc họp theo lịch/,
    );
    expect(await page.locator('#report-csv').getAttribute('href')).toBe('/api/reports/2026?format=csv');
    expect(await page.locator('#report-print').getAttribute('href')).toBe('/api/reports/2026/print');
    await screenshot(page, 'reports', true);
  });

  test('print opens the hub’s printable page of the year', async () => {
    const { page } = browser;
    await open2026();
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#report-print')]);
    await popup.waitForLoadState();
    expect(await popup.locator('h1').textContent()).toContain('năm 2026');
    await popup.close();
  });

  test('in English with the toggle', async () => {
    const { page } = browser;
    await open2026();
    await page.click('#lang');
    await page.selectOption('#report-year', '2026');
    await page.click('form.toolbar button[type=submit]');
    await waitFor(
      'the English report',
      async () =>
        (await page.locator('#report-summary dt').count()) > 0 &&
        (await page.locator('#report-summary dt').first().textContent()) === 'Meetings attended',
    );
    expect(await stat('Rehearsals passed').textContent()).toBe('2');
    expect(await stat('Longest time to recover').textContent()).toBe('12 h 0 min');
    expect(await stat('Energy saved').textContent()).toBe('19.7 kWh');
    expect((await row(`#report-rooms tr[data-room="${A}"]`)).slice(5, 6)).toEqual(['99.8 %']);
    expect(await page.locator('#report-notes li').last().textContent()).toMatch(/^Energy: /);
    await page.click('#lang');
  });

  test('the reports page passes WCAG 2 AA checks (contrast, names, labels)', async () => {
    await open2026();
    expect(await accessibilityViolations(browser.page)).toEqual([]);
  });

  test('a hub without reports (404): a plain "not available", and no CSV or print link', async () => {
    const { page } = browser;
    await page.route('**/api/reports/**', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"not found"}' }),
    );
    try {
      await page.goto(`${hub.httpUrl}/#/reports`);
      await page.selectOption('#report-year', '2026');
      await page.click('form.toolbar button[type=submit]');
      await page.waitForSelector('#report-unavailable');
      expect(await page.locator('#report-unavailable').textContent()).toBe(
        'Báo cáo năm 2026 chưa có: máy chủ chưa cung cấp chức năng báo cáo (Điều 12.5).',
      );
      expect(await page.locator('#report-csv').isHidden()).toBe(true);
      expect(await page.locator('#report-print').isHidden()).toBe(true);
    } finally {
      await page.unroute('**/api/reports/**');
    }
  });
});
