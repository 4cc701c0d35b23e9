/**
 * A new incident draws the eye, in Chromium: counted in the menu and the tab title, announced by a
 * tone and a desktop notification once the operator has turned alerts on, and the notices it could
 * not send (no technician on file, no SMTP relay, no operator address) shown in a banner that links
 * to the fix. The browser's Notification and AudioContext are stand-ins that record what the page
 * asked of them: headless Chromium shows no desktop and plays no sound.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import { loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-yen-son';

/** Runs in the page before its scripts: records notifications and tones instead of showing and playing them. */
function recordAlerts(): void {
  const w = window as unknown as {
    notified: { title: string; body?: string }[];
    tones: number;
    Notification: unknown;
    AudioContext: unknown;
  };
  w.notified = [];
  w.tones = 0;
  class RecordedNotification {
    static permission = 'default';
    static async requestPermission() {
      RecordedNotification.permission = 'granted';
      return 'granted';
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options: { body?: string } = {}) {
      w.notified.push({ title, body: options.body });
    }
  }
  class RecordedAudio {
    currentTime = 0;
    destination = {};
    async resume() {}
    createGain() {
      return { gain: { value: 0 }, connect: (x: unknown) => x };
    }
    createOscillator() {
      return {
        frequency: { value: 0 },
        connect: (x: unknown) => x,
        start: () => {
          w.tones++;
        },
        stop: () => {},
      };
    }
  }
  w.Notification = RecordedNotification;
  w.AudioContext = RecordedAudio;
}

describe('dashboard: a new incident counted and announced', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let browser: TestBrowser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([
      startTestHub({ 'incidents.raiseAfterSec': 0, 'incidents.clearAfterSec': 0, 'incidents.checkSec': 1 }),
      startBrowser(),
    ]);
    agent = await startTestAgent(hub.mqttUrl, ROOM);
    await browser.context.addInitScript(recordAlerts);
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  test('the banner says at once that no notice can go out: no operator address, no SMTP relay', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    const banner = page.locator('#notice-banner');
    await waitFor('the banner', () => banner.isVisible());
    expect(await banner.locator('li[data-problem="no-operator-address"]').textContent()).toContain(
      'Chưa có địa chỉ thư của Sở TT&TT',
    );
    expect(await banner.locator('li[data-problem="no-smtp"]').textContent()).toContain(
      'Chưa cấu hình máy chủ gửi thư',
    );
  });

  test('alerts on, an incident opens: counted in the menu and the title, a tone and a desktop notification', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/fleet`);
    expect(await page.locator('#open-incidents').count()).toBe(0);
    await page.click('#alerts');
    expect(await page.locator('#alerts').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#alerts').textContent()).toBe('Đang bật báo động khi có sự cố');

    await inject(hub.mqttUrl, ROOM, { mains: false });
    await waitFor('the count in the menu', async () =>
      (await page.locator('#open-incidents').textContent())?.startsWith('1'),
    );
    expect(await page.locator('#open-incidents .sr-only').textContent()).toBe('1 sự cố đang mở');
    expect(await page.title()).toBe('(1) Điểm cầu — HNTH');
    const notified = await waitFor('the notification', () =>
      page.evaluate(() => {
        const list = (window as unknown as { notified: { title: string; body?: string }[] }).notified;
        return list.length > 0 ? list : undefined;
      }),
    );
    expect(notified).toEqual([{ title: 'Sự cố mới: Mất điện lưới', body: 'UBND huyện Yên Sơn' }]);
    expect(await page.evaluate(() => (window as unknown as { tones: number }).tones)).toBeGreaterThan(0);
    // The count follows the reader from page to page.
    await page.click('header.top nav a[href="#/incidents"]');
    await waitFor('the incidents page title', async () => (await page.title()) === '(1) Sự cố — HNTH');
    await screenshot(page, 'attention-incident-counted');
  });

  test('the incident’s notice that found no technician on file is in the banner, with the link to fix it', async () => {
    const { page } = browser;
    const item = page.locator('#notice-banner li[data-problem="no-technician"]');
    await waitFor('the missing technician', async () => (await item.count()) === 1, 15_000);
    expect(await item.textContent()).toMatch(
      /^\d+ thông báo không gửi được vì điểm cầu chưa có cán bộ kỹ thuật trong danh bạ: UBND huyện Yên Sơn\.$/,
    );
    await page.click('#notice-banner a[href="#/contacts"]');
    await page.waitForURL(`${hub.httpUrl}/#/contacts`);
    await inject(hub.mqttUrl, ROOM, { mains: true });
    await waitFor(
      'the count gone once the incident closes',
      async () => (await page.locator('#open-incidents').count()) === 0,
      15_000,
    );
    expect(await page.title()).toBe('Danh bạ — HNTH');
  });
});
