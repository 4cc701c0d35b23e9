/**
 * After the meeting, in Chromium: which rooms failed its last rehearsal, and why, in words. The
 * hub's store holds yesterday's meeting and its two rehearsals (the checks made by the agent's own
 * rehearsal function, and the hub's judgement of the host's test call and line test), as a hub that
 * ran them would; the operator finds the failures on the rehearsals page, on the meeting's page
 * (over: no cancel, no edit) and on a failed room's page, and the host's test call channel by
 * channel on its page.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rehearsalChecks } from '../../agent/rehearsal/rehearse-handler.js';
import type { RunningHub } from '../../hub/hub.js';
import { callChecks, defaultCallLimits } from '../../hub/schedule/call-checks.js';
import { roomVerdict } from '../../hub/schedule/rehearsal-verdict.js';
import type { Attempt, CallFigures } from '../../hub/schedule/rehearsals-repo.js';
import type { Readings } from '../../shared/schemas.js';
import {
  accessibilityViolations,
  loginAsOperator,
  screenshot,
  startBrowser,
  type TestBrowser,
} from '../helpers/browser.js';
import { startTestHub, TEST_OPERATOR } from '../helpers/hub-harness.js';
import { foreignWords } from '../helpers/visible-words.js';
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

/** The host's T−2 h test call, connected, and its line test: every figure within its limit. */
const hostCalls: CallFigures = {
  testCall: {
    dialled: 'kiemtra@mcu.tinh.gov.vn',
    outcome: 'connected',
    detail: 'connected in 4 s, measured 20 s',
    connectSec: 4,
    measuredSec: 20,
    channels: [
      { media: 'audio', direction: 'incoming', lossPct: 0.2, jitterMs: 6, codec: 'AACLD', rateKbps: 128 },
      { media: 'audio', direction: 'outgoing', lossPct: 0, jitterMs: 3, codec: 'AACLD', rateKbps: 128 },
      {
        media: 'video',
        direction: 'incoming',
        lossPct: 0.7,
        jitterMs: 14,
        codec: 'H264',
        rateKbps: 1920,
        widthPx: 1920,
        heightPx: 1080,
        frameRate: 30,
      },
      {
        media: 'video',
        direction: 'outgoing',
        lossPct: 0.1,
        jitterMs: 5,
        codec: 'H264',
        rateKbps: 1920,
        widthPx: 1280,
        heightPx: 720,
        frameRate: 30,
      },
    ],
    microphones: [{ name: 'Micro chủ tọa', connected: true, muted: false }],
    speaker: { muted: false, volumePct: 60 },
  },
  lineTest: {
    target: 'sip:9999@10.20.0.5:5060',
    outcome: 'answered',
    detail: 'answered 200 OK',
    sent: 250,
    received: 249,
    lossPct: 0.4,
    jitterMs: 1.5,
    rttMs: 38,
  },
  peripherals: {
    reported: ['camera', 'microphone', 'touch-panel', 'display'],
    devices: [
      { kind: 'camera', name: 'Camera 1', connected: true },
      { kind: 'microphone', name: 'Micro chủ tọa', connected: true },
      { kind: 'touch-panel', name: 'Bảng điều khiển', connected: true },
      { kind: 'display', name: 'Màn hình 1', connected: true },
    ],
  },
};

function attempt(roomId: string, at: Date, readings: Readings | null, calls?: CallFigures): Attempt {
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
  const expected = { cameras: 1, microphones: 1, touchPanels: 1, displays: 1 };
  const checks = [
    ...rehearsalChecks(readings),
    ...(calls ? callChecks(calls, defaultCallLimits, expected) : []),
  ];
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
    ...(calls ? { calls } : {}),
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
        attempt(HOST, at, healthy, id === 'r-2' ? hostCalls : undefined),
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
    const history = page.locator('#room-history tbody tr[data-rehearsal]');
    await waitFor('the room’s runs', async () => (await history.count()) === 2);
    expect(await history.first().getAttribute('data-rehearsal')).toBe('r-2');
    expect(await history.first().textContent()).toContain('Hội nghị tổng kết năm');
    expect(await history.first().locator('.verdict').textContent()).toBe('Không đạt');
    expect(await history.nth(1).locator('.verdict').textContent()).toBe('Đạt');
  });

  test('the host’s page shows its test call channel by channel, each figure beside its limit', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/room/${HOST}`);
    const history = page.locator('#room-history tbody tr[data-rehearsal]');
    await waitFor('the host’s runs', async () => (await history.count()) === 2);
    // The matrix cell shows the worst channel; the details below show every one.
    expect(await history.first().locator('td[data-check="picture"]').textContent()).toContain(
      '1280×720 (tối thiểu 720 dòng)',
    );
    // The T−24 h run placed no call, so only the T−2 h one has details.
    expect(await page.locator('#room-history tr.call-details').count()).toBe(1);
    const calls = page.locator('#room-history tr.call-details[data-calls-of="r-2"]');
    expect(await calls.locator('li[data-figure="channel"]').first().isVisible()).toBe(false);
    await calls.locator('summary').click();
    const lines = async (figure: string) => calls.locator(`li[data-figure="${figure}"]`).allTextContents();
    expect(await lines('test-call')).toEqual([
      'Cuộc gọi thử tới kiemtra@mcu.tinh.gov.vn: Kết nối sau 4 giây, đo trong 20 giây',
    ]);
    expect(await lines('channel')).toEqual([
      'Âm thanh nhận về: Mã hóa AACLD, mất gói 0,2 % (≤ 5 %), jitter 6 ms (≤ 50 ms)',
      'Âm thanh gửi đi: Mã hóa AACLD, mất gói 0 % (≤ 5 %), jitter 3 ms (≤ 50 ms)',
      'Hình ảnh nhận về: Mã hóa H264, 1920×1080 (tối thiểu 720 dòng), 30 hình/giây (tối thiểu 25), mất gói 0,7 % (≤ 5 %), jitter 14 ms (≤ 50 ms)',
      'Hình ảnh gửi đi: Mã hóa H264, 1280×720 (tối thiểu 720 dòng), 30 hình/giây (tối thiểu 25), mất gói 0,1 % (≤ 5 %), jitter 5 ms (≤ 50 ms)',
    ]);
    expect(await lines('microphone')).toEqual(['Micro chủ tọa: đã kết nối']);
    expect(await lines('speaker')).toEqual(['Loa: âm lượng 60 %']);
    expect(await lines('line-test')).toEqual([
      'Đo đường truyền tới sip:9999@10.20.0.5:5060: MCU trả lời; mất gói 0,4 % (≤ 5 %), jitter 1,5 ms (≤ 50 ms), trễ khứ hồi 38 ms (≤ 800 ms), nhận lại 249/250 gói',
    ]);
    expect(await accessibilityViolations(page)).toEqual([]);
    const rooms = await page.evaluate(async () => {
      const res = await fetch('/api/rooms');
      return ((await res.json()) as { name: string }[]).map((r) => r.name);
    });
    expect(
      await foreignWords(page, [
        ...rooms,
        TEST_OPERATOR,
        'Hội nghị tổng kết năm',
        'Micro chủ tọa',
        'kiemtra@mcu.tinh.gov.vn sip AACLD H264',
      ]),
    ).toEqual([]);
    await screenshot(page, 'room-test-call-details', true);
  });
});
