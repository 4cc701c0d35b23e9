/**
 * The dashboard's fleet and room pages in real Chromium: log in, 28 tiles, a fault injected through
 * MQTT reaching its tile live, the power buttons' refusal during a call, and a viewer who cannot
 * see them.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { loginAs, loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { getJson, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-ham-yen';
/** A second room that stays ready, so the "not ready" filter has something to hide. */
const OTHER = 'tinh-uy';

describe('dashboard: fleet and room in Chromium', () => {
  let hub: RunningHub & { removeData(): void };
  let agents: Agent[] = [];
  let browser: TestBrowser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startTestHub(), startBrowser()]);
    agents = await Promise.all([startTestAgent(hub.mqttUrl, ROOM), startTestAgent(hub.mqttUrl, OTHER)]);
    await waitFor('both rooms ready at the hub', async () => {
      const rooms = await getJson<RoomView[]>(`${hub.httpUrl}/api/rooms`);
      return rooms.filter((r) => r.readiness.level === 'READY').length === 2;
    });
  });
  afterAll(async () => {
    await browser?.close();
    for (const agent of agents) await agent.stop();
    await hub?.stop();
    hub?.removeData();
  });

  test('a visitor without a session is sent to the login page, and logs in there', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/`);
    await page.waitForURL(`${hub.httpUrl}/login.html`);
    await page.fill('#username', 'test-operator');
    await page.fill('#password', 'not the password');
    await page.click('#login-submit');
    expect(
      await waitFor(
        'the refusal',
        async () => (await page.locator('#login-error').textContent()) || undefined,
      ),
    ).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    await screenshot(page, 'login-refused');
    await loginAsOperator(page, hub.httpUrl);
    expect(await page.locator('#who').textContent()).toContain('test-operator');
  });

  test('on a desk (1440×900) large groups lay their rooms out in columns, and so does one list of all', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.waitForSelector('.tile[data-room]');
    const columnsOf = (selector: string) =>
      page
        .locator(selector)
        .evaluateAll((tiles) => new Set(tiles.map((t) => Math.round(t.getBoundingClientRect().left))).size);
    const rowsOf = (selector: string) =>
      page
        .locator(selector)
        .evaluateAll((tiles) => new Set(tiles.map((t) => Math.round(t.getBoundingClientRect().top))).size);
    // The 19 departments were one column three screens tall.
    expect(await columnsOf('.group[aria-label="Sở, ban, ngành"] .tile')).toBeGreaterThanOrEqual(4);
    // The three single-room groups still share one row.
    expect(await rowsOf('.group:not(.wide) .tile')).toBe(1);
    await page.selectOption('#fleet-sort', 'name');
    await waitFor('one list', async () => (await page.locator('.group.flat .tile').count()) === 28);
    expect(await columnsOf('.group.flat .tile')).toBeGreaterThanOrEqual(4);
    await page.selectOption('#fleet-sort', 'group');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  test('the fleet shows the 28 rooms grouped by kind, with the MCU on top', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.waitForSelector('.tile[data-room]');
    expect(await page.locator('.tile[data-room]').count()).toBe(28);
    expect(await page.locator('.group h2').allTextContents()).toEqual([
      'Khối Đảng',
      'Hội đồng nhân dân',
      'Ủy ban nhân dân tỉnh',
      'Huyện, thành phố',
      'Sở, ban, ngành',
    ]);
    await expect(page.locator('#mcu').textContent()).resolves.toContain('Máy chủ trung tâm');
    await expect(page.locator(`.tile[data-room="${ROOM}"]`).getAttribute('data-level')).resolves.toBe(
      'READY',
    );
    await expect(page.locator('.tile[data-room="so-y-te"] .seen').textContent()).resolves.toContain(
      'Chưa kết nối lần nào',
    );
    await screenshot(page, 'fleet-wall-1920');
  });

  test('mains lost, injected through MQTT, reaches its tile live with the reason in Vietnamese', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    const tile = page.locator(`.tile[data-room="${ROOM}"]`);
    await expect(tile.getAttribute('data-level')).resolves.toBe('READY');
    // Marks the document: a reload would lose it, so the change below came over /ws.
    await page.evaluate(() => document.body.setAttribute('data-loaded-once', 'yes'));
    await inject(hub.mqttUrl, ROOM, { mains: false });
    await waitFor(
      'the tile to show mains lost',
      async () =>
        (await tile.getAttribute('data-level')) !== 'READY' &&
        (await tile.textContent())?.includes('Mất điện lưới'),
      10_000,
    );
    expect(await page.evaluate(() => document.body.getAttribute('data-loaded-once'))).toBe('yes');
    expect(await tile.textContent()).toMatch(/Mất điện lưới, đang chạy UPS \d+(\.\d)? %/);
    await page.check('#filter-not-ready');
    expect(await page.locator('.tile[data-room]').count()).toBe(27);
    expect(await tile.count()).toBe(1);
    expect(await page.locator(`.tile[data-room="${OTHER}"]`).count()).toBe(0);
    await screenshot(page, 'fleet-mains-lost-filtered');
    await page.uncheck('#filter-not-ready');
    await inject(hub.mqttUrl, ROOM, { mains: true });
  });

  test('the English toggle turns the words to English and back', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.click('#lang');
    await expect(page.locator('.group h2').first().textContent()).resolves.toBe('Party');
    await page.click('#lang');
    await expect(page.locator('.group h2').first().textContent()).resolves.toBe('Khối Đảng');
  });

  test('the room page shows readings and charts; powering off during a call is refused with the reason', async () => {
    const { page } = browser;
    await inject(hub.mqttUrl, ROOM, { inCall: true });
    await waitFor('the call at the hub', async () => {
      const room = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`);
      return room.readings?.codec.inCall === true;
    });
    await page.goto(`${hub.httpUrl}/#/room/${ROOM}`);
    await page.waitForSelector('#room-head');
    await page.waitForSelector('#charts figure, #charts p');
    await page.click('#power-off');
    await page.click('#confirm-ok');
    await waitFor('the refusal', async () =>
      (await page.locator('#power-status').textContent())?.includes('từ chối'),
    );
    expect(await page.locator('#power-status').textContent()).toBe(
      'Điểm cầu từ chối: phòng đang họp, không tắt nguồn giữa cuộc họp',
    );
    expect(await page.locator('#power-force').count()).toBe(1);
    await screenshot(page, 'room-power-refused', true);
    const room = await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`);
    expect(room.readings?.power.state).toBe('on');
  });

  test('by keyboard: a tile opens its room, and Escape in the power dialog sends nothing', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    await page.focus(`.tile[data-room="${OTHER}"]`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${hub.httpUrl}/#/room/${OTHER}`);
    await page.waitForSelector('#power-off');
    await page.focus('#power-off');
    await page.keyboard.press('Enter');
    await page.waitForSelector('dialog[open]');
    // Focus starts on "cancel": a stray Enter never cuts a room's power.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('confirm-cancel');
    await page.keyboard.press('Escape');
    await waitFor('the dialog closed', async () => (await page.locator('dialog').count()) === 0);
    expect(await page.locator('#power-status').textContent()).toBe('');
    // Every power order is audited before it is sent: none was for this room.
    const audit = await getJson<AuditEntry[]>(`${hub.httpUrl}/api/audit?limit=100`);
    expect(audit.filter((e) => e.action.startsWith('power.') && e.details.roomId === OTHER)).toEqual([]);
  });

  test('a viewer sees the rooms but neither the power buttons nor the booking form', async () => {
    const { page } = browser;
    const password = await hub.security.users.set(
      { username: 'viewer-e2e', role: 'viewer', roomId: null },
      'test',
    );
    await loginAs(page, hub.httpUrl, { username: 'viewer-e2e', password });
    await page.goto(`${hub.httpUrl}/#/room/${ROOM}`);
    await page.waitForSelector('#room-head');
    await page.waitForSelector('#charts figure, #charts p');
    expect(await page.locator('#power-control, #power-on, #power-off').count()).toBe(0);
    await screenshot(page, 'room-as-viewer', true);
    await page.goto(`${hub.httpUrl}/#/meetings`);
    await page.waitForSelector('#calendar .day');
    expect(await page.locator('#booking').count()).toBe(0);
  });

  test('a room’s technician starts on their own room, with the speak button and no power buttons', async () => {
    const { page } = browser;
    const password = await hub.security.users.set(
      { username: 'tech-e2e', role: 'technician', roomId: ROOM },
      'test',
    );
    await loginAs(page, hub.httpUrl, { username: 'tech-e2e', password });
    await page.waitForSelector('#room-head');
    expect(await page.locator('h2.page-title').textContent()).toBe('UBND huyện Hàm Yên');
    expect(await page.locator('#speak-request').count()).toBe(1);
    expect(await page.locator('#power-control').count()).toBe(0);
    await screenshot(page, 'room-as-technician', true);
  });

  test('a room gone offline: its page says so above its last readings, which it keeps', async () => {
    const { page } = browser;
    await loginAsOperator(page, hub.httpUrl);
    await page.goto(`${hub.httpUrl}/#/room/${OTHER}`);
    await page.waitForSelector('dl.readings');
    expect(await page.locator('.stale').count()).toBe(0);
    await agents[1]!.stop();
    // Live, on the page already open: the room goes offline and its readings stay, marked as its last.
    await page.waitForSelector('.stale');
    expect(await page.locator('.stale').textContent()).toMatch(
      /^Điểm cầu đang mất kết nối: đây là số liệu cuối cùng, nhận lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\.$/,
    );
    const temperature = await page.locator('dl.readings dd').nth(3).textContent();
    expect(temperature).toMatch(/^\d+(,\d)? °C$/);
    // And so on a fresh load.
    await page.reload();
    await page.waitForSelector('.stale');
    expect(await page.locator('dl.readings dd').nth(3).textContent()).toBe(temperature);
    await screenshot(page, 'room-offline-last-readings', true);
  });
});
