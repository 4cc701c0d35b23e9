/**
 * Real Chromium for the dashboard's end-to-end tests: Debian's `chromium`, driven by playwright-core
 * (which never downloads a browser), headless, with a fresh profile per browser and nothing that
 * reaches outside this machine. The dashboard is built first, so the tests run from a clean clone.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

/** axe-core's engine, run inside the page (through the debugger protocol, so the page's CSP allows it). */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** What axe-core finds against WCAG 2 A and AA (contrast, names, labels, ...) on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}
