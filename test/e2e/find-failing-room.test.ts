/**
 * The operator's first task of the day in Chromium: among rooms switched off as they should be
 * (art. 6.5), find the one that is off but faulty. Its tile says the fault in words beside its power
 * state, "problems first" puts it first, the filter and the search find it, its next rehearsal is on
 * its tile, and the wall display shows every room and the MCU on one 1920×1080 screen, worst first.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import { loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { apiRequest, getJson, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

/** Rooms that run and idle off; the first will overheat while off. */
const HOT = 'ubnd-lam-binh';
const IDLE = ['tinh-uy', 'ubnd-tinh', 'ubnd-son-duong', 'so-y-te', 'ubnd-chiem-hoa'];
const H = 3_600_000;

describe('dashboard: find the failing room among off rooms', () => {
  let hub: RunningHub & { removeData(): void };
  let agents: Agent[] = [];
  let browser: TestBrowser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startTestHub(), startBrowser()]);
    // Quiet for about a second: the rooms switch off as an idle room does after its quiet time.
    agents = await Promise.all(
      [HOT, ...IDLE].map((room) =>
        startTestAgent(hub.mqttUrl, room, 0.5, { HNTH_POWER_QUIET_MIN: '0.02', HNTH_POWER_TICK: '0.2' }),
      ),
    );
    await waitFor(
      'every running room off and ready',
      async () => {
        const rooms = await getJson<RoomView[]>(`${hub.httpUrl}/api/rooms`);
        return (
          rooms.filter((r) => r.readiness.level === 'READY' && r.readiness.power.state === 'off').length === 6
        );
      },
      20_000,
    );
    // Booked four days ahead: its first rehearsal (T−24 h) is the room's next item.
    const start = new Date(Date.now() + 96 * H);
    start.setUTCMinutes(0, 0, 0);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Họp trực tuyến phòng chống thiên tai',
      kind: 'committee',
      hostRoomId: 'ubnd-tinh',
      roomIds: ['ubnd-tinh', HOT],
      start: start.toISOString(),
      end: new Date(start.getTime() + 2 * H).toISOString(),
      emergency: null,
    });
    expect(booked.status).toBe(201);
    await inject(hub.mqttUrl, HOT, { temperature: 40 });
    await waitFor('the hot room not ready, still off', async () => {
      const room = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${HOT}`);
      return room.readiness.level === 'NOT_READY' && room.readiness.power.state === 'off';
    });
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    for (const agent of agents) await agent.stop();
    await hub?.stop();
    hub?.removeData();
  });

  const tile = (room: string) => browser.page.locator(`.tile[data-room="${room}"]`);

  test('an off room with a fault looks faulty, with the fault in words beside its power state', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await waitFor(
      'the hot room’s tile',
      async () => (await tile(HOT).getAttribute('data-level')) === 'NOT_READY',
    );
    const hot = (await tile(HOT).textContent()) ?? '';
    expect(hot).toContain('Chưa sẵn sàng');
    expect(hot).toContain('Nhiệt độ cao 40 °C');
    expect(hot).toContain('Nguồn: Đang tắt (nghỉ)');
    expect(await tile(HOT).getAttribute('data-power')).toBe('off');
    // An idle room is off too, and ready: off is normal.
    const idle = (await tile(IDLE[0]!).textContent()) ?? '';
    expect(idle).toContain('Sẵn sàng');
    expect(idle).toContain('Đang tắt (nghỉ), không sử dụng');
    // Its next item: the first rehearsal of its meeting, named.
    await waitFor('the next item on the tile', async () =>
      (await tile(HOT).locator('.next').textContent())?.startsWith('Chạy thử trước 24 giờ: '),
    );
    expect(await tile(HOT).locator('.next').textContent()).toContain('Họp trực tuyến phòng chống thiên tai');
    expect(await tile(IDLE[2]!).locator('.next').count()).toBe(0);
    await screenshot(page, 'fleet-off-room-faulty');
  });

  test('“problems first” puts it first; the filter shows only rooms with a problem; the search finds it without accents', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.selectOption('#fleet-sort', 'worst');
    await waitFor('a flat list', async () => (await page.locator('.group.flat .tile').count()) === 28);
    expect(await page.locator('.tile').first().getAttribute('data-room')).toBe(HOT);
    await page.check('#filter-not-ready');
    // The hot room and the 22 rooms never heard from; none of the five idle, ready ones.
    await waitFor('the filter', async () => (await page.locator('.tile').count()) === 23);
    for (const room of IDLE) expect(await tile(room).count()).toBe(0);
    expect(await page.locator('#summary').textContent()).toBe(
      '23 điểm cầu có sự cố · 0 đang bật · 6/28 trực tuyến',
    );
    await page.uncheck('#filter-not-ready');
    await page.fill('#fleet-search', 'lam binh');
    await waitFor('the search', async () => (await page.locator('.tile').count()) === 1);
    expect(await page.locator('.tile').getAttribute('data-room')).toBe(HOT);
    await page.fill('#fleet-search', 'không có tên này');
    await waitFor('nothing found', async () =>
      (await page.locator('#fleet .empty').textContent())?.includes('Không có điểm cầu nào khớp'),
    );
    await page.fill('#fleet-search', '');
    await page.selectOption('#fleet-sort', 'group');
  });

  test('the help panel states how fast each signal is seen', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.click('#detection-help summary');
    const row = (signal: string) => page.locator(`#detection-help tr[data-signal="${signal}"]`).textContent();
    expect(await row('mains')).toContain('11,9 mili giây');
    expect(await row('hung')).toContain('7,5 giây');
    expect(await row('codec')).toContain('theo chu kỳ kiểm tra mặc định');
  });

  test('the wall display: all 28 rooms and the MCU on one 1920×1080 screen, worst first', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.click('#wall-link');
    await page.waitForURL(`${hub.httpUrl}/#/wall`);
    await waitFor('28 compact tiles', async () => (await page.locator('#wall .tile.compact').count()) === 28);
    expect(await page.locator('#wall .tile').first().getAttribute('data-room')).toBe(HOT);
    expect(await page.locator('header.top').isVisible()).toBe(false);
    const fits = await page.evaluate(() => {
      const bottoms = Array.from(document.querySelectorAll('#wall .tile, #mcu')).map(
        (e) => e.getBoundingClientRect().bottom,
      );
      return {
        bottom: Math.max(...bottoms),
        scroll: document.documentElement.scrollHeight,
        height: window.innerHeight,
      };
    });
    expect(fits.bottom).toBeLessThanOrEqual(1080);
    expect(fits.scroll).toBeLessThanOrEqual(fits.height);
    await screenshot(page, 'wall-1920x1080');
    await page.click('#wall-exit');
    await page.waitForURL(`${hub.httpUrl}/#/fleet`);
    await waitFor('the menu back', () => page.locator('header.top').isVisible());
  });
});
