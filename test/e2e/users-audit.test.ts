/**
 * The operator's administration pages in Chromium: create a user (the password shown once, a name
 * taken refused beside its field, the new technician logging in to their room), read the audit log
 * (the chain verified, filtered by what and room, in words), and the notification log (a notice
 * skipped because nobody is on file, said why).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import { loginAs, loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { apiRequest, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-ham-yen';

describe('dashboard: users, the audit log and the notification log', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let browser: TestBrowser;
  let password = '';

  beforeAll(async () => {
    [hub, browser] = await Promise.all([
      startTestHub({
        'incidents.raiseAfterSec': 0,
        'incidents.checkSec': 1,
        'schedule.powerOnTimeoutSec': 0.5,
      }),
      startBrowser(),
    ]);
    agent = await startTestAgent(hub.mqttUrl, ROOM);
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  test('an operator creates a technician; the password is shown once; a name taken is refused beside its field', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/users`);
    await page.waitForSelector('#user-table');
    await page.fill('#u-username', 'ky-thuat.ham-yen');
    await page.selectOption('#u-role', 'technician');
    await page.selectOption('#u-room', ROOM);
    await page.click('#u-submit');
    const shown = await waitFor(
      'the password',
      async () => (await page.locator('#users-status .password p').first().textContent()) || undefined,
    );
    password = /^Mật khẩu của ky-thuat\.ham-yen: (\S+)$/.exec(shown)![1]!;
    expect(await page.locator('#users-status .password').textContent()).toContain(
      'Mật khẩu chỉ hiện một lần',
    );
    await waitFor(
      'the new row',
      async () => (await page.locator('tr[data-user="ky-thuat.ham-yen"]').count()) === 1,
    );
    expect(await page.locator('#u-username').inputValue()).toBe('');
    await screenshot(page, 'users-created');

    await page.fill('#u-username', 'ky-thuat.ham-yen');
    await page.selectOption('#u-role', 'viewer');
    await page.click('#u-submit');
    await waitFor(
      'the refusal beside the name',
      async () => (await page.locator('#u-username-error').textContent()) === 'Tên đăng nhập này đã có.',
    );
    expect(await page.locator('#u-username').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('u-username');
  });

  test('the new technician logs in with that password and starts on their room', async () => {
    const { page } = browser;
    await loginAs(page, hub.httpUrl, { username: 'ky-thuat.ham-yen', password });
    await page.waitForSelector('#room-head');
    expect(await page.locator('h2.page-title').textContent()).toBe('UBND huyện Hàm Yên');
    expect(await page.locator('#who').textContent()).toContain('Cán bộ kỹ thuật');
    // The administration pages are not in a technician's menu.
    expect(await page.locator('header.top nav a[href="#/users"]').count()).toBe(0);
    await loginAsOperator(page, hub.httpUrl);
  });

  test('the audit log: the chain verified, filtered by what and by room, said in words', async () => {
    const { page } = browser;
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      (
        await apiRequest(hub.httpUrl, 'POST', `/api/rooms/${ROOM}/power`, {
          action: 'on',
          until,
          reason: 'họp tổ',
        })
      ).status,
    ).toBe(200);
    await page.goto(`${hub.httpUrl}/#/audit`);
    await waitFor('the chain verified', async () =>
      (await page.locator('#audit-chain').textContent())?.startsWith('Chuỗi nhật ký toàn vẹn:'),
    );
    await page.selectOption('#audit-action', 'user');
    await page.click('#audit-filter button[type=submit]');
    // Two rows name the user: the creation, and the second try refused because the name was taken.
    const rows = page.locator('#audit-table tr', { hasText: 'ky-thuat.ham-yen' });
    await waitFor('the user created and the name refused', async () => (await rows.count()) === 2);
    const created = rows.filter({ hasText: 'Đã thực hiện' });
    expect(await created.count()).toBe(1);
    expect(await created.textContent()).toContain('Tạo người dùng');
    expect(await created.textContent()).toContain('vai trò Cán bộ kỹ thuật');
    const refused = rows.filter({ hasText: 'Bị từ chối' });
    expect(await refused.count()).toBe(1);
    expect(await refused.locator('td.error').getAttribute('title')).toBe('user-exists');

    await page.selectOption('#audit-action', '');
    await page.selectOption('#audit-room', ROOM);
    await page.click('#audit-filter button[type=submit]');
    const override = page.locator('#audit-table tr[data-action="power.override"]');
    await waitFor('the override', async () => (await override.count()) === 1);
    expect(await override.textContent()).toContain('Giữ nguồn đến một thời điểm');
    expect(await override.textContent()).toContain('lý do: họp tổ');
    expect(await override.locator(`a[href="#/room/${ROOM}"]`).textContent()).toBe('UBND huyện Hàm Yên');
    await screenshot(page, 'audit-filtered');
  });

  test('the notification log says which notice was skipped, for which room, and why', async () => {
    const { page } = browser;
    await inject(hub.mqttUrl, ROOM, { codec: 'down' });
    await page.goto(`${hub.httpUrl}/#/notifications`);
    await page.check('#only-problems');
    const skipped = page.locator('#notification-table tr[data-status="skipped"]', {
      hasText: 'điểm cầu chưa có cán bộ kỹ thuật',
    });
    await waitFor(
      'the skipped notice',
      async () => {
        await page.uncheck('#only-problems');
        await page.check('#only-problems');
        return (await skipped.count()) > 0;
      },
      15_000,
    );
    expect(await skipped.first().textContent()).toContain('Báo sự cố');
    expect(await skipped.first().textContent()).toContain('Bỏ qua');
    // The room the skipped notice concerns, kept with the delivery.
    expect(await skipped.first().locator(`a[href="#/room/${ROOM}"]`).textContent()).toBe(
      'UBND huyện Hàm Yên',
    );
    expect(await page.locator('#notification-problems li[data-problem="no-smtp"]').count()).toBe(1);
    await screenshot(page, 'notifications-log');
    await inject(hub.mqttUrl, ROOM, { codec: 'up' });
  });
});
