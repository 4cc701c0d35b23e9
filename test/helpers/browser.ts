/**
 * Real Chromium for the dashboard's end-to-end tests: Debian's `chromium`, driven by playwright-core
 * (which never downloads a browser), headless, with a fresh profile per browser and nothing that
 * reaches outside this machine. The dashboard is built first, so the tests run from a clean clone.
 */
import { mkdirSync } from 'node:fs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { operatorLogin } from './hub-harness.js';
import { tempDir } from './temp-dir.js';

export const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = new URL('../e2e/screenshots/', import.meta.url);

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function startBrowser(viewport = { width: 1920, height: 1080 }): Promise<TestBrowser> {
  await buildWeb();
  const profile = tempDir('hnth-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    timezoneId: 'UTC',
    locale: 'vi-VN',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // A script error in the page fails loudly in the test's output instead of as a silent timeout.
  page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`));
  return {
    context,
    page,
    close: async () => {
      await context.close();
      profile.remove();
    },
  };
}

/** Logs in through the login page as a person would, and waits for the dashboard. */
export async function loginAs(
  page: Page,
  baseUrl: string,
  who: { username: string; password: string },
): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/login.html`);
  await page.fill('#username', who.username);
  await page.fill('#password', who.password);
  await page.click('#login-submit');
  await page.waitForURL(`${baseUrl}/`);
  await page.waitForSelector('header.top nav');
}

export const loginAsOperator = (page: Page, baseUrl: string) =>
  loginAs(page, baseUrl, operatorLogin(baseUrl));

/** Saves what the page shows under test/e2e/screenshots/ for a person to look at. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage });
}
