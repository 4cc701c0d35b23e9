/**
 * Booking in Chromium: the form shows the regulation's errors before anything is sent (art. 8.1:
 * 48 h notice; art. 8.3: an overlap names the conflicting meeting), and an emergency booking
 * (art. 8.2) goes through without notice.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningHub } from '../../hub/hub.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { formatTime } from '../../shared/format-time.js';
import { loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { apiRequest, getJson, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const H = 3_600_000;
/** A whole hour `hours` from now, so the form's minutes match. */
function hourFromNow(hours: number): Date {
  const d = new Date(Date.now() + hours * H);
  d.setUTCMinutes(0, 0, 0);
  return d;
}

describe('dashboard: booking a meeting in Chromium', () => {
  let hub: RunningHub & { removeData(): void };
  let browser: TestBrowser;
  const existingStart = hourFromNow(24 * 5);

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startTestHub({ 'schedule.powerOnTimeoutSec': 0.5 }), startBrowser()]);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Giao ban tuần',
      kind: 'committee',
      hostRoomId: 'ubnd-tinh',
      roomIds: ['ubnd-tinh', 'so-y-te'],
      start: existingStart.toISOString(),
      end: new Date(existingStart.getTime() + 2 * H).toISOString(),
      emergency: null,
    });
    expect(booked.status).toBe(201);
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    hub?.removeData();
  });

  const check = async () =>
    waitFor(
      'the form’s check',
      async () => (await browser.page.locator('#booking-check').textContent()) || undefined,
    );

  async function fillForm(title: string, start: Date, hours: number) {
    const { page } = browser;
    await page.fill('#m-title', title);
    await page.selectOption('#m-host', 'ubnd-tinh');
    await page.fill('#m-start', formatTime(start));
    await page.fill('#m-end', formatTime(new Date(start.getTime() + hours * H)));
  }

  test('a meeting less than 48 h ahead shows the notice rule before it is sent, and is not booked', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/meetings`);
    await page.waitForSelector('#booking');
    await fillForm('Họp bàn kế hoạch', hourFromNow(5), 2);
    await waitFor('the notice rule', async () => (await check()).includes('48 giờ'));
    expect(await check()).toMatch(/^Phải đăng ký trước ít nhất 48 giờ \(Điều 8\.1\); còn \d+(,\d)? giờ\./);
    await page.click('#m-submit');
    await screenshot(page, 'booking-notice-48h', true);
    const meetings = await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings`);
    expect(meetings.map((m) => m.title)).toEqual(['Giao ban tuần']);
  });

  test('an overlap names the meeting it conflicts with', async () => {
    await fillForm('Họp trùng giờ', new Date(existingStart.getTime() + H), 1);
    await waitFor('the overlap', async () => (await check()).includes('Trùng lịch'));
    expect(await check()).toContain('Văn phòng UBND tỉnh đã có cuộc họp “Giao ban tuần”');
  });

  test('an emergency booking needs no notice and is booked', async () => {
    const { page } = browser;
    await fillForm('Ứng phó lũ khẩn cấp', hourFromNow(3), 2);
    await waitFor('the notice rule', async () => (await check()).includes('48 giờ'));
    await page.check('#m-emergency');
    await page.selectOption('#m-reason', 'flood');
    await page.check('#m-room-ubnd-na-hang');
    await waitFor('the form to accept it', async () => (await check()) === 'Đúng quy chế, có thể đăng ký.');
    await page.click('#m-submit');
    await waitFor('the booking', async () =>
      (await page.locator('#booking-result').textContent())?.includes('Đã đăng ký'),
    );
    const meetings = await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings`);
    const emergency = meetings.find((m) => m.title === 'Ứng phó lũ khẩn cấp');
    expect(emergency).toMatchObject({
      emergency: { reason: 'flood' },
      hostRoomId: 'ubnd-tinh',
      roomIds: ['ubnd-tinh', 'ubnd-na-hang'],
    });
    await screenshot(page, 'booking-emergency-done', true);
  });

  test('the month view shows the booked meetings', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/meetings`);
    await page.click('.views button:nth-child(2)');
    await waitFor('the month grid', async () => (await page.locator('#calendar.month .day').count()) >= 28);
    await waitFor(
      'a meeting in the month',
      async () => (await page.locator('#calendar .meeting').count()) > 0,
    );
    await screenshot(page, 'meetings-month');
  });
});
