/**
 * After the meeting, in Chromium: which rooms failed its last rehearsal, and why, in words. The
 * hub's store holds yesterday's meeting and its two rehearsals (the checks made by the agent's own
 * rehearsal function), as a hub that ran them would; the operator finds the failures on the
 * rehearsals page, on the meeting's page (over: no cancel, no edit) and on a failed room's page.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rehearsalChecks } from '../../agent/rehearsal/rehearse-handler.js';
import type { RunningHub } from '../../hub/hub.js';
import { roomVerdict } from '../../hub/schedule/rehearsal-verdict.js';
import type { Attempt } from '../../hub/schedule/rehearsals-repo.js';
import type { Readings } from '../../shared/schemas.js';
import { loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const H = 3_600_000;
const HOST = 'ubnd-tinh';
const HOT = 'ubnd-yen-son';
const LOSSY = 'ubnd-lam-binh';
const SILENT = 'so-y-te';
const ROOMS = [HOST, HOT, LOSSY, SILENT];

const healthy: Readings = {
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 24, humidityPct: 55 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 30, jitterMs: 3, lossPct: 0.1 },
};

function attempt(roomId: string, at: Date, readings: Readings | null): Attempt {
  const iso = at.toISOString();
  if (!readings)
    return {
      roomId,
      attempt: 1,
      startedAt: iso,
      finishedAt: iso,
      answered: false,
      error: `no rehearsal result: timeout: no reply from ${roomId} within 60000 ms`,
      powerOn: { ok: false, detail: 'timeout' },
      checks: [],
      verdict: 'no-go',
      failures: [],
    };
  const checks = rehearsalChecks(readings);
  return {
    roomId,
    attempt: 1,
    startedAt: iso,
    finishedAt: iso,
    answered: true,
    error: null,
    powerOn: { ok: true, detail: 'on' },
    checks,
    verdict: roomVerdict({ answered: true, checks }),
    failures: [],
  };
}

describe('dashboard: the rooms that failed the last rehearsal, after the meeting', () => {
  let hub: RunningHub & { removeData(): void };
  let browser: TestBrowser;
  const start = new Date(Date.now() - 26 * H);
  start.setUTCMinutes(0, 0, 0);
  const meetingId = 'hop-tong-ket';

  beforeAll(async () => {
    [hub, browser] = await Promise.all([startTestHub({ 'schedule.inspectionCron': '' }), startBrowser()]);
    const { meetings, rehearsals } = hub.schedule;
    meetings.insert(
      {
        id: meetingId,
        title: 'Hội nghị tổng kết năm',
        kind: 'committee',
        hostUnit: 'Văn phòng UBND tỉnh',
        hostRoomId: HOST,
        roomIds: ROOMS,
        start: start.toISOString(),
        end: new Date(start.getTime() + 2 * H).toISOString(),
        emergency: null,
        registeredBy: 'test-operator',
        registeredAt: new Date(start.getTime() - 72 * H).toISOString(),
        updatedAt: new Date(start.getTime() - 72 * H).toISOString(),
        status: 'scheduled',
      },
      [],
    );
    // T−24 h: every room passed; T−2 h: three did not.
    for (const [id, slot, hoursBefore, hot, lossy, silent] of [
      ['r-24', 'T-24h', 24, healthy, healthy, healthy],
      [
        'r-2',
        'T-2h',
        2,
        { ...healthy, climate: { tempC: 40, humidityPct: 55 } },
        { ...healthy, link: { ...healthy.link, lossPct: 8 } },
        null,
      ],
    ] as const) {
      const at = new Date(start.getTime() - hoursBefore * H);
      const attempts = [
        attempt(HOST, at, healthy),
        attempt(HOT, at, hot),
        attempt(LOSSY, at, lossy),
        attempt(SILENT, at, silent),
      ];
      rehearsals.insert({
        id,
        kind: 'rehearsal',
        meetingId,
        slot,
        roomIds: ROOMS,
        hostRoomId: HOST,
        startedAt: at.toISOString(),
        checkedAt: at.toISOString(),
        finishedAt: at.toISOString(),
        deadline: new Date(start.getTime() - H).toISOString(),
        status: 'done',
        verdict: id === 'r-24' ? 'go' : 'at-risk',
      });
      for (const a of attempts) rehearsals.insertAttempt(id, a);
    }
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    hub?.removeData();
  });

  test('the rehearsals page keeps the last runs, naming the rooms that did not pass', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/rehearsals`);
    const last = page.locator('#recent-runs .run[data-rehearsal="r-2"]');
    await waitFor('the last rehearsal', async () => (await last.count()) === 1);
    expect(await last.locator('h4').textContent()).toContain('Chạy thử trước 2 giờ');
    expect(await last.locator('[data-verdict="no-go"]').textContent()).toBe(
      'Không đạt: UBND huyện Lâm Bình, Sở Y tế',
    );
    expect(await last.locator('[data-verdict="at-risk"]').textContent()).toBe(
      'Có rủi ro: UBND huyện Yên Sơn',
    );
    expect(await page.locator('#recent-runs .run[data-rehearsal="r-24"]').textContent()).toContain(
      'Tất cả điểm cầu đạt.',
    );
    await last.locator('summary').click();
    await waitFor('the matrix', async () => (await last.locator('.matrix tr[data-room]').count()) === 4);
    expect(await last.locator(`tr[data-room="${HOT}"] td[data-check="climate"]`).textContent()).toContain(
      'Nhiệt độ 40 °C, ngoài ngưỡng 16–32 °C',
    );
    await screenshot(page, 'rehearsals-after-meeting');
  });

  test('the meeting’s page: over, no cancel or edit, every rehearsal with each failure in words', async () => {
    const { page } = browser;
    await page.locator('#recent-runs .run[data-rehearsal="r-2"] h4 a').click();
    await page.waitForURL(`${hub.httpUrl}/#/meeting/${meetingId}`);
    await waitFor(
      'the meeting',
      async () => (await page.locator('#meeting-phase').textContent()) === 'Đã diễn ra',
    );
    expect(await page.locator('#meeting-cancel, #meeting-edit-open').count()).toBe(0);
    await waitFor(
      'both rehearsals',
      async () => (await page.locator('#meeting-rehearsals .run').count()) === 2,
    );
    // Newest first.
    const last = page.locator('#meeting-rehearsals .run').first();
    expect(await last.getAttribute('data-rehearsal')).toBe('r-2');
    expect(await last.locator(`tr[data-room="${LOSSY}"] td[data-check="link"]`).textContent()).toContain(
      'Mất gói 8 %, vượt ngưỡng 5 %',
    );
    expect(await last.locator(`tr[data-room="${SILENT}"]`).textContent()).toContain(
      'Không trả lờikhông trả lời trong thời hạn',
    );
    expect(await last.locator(`tr[data-room="${SILENT}"] .verdict`).textContent()).toBe('Không đạt');
    await screenshot(page, 'meeting-over', true);
  });

  test('a failed room’s page keeps its runs, with the failed check in words', async () => {
    const { page } = browser;
    await page
      .locator(`#meeting-rehearsals .run[data-rehearsal="r-2"] tr[data-room="${LOSSY}"] th a`)
      .click();
    await page.waitForURL(`${hub.httpUrl}/#/room/${LOSSY}`);
    const history = page.locator('#room-history tbody tr');
    await waitFor('the room’s runs', async () => (await history.count()) === 2);
    expect(await history.first().getAttribute('data-rehearsal')).toBe('r-2');
    expect(await history.first().textContent()).toContain('Hội nghị tổng kết năm');
    expect(await history.first().locator('.verdict').textContent()).toBe('Không đạt');
    expect(await history.nth(1).locator('.verdict').textContent()).toBe('Đạt');
  });
});
