/**
 * The demo shows itself, in Chromium: on a simulated fleet an operator's room page has the "Mô
 * phỏng sự cố" panel, and a fault sent from it (a hot room, the mains cut) reaches the room's
 * health live; a hub of real rooms (`mqtt.simInject` off) neither shows the panel nor takes a fault.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { apiRequest, getJson, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-chiem-hoa';

describe('dashboard: a fault triggered from the demo panel', () => {
  let hub: RunningHub & { removeData(): void };
  let real: RunningHub & { removeData(): void };
  let agent: Agent;
  let browser: TestBrowser;

  beforeAll(async () => {
    [hub, real, browser] = await Promise.all([
      startTestHub(),
      startTestHub({ 'mqtt.simInject': false }),
      startBrowser(),
    ]);
    agent = await startTestAgent(hub.mqttUrl, ROOM);
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await hub?.stop();
    await real?.stop();
    hub?.removeData();
    real?.removeData();
  });

  test('the panel heats the room, and its page says so live', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/room/${ROOM}`);
    await waitFor('the panel', () => page.locator('#sim-panel').isVisible());
    expect(await page.locator('#sim-panel h2').textContent()).toBe(
      'Mô phỏng sự cố (chỉ có trong bản trình diễn)',
    );
    await waitFor(
      'the room ready',
      async () => (await page.locator('#room-head .level').textContent()) === 'Sẵn sàng',
    );
    await page.click('#sim-panel button[data-fault="hot"]');
    expect(
      await waitFor('the status', async () => (await page.locator('#sim-status').textContent()) || undefined),
    ).toBe('Đã gửi: Làm nóng phòng (40 °C). Trang này cập nhật khi điểm cầu báo về.');
    await waitFor('the room hot', async () =>
      (await page.locator('#room-head').textContent())?.includes('Nhiệt độ cao 40 °C'),
    );
    expect(await page.locator('#room-head .level').textContent()).toBe('Chưa sẵn sàng');
    await screenshot(page, 'room-demo-panel', true);
    await page.click('#sim-panel button[data-fault="all-clear"]');
    await waitFor(
      'the room ready again',
      async () => (await page.locator('#room-head .level').textContent()) === 'Sẵn sàng',
    );
    const audit = await getJson<AuditEntry[]>(`${hub.httpUrl}/api/audit?action=sim`);
    expect(audit.map((e) => e.details.fault)).toEqual(['all-clear', 'hot']);
  });

  test('a technician has no panel; the hub refuses them a fault', async () => {
    const asTech = { as: { role: 'technician' as const, roomId: ROOM } };
    expect(
      (await apiRequest(hub.httpUrl, 'POST', `/api/rooms/${ROOM}/simulate`, { fault: 'hot' }, asTech)).status,
    ).toBe(403);
    expect(
      await apiRequest(hub.httpUrl, 'POST', `/api/rooms/${ROOM}/simulate`, { fault: 'fire' }),
    ).toMatchObject({
      status: 400,
      body: { field: 'fault' },
    });
  });

  test('a hub of real rooms shows no panel and takes no fault', async () => {
    const { page } = browser;
    expect(
      await apiRequest(real.httpUrl, 'POST', `/api/rooms/${ROOM}/simulate`, { fault: 'hot' }),
    ).toMatchObject({
      status: 403,
      body: { code: 'sim-off' },
    });
    await loginAsOperator(page, real.httpUrl);
    // The page asks the hub whether it simulates; the panel is judged once it has the answer.
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/simulate'));
    await page.goto(`${real.httpUrl}/#/room/${ROOM}`);
    await answered;
    await page.waitForSelector('#room-head');
    expect(await getJson(`${real.httpUrl}/api/simulate`)).toEqual({ enabled: false, faults: [] });
    expect(await page.locator('#sim-panel').isVisible()).toBe(false);
    await loginAsOperator(page, hub.httpUrl);
  });
});
