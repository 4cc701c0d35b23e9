/**
 * Booking in Chromium, with the department's date and time pickers (a month calendar with weekday
 * names and today, the hour 00–23): the rule that refuses a booking is shown beside the field it
 * concerns before anything is sent (art. 8.1: 48 h notice beside the start; art. 8.3: an overlap
 * beside the rooms, naming the meeting), an emergency booking (art. 8.2) goes through and clears
 * the form, the calendar shows weekday names and today, and the calendar can be subscribed to.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { RunningHub } from '../../hub/hub.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { dayParam } from '../../hub/web/src/calendar-grid.js';
import { civil, formatTime } from '../../shared/format-time.js';
import { loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { apiRequest, getJson, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const H = 3_600_000;
/** A whole hour `hours` from now, so the pickers can give it. */
function hourFromNow(hours: number): Date {
  const d = new Date(Date.now() + hours * H);
  d.setUTCMinutes(0, 0, 0);
  return d;
}

/** Picks a Vietnam date and time with the picker `id`: the calendar's day, then the hour and minute lists. */
async function pick(page: Page, id: string, at: Date): Promise<void> {
  const [date, clock] = formatTime(at).split(' ') as [string, string];
  await page.click(`#${id}-open`);
  const day = page.locator(`#${id}-calendar .picker-day[data-date="${date}"]`);
  // The calendar opens on this month; a date next month is one page on.
  if ((await day.count()) === 0) await page.click(`#${id}-calendar button[aria-label="Tháng sau"]`);
  await day.click();
  await page.selectOption(`#${id}-hour`, clock.slice(0, 2));
  await page.selectOption(`#${id}-minute`, clock.slice(3, 5));
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

  async function fillForm(title: string, start: Date, hours: number) {
    const { page } = browser;
    await page.fill('#m-title', title);
    await page.selectOption('#m-host', 'ubnd-tinh');
    await pick(page, 'm-start', start);
    await pick(page, 'm-end', new Date(start.getTime() + hours * H));
  }

  test('the pickers: a month calendar with weekday names and today, hours 00–23', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/meetings`);
    await page.waitForSelector('#booking');
    await page.click('#m-start-open');
    const calendar = page.locator('#m-start-calendar');
    expect(await calendar.locator('.picker-weekday').allTextContents()).toEqual([
      'T2',
      'T3',
      'T4',
      'T5',
      'T6',
      'T7',
      'CN',
    ]);
    const today = calendar.locator('.picker-day[aria-current="date"]');
    expect(await today.count()).toBe(1);
    expect(await today.getAttribute('aria-label')).toMatch(/^Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy), |^Chủ Nhật, /);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-current'))).toBe('date');
    await page.keyboard.press('Escape');
    expect(await calendar.isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('m-start-open');
    const hours = await page.locator('#m-start-hour option').allTextContents();
    expect(hours[0]).toBe('00');
    expect(hours.at(-1)).toBe('23');
    expect(hours).toHaveLength(24);
  });

  test('a meeting less than 48 h ahead: the notice rule beside the start, before anything is sent', async () => {
    const { page } = browser;
    await fillForm('Họp bàn kế hoạch', hourFromNow(5), 2);
    const beside = page.locator('#m-start-error');
    await waitFor('the rule beside the start', async () => (await beside.textContent())?.includes('48 giờ'));
    expect(await beside.textContent()).toMatch(
      /^Phải đăng ký trước ít nhất 48 giờ \(Điều 8\.1\); còn \d+(,\d)? giờ\./,
    );
    expect(await page.locator('#m-start').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#m-start').getAttribute('aria-describedby')).toContain('m-start-error');
    await page.click('#m-submit');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('m-start');
    await screenshot(page, 'booking-notice-48h', true);
    const meetings = await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings`);
    expect(meetings.map((m) => m.title)).toEqual(['Giao ban tuần']);
  });

  test('an overlap is shown beside the rooms, naming the meeting it conflicts with', async () => {
    const { page } = browser;
    await fillForm('Họp trùng giờ', new Date(existingStart.getTime() + H), 1);
    const beside = page.locator('#m-rooms-error');
    await waitFor('the overlap beside the rooms', async () =>
      (await beside.textContent())?.includes('Trùng lịch'),
    );
    expect(await beside.textContent()).toContain('Văn phòng UBND tỉnh đã có cuộc họp “Giao ban tuần”');
    expect(await page.locator('#m-start-error').count()).toBe(0);
  });

  test('an emergency booking needs no notice, is booked, and clears the form', async () => {
    const { page } = browser;
    await fillForm('Ứng phó lũ khẩn cấp', hourFromNow(3), 2);
    await waitFor('the notice rule', async () => (await page.locator('#m-start-error').count()) === 1);
    await page.check('#m-emergency');
    await page.selectOption('#m-reason', 'flood');
    await page.check('#m-room-ubnd-na-hang');
    await waitFor(
      'the form to accept it',
      async () => (await page.locator('#booking-check').textContent()) === 'Đúng quy chế, có thể đăng ký.',
    );
    expect(await page.locator('.field-error').count()).toBe(0);
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
    expect(await page.locator('#m-title').inputValue()).toBe('');
    expect(await page.locator('#m-start').inputValue()).toBe('');
    expect(await page.locator('#m-room-ubnd-na-hang').isChecked()).toBe(false);
    expect(await page.locator('#m-emergency').isChecked()).toBe(false);
    await screenshot(page, 'booking-emergency-done', true);
    await page.click('#booked-link');
    await page.waitForURL(`${hub.httpUrl}/#/meeting/${emergency!.id}`);
    await waitFor(
      'the meeting page',
      async () => (await page.locator('#meeting-rooms tbody tr').count()) === 2,
    );
    expect(await page.locator('h2.page-title').textContent()).toBe('Ứng phó lũ khẩn cấp');
    expect(await page.locator('#meeting-cancel').count()).toBe(1);
  });

  test('the week shows weekday names and today; the month its weekdays and the meetings, each a link', async () => {
    const { page } = browser;
    // Today's week: the meetings, three hours and five days on, may be in the next (and next month).
    await page.goto(`${hub.httpUrl}/#/meetings`);
    await waitFor('the week', async () => (await page.locator('#calendar.week .day').count()) === 7);
    const heads = await page.locator('#calendar .day-head').allTextContents();
    expect(heads[0]).toMatch(/^Thứ Hai \d\d\/\d\d/);
    expect(heads[6]).toMatch(/^Chủ Nhật \d\d\/\d\d/);
    expect(await page.locator('#calendar .day[aria-current="date"] .day-head').textContent()).toContain(
      'Hôm nay',
    );
    // The month of the emergency meeting, so it is in the grid whatever today is.
    const emergency = (await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings`)).find(
      (m) => m.title === 'Ứng phó lũ khẩn cấp',
    )!;
    await page.goto(`${hub.httpUrl}/#/meetings/${dayParam(new Date(emergency.start))}`);
    await page.waitForSelector('#calendar.week .day');
    await page.click('.views button:nth-child(2)');
    await waitFor('the month grid', async () => (await page.locator('#calendar.month .day').count()) >= 28);
    expect(await page.locator('#calendar .weekday-head').allTextContents()).toEqual([
      'Thứ Hai',
      'Thứ Ba',
      'Thứ Tư',
      'Thứ Năm',
      'Thứ Sáu',
      'Thứ Bảy',
      'Chủ Nhật',
    ]);
    await waitFor(
      'a meeting in the month',
      async () => (await page.locator('#calendar .meeting a').count()) > 0,
    );
    expect(await page.locator('#calendar .meeting a').first().getAttribute('href')).toMatch(/^#\/meeting\//);
    await screenshot(page, 'meetings-month');
  });

  test('a meeting’s “back to the calendar” opens the week that holds it, five days on', async () => {
    const { page } = browser;
    const weekly = (await getJson<Meeting[]>(`${hub.httpUrl}/api/meetings`)).find(
      (m) => m.title === 'Giao ban tuần',
    )!;
    await page.goto(`${hub.httpUrl}/#/meeting/${weekly.id}`);
    await page.waitForSelector('#meeting-back[href^="#/meetings/"]');
    await page.click('#meeting-back');
    await waitFor('the meeting in the week shown', async () =>
      (await page.locator('#calendar.week .meeting').allTextContents()).some((m) =>
        m.includes('Giao ban tuần'),
      ),
    );
    const shown = await page.locator('#calendar .day-head').allTextContents();
    const { day, month } = civil(new Date(weekly.start));
    expect(
      shown.some((head) =>
        head.includes(`${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}`),
      ),
    ).toBe(true);
  });

  test('the calendar can be subscribed to: its address, and the file with the booked meetings', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/meetings`);
    await page.waitForSelector('#calendar-subscribe');
    await waitFor('the state of the address', async () =>
      (await page.locator('#subscribe-state').textContent())?.includes('chưa có'),
    );
    // The reader's own secret address: a calendar app reads it without logging in.
    await page.click('#subscribe-make');
    await page.waitForSelector('#subscribe-shown:not([hidden])');
    const address = await page.locator('#subscribe-url').inputValue();
    expect(address).toMatch(new RegExp(`^${hub.httpUrl}/api/calendar/feed/[A-Za-z0-9_-]{20,}\\.ics$`));
    const feed = await fetch(address);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('Giao ban tuần');
    await page.click('#subscribe-revoke');
    await waitFor('the address revoked', async () =>
      (await page.locator('#subscribe-state').textContent())?.includes('Đã thu hồi'),
    );
    expect((await fetch(address)).status).toBe(404);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#subscribe-download')]);
    const ics = readFileSync((await download.path())!, 'utf8');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('Giao ban tuần');
    expect(ics).toContain('Ứng phó lũ khẩn cấp');
  });
});
