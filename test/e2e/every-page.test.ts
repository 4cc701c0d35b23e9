/**
 * Every page, for every role, on a desk and on a phone, in Chromium: axe-core finds no WCAG 2 A/AA
 * violation, every word shown is Vietnamese (the catalogue's or the data's; test/helpers/
 * visible-words.ts), and a screenshot of each is saved in test/e2e/screenshots/ (not committed).
 * The hub holds a day's worth: a meeting and its rehearsal, an incident, a contact, users.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import { dayParam } from '../../hub/web/src/calendar-grid.js';
import {
  accessibilityViolations,
  loginAs,
  loginAsOperator,
  screenshot,
  startBrowser,
  type TestBrowser,
} from '../helpers/browser.js';
import {
  apiRequest,
  getJson,
  inject,
  startTestAgent,
  startTestHub,
  TEST_OPERATOR,
} from '../helpers/hub-harness.js';
import { foreignWords } from '../helpers/visible-words.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-son-duong';
const H = 3_600_000;

type Role = 'operator' | 'technician' | 'viewer';
interface PageCase {
  name: string;
  hash: () => string;
  /** What shows once the page has its data. */
  ready: string;
  operatorOnly?: boolean;
}

describe('every page, for every role: accessible, in Vietnamese, and photographed', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let browser: TestBrowser;
  let meeting: Meeting;
  const passwords: Record<Exclude<Role, 'operator'>, string> = { technician: '', viewer: '' };
  /** The data the pages show, whose words are not the catalogue's. */
  const data: string[] = [];

  const pages: PageCase[] = [
    { name: 'fleet', hash: () => '#/fleet', ready: '.tile[data-room]' },
    { name: 'wall', hash: () => '#/wall', ready: '#wall .tile' },
    { name: 'room', hash: () => `#/room/${ROOM}`, ready: '#room-history table' },
    // The week holding the meeting, which is not this week's from Sunday evening on.
    {
      name: 'meetings',
      hash: () => `#/meetings/${dayParam(new Date(meeting.start))}`,
      ready: '#calendar .meeting',
    },
    { name: 'meeting', hash: () => `#/meeting/${meeting.id}`, ready: '#meeting-rehearsals .matrix' },
    { name: 'rehearsals', hash: () => '#/rehearsals', ready: '#recent-runs .run' },
    { name: 'incidents', hash: () => '#/incidents', ready: '#incident-list .incident' },
    { name: 'contacts', hash: () => '#/contacts', ready: '.contacts li' },
    { name: 'speak', hash: () => '#/speak', ready: '#speak-list p, #speak-list section' },
    { name: 'reports', hash: () => '#/reports', ready: '#report-summary' },
    { name: 'users', hash: () => '#/users', ready: '#user-table', operatorOnly: true },
    { name: 'audit', hash: () => '#/audit', ready: '#audit-table', operatorOnly: true },
    {
      name: 'notifications',
      hash: () => '#/notifications',
      ready: '#notification-table',
      operatorOnly: true,
    },
  ];

  beforeAll(async () => {
    [hub, browser] = await Promise.all([
      startTestHub({
        'incidents.raiseAfterSec': 0,
        'incidents.checkSec': 1,
        'schedule.rehearseTimeoutSec': 2,
        'schedule.powerOnTimeoutSec': 0.5,
        'schedule.inspectionCron': '',
      }),
      startBrowser(),
    ]);
    agent = await startTestAgent(hub.mqttUrl, ROOM);
    passwords.technician = await hub.security.users.set(
      { username: 'ky-thuat', role: 'technician', roomId: ROOM },
      'test',
    );
    passwords.viewer = await hub.security.users.set(
      { username: 'lanh-dao', role: 'viewer', roomId: null },
      'test',
    );
    await apiRequest(hub.httpUrl, 'PUT', `/api/contacts/rooms/${ROOM}`, {
      name: 'Trần Thị Bình',
      unit: 'UBND huyện Sơn Dương',
      position: 'Chuyên viên CNTT',
      phone: '0912 345 678',
      email: 'binh@sonduong.gov.vn',
    });
    const start = new Date(Date.now() + 3 * H);
    start.setUTCMinutes(0, 0, 0);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Họp ứng phó mưa lũ',
      kind: 'committee',
      hostRoomId: ROOM,
      roomIds: [ROOM, 'so-tai-chinh'],
      start: start.toISOString(),
      end: new Date(start.getTime() + H).toISOString(),
      emergency: { reason: 'flood' },
    });
    meeting = booked.body as Meeting;
    const run = await apiRequest(hub.httpUrl, 'POST', '/api/rehearsals', { meetingId: meeting.id });
    expect(run.status).toBe(202);
    await inject(hub.mqttUrl, ROOM, { temperature: 40 });
    await waitFor(
      'the rehearsal judged and the incident open',
      async () =>
        (await getJson<unknown[]>(`${hub.httpUrl}/api/rehearsals`)).length > 0 &&
        (await getJson<unknown[]>(`${hub.httpUrl}/api/incidents?state=open`)).length > 0,
      20_000,
    );
    const rooms = await getJson<{ name: string }[]>(`${hub.httpUrl}/api/rooms`);
    const contacts = await getJson<{ partners: { partnerName: string }[] }>(`${hub.httpUrl}/api/contacts`);
    const actors = await getJson<string[]>(`${hub.httpUrl}/api/audit/actors`);
    const notified = await getJson<{ notifications: { target: string }[] }>(
      `${hub.httpUrl}/api/notifications`,
    );
    data.push(
      ...rooms.map((r) => r.name),
      ...contacts.partners.map((p) => p.partnerName),
      'Trần Thị Bình UBND huyện Sơn Dương Chuyên viên CNTT binh@sonduong.gov.vn',
      meeting.title,
      TEST_OPERATOR,
      'ky-thuat lanh-dao',
      ...actors,
      ...notified.notifications.map((n) => n.target),
    );
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await hub?.stop();
    hub?.removeData();
  });

  async function logIn(role: Role) {
    if (role === 'operator') return loginAsOperator(browser.page, hub.httpUrl);
    const username = role === 'technician' ? 'ky-thuat' : 'lanh-dao';
    return loginAs(browser.page, hub.httpUrl, { username, password: passwords[role] });
  }

  const viewports = [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ];

  describe.each<Role>(['operator', 'technician', 'viewer'])('as %s', (role) => {
    beforeAll(async () => {
      await logIn(role);
    });

    test.each(pages.filter((p) => !p.operatorOnly || role === 'operator').map((p) => [p.name, p] as const))(
      '%s: no axe violation, no word outside the Vietnamese catalogue, on a desk and a phone',
      async (name, p) => {
        const { page } = browser;
        for (const viewport of viewports) {
          await page.setViewportSize(viewport);
          await page.goto(`${hub.httpUrl}/${p.hash()}`);
          await page.waitForSelector(p.ready);
          // The menu's count arrives by itself; the page is judged once it has it.
          await page.waitForSelector('#open-incidents', { state: 'attached' });
          expect({
            page: name,
            viewport: viewport.width,
            violations: await accessibilityViolations(page),
          }).toEqual({
            page: name,
            viewport: viewport.width,
            violations: [],
          });
          expect({ page: name, foreign: await foreignWords(page, data) }).toEqual({
            page: name,
            foreign: [],
          });
          await screenshot(page, `${role}-${name}-${viewport.width}x${viewport.height}`, true);
        }
        await page.setViewportSize({ width: 1920, height: 1080 });
      },
    );
  });

  test('the word check itself catches an English word the hub might leak', async () => {
    const { page } = browser;
    await loginAsOperator(page, hub.httpUrl);
    await page.goto(`${hub.httpUrl}/#/incidents`);
    await page.waitForSelector('#incident-list .incident');
    expect(await foreignWords(page, data)).toEqual([]);
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.textContent = 'Lỗi: wrong username or password';
      document.querySelector('main')!.append(p);
    });
    expect(await foreignWords(page, data)).toEqual([
      'wrong (in "Lỗi: wrong username or password")',
      'username (in "Lỗi: wrong username or password")',
      'or (in "Lỗi: wrong username or password")',
      'password (in "Lỗi: wrong username or password")',
    ]);
  });
});
