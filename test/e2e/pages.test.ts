/**
 * The operator's other pages in Chromium, each fed by the hub as it runs: the rehearsal matrix
 * filling in live with the countdown to T−1 h, an incident acknowledged with a note, the contact
 * directory, the speak queue granted by the host, the yearly report (or its "not available" state),
 * and the fleet on a phone.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import {
  accessibilityViolations,
  loginAsOperator,
  screenshot,
  startBrowser,
  type TestBrowser,
} from '../helpers/browser.js';
import { apiRequest, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
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
    expect(await item.textContent()).toContain('Gọi: Trần Thị Bình 0912 345 678');
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

  test('reports: the year’s report, or a plain "not available" until the hub serves it', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/reports`);
    const year = await page.locator('#report-year').inputValue();
    const route = await apiRequest(hub.httpUrl, 'GET', `/api/reports/${year}`);
    if (route.status === 404) {
      await page.waitForSelector('#report-unavailable');
      expect(await text('#report-unavailable')).toBe(
        `Báo cáo năm ${year} chưa có: máy chủ chưa cung cấp chức năng báo cáo (Điều 12.5).`,
      );
    } else {
      await waitFor('the report', async () => (await text('#report h3')) === 'Toàn mạng');
    }
    await screenshot(page, 'reports');
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
