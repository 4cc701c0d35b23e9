/**
 * The room page's operator controls in Chromium (issue 19, items 5 and 6), against a simulated
 * room: a codec restart confirmed first; inside a meeting's change freeze the refusal naming the
 * meeting, then forced with a written reason and audited; keep off until a time; and the codec's
 * current configuration approved, drifting, and kept as a fleet template, every word in Vietnamese.
 * Beside it a room watching a Poly codec fake, whose REST API has no standby: the refusal in words.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { createAgent } from '../../agent/create-agent.js';
import type { ConfigDelivery } from '../../hub/codec-config/approved-configs-repo.js';
import type { RoomView } from '../../hub/fleet-state.js';
import type { RunningHub } from '../../hub/hub.js';
import type { AuditEntry } from '../../hub/security/audit-log.js';
import { formatTime } from '../../shared/format-time.js';
import { createLogger } from '../../shared/logger.js';
import { type FakePolyCodec, startFakePolyCodec } from '../fakes/fake-poly-codec.js';
import {
  accessibilityViolations,
  loginAsOperator,
  screenshot,
  startBrowser,
  type TestBrowser,
} from '../helpers/browser.js';
import {
  apiRequest,
  brokerPassword,
  getJson,
  inject,
  startTestAgent,
  startTestHub,
} from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-ham-yen';
const POLY = 'ubnd-son-duong';
const MIN = 60_000;

describe('dashboard: a room’s remote actions and approved configuration in Chromium', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let polyAgent: Agent;
  let poly: FakePolyCodec;
  let browser: TestBrowser;
  const data = tempDir('room-actions-poly-');

  beforeAll(async () => {
    [hub, browser, poly] = await Promise.all([
      startTestHub({ 'remoteActions.timeoutSec': 3 }),
      startBrowser(),
      startFakePolyCodec(),
    ]);
    agent = await startTestAgent(hub.mqttUrl, ROOM);
    const config = loadAgentConfig({
      env: {
        HNTH_ROOM_ID: POLY,
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_MQTT_USERNAME: POLY,
        HNTH_MQTT_PASSWORD: brokerPassword(hub.mqttUrl, POLY)!,
        HNTH_TELEMETRY_INTERVAL: '0.3',
        HNTH_CODEC_KIND: 'poly',
        HNTH_CODEC_URL: poly.url,
        HNTH_CODEC_USERNAME: 'admin',
        HNTH_CODEC_PASSWORD: 'Polycom12#',
        HNTH_DATA_DIR: data.path,
        HNTH_HOST: 'false',
      },
    });
    polyAgent = createAgent(config, createLogger(POLY, 'silent'));
    await polyAgent.start();
    await polyAgent.connected;
    await loginAsOperator(browser.page, hub.httpUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await polyAgent?.stop();
    await hub?.stop();
    hub?.removeData();
    await poly?.close();
    data.remove();
  });

  const text = (selector: string) => browser.page.locator(selector).first().textContent();
  const audit = async () =>
    ((await apiRequest(hub.httpUrl, 'GET', '/api/audit?limit=100')).body as AuditEntry[]).filter(
      (e) => e.details.roomId === ROOM,
    );
  const openRoom = async () => {
    await browser.page.goto(`${hub.httpUrl}/#/room/${ROOM}`);
    // Already on the page, a goto changes nothing: load it again, as the operator's F5 would.
    await browser.page.reload();
    await browser.page.waitForSelector('#power-control');
  };
  const statusSays = (selector: string, words: string) =>
    waitFor(`${selector} to say "${words}"`, async () => (await text(selector))?.includes(words));

  test('a codec restart is confirmed first, then done and audited', async () => {
    const { page } = browser;
    await openRoom();
    await page.click('#action-codec-restart');
    expect(await text('#confirm-text')).toBe(
      'Khởi động lại codec của UBND huyện Hàm Yên? Codec không dùng được trong vài phút.',
    );
    await page.click('#confirm-ok');
    await statusSays('#power-status', 'Đã thực hiện');
    expect(await text('#power-status')).toBe('Đã thực hiện: codec đang khởi động lại.');
    const entry = (await audit()).find((e) => e.action === 'room.codec.restart');
    expect(entry).toMatchObject({ result: 'ok', code: null });
  });

  test('inside a meeting’s change freeze: refused naming the meeting, forced with a written reason', async () => {
    const { page } = browser;
    const start = new Date(Date.now() + 10 * MIN);
    const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
      title: 'Họp khẩn ứng phó lũ',
      kind: 'committee',
      hostRoomId: ROOM,
      roomIds: [ROOM],
      start: start.toISOString(),
      end: new Date(start.getTime() + 60 * MIN).toISOString(),
      emergency: { reason: 'flood' },
    });
    expect(booked.status).toBe(201);
    const meetingId = (booked.body as { id: string }).id;
    await openRoom();
    await page.click('#action-controller-reboot');
    await page.click('#confirm-ok');
    await statusSays('#power-status', 'Không thực hiện');
    expect(await text('#power-status')).toMatch(
      /^Không thực hiện: đang trong thời gian khóa thay đổi của cuộc họp «Họp khẩn ứng phó lũ» \(\d\d\/\d\d\/\d{4} \d\d:\d\d – \d\d\/\d\d\/\d{4} \d\d:\d\d\)\. Nếu buộc phải làm, hãy ghi rõ lý do\.$/,
    );
    expect(await text('label[for="force-reason"]')).toBe('Lý do buộc phải thực hiện (được ghi vào nhật ký)');
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'room-action-freeze', true);
    // A wake is never refused: it cuts nothing.
    await page.click('#action-codec-wake');
    await page.click('#confirm-ok');
    await statusSays('#power-status', 'Đã thực hiện');
    // The reboot again, forced: the written reason goes to the audit log with the outcome.
    await page.click('#action-controller-reboot');
    await page.click('#confirm-ok');
    await page.waitForSelector('#force-reason');
    await page.fill('#force-reason', 'bộ điều khiển treo, cần khởi động lại');
    await page.click('#power-force');
    await statusSays('#power-status', 'Đã thực hiện');
    expect(await text('#power-status')).toBe('Đã thực hiện: bộ điều khiển đang khởi động lại.');
    const entries = (await audit()).filter((e) => e.action === 'room.controller.reboot');
    expect(entries[0]).toMatchObject({
      result: 'ok',
      details: { force: true, reason: 'bộ điều khiển treo, cần khởi động lại', freeze: meetingId },
    });
    expect(entries[1]).toMatchObject({ result: 'refused', code: 'freeze', details: { freeze: meetingId } });
    await apiRequest(hub.httpUrl, 'DELETE', `/api/meetings/${meetingId}`);
    // The simulated controller went away to reboot; a new one takes the room for what follows.
    await waitFor(
      'the controller gone',
      async () => !(await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`)).online,
    );
    await agent.stop();
    agent = await startTestAgent(hub.mqttUrl, ROOM);
  });

  test('the codec’s current configuration approved, a change shown with its values, kept as a template', async () => {
    const { page } = browser;
    await openRoom();
    await statusSays('#config-state', 'Chưa duyệt cấu hình nào');
    await page.click('#config-approve');
    await page.click('#confirm-ok');
    await statusSays('#config-status', 'Đã duyệt');
    await statusSays('#config-state', 'Codec đang đúng cấu hình được duyệt.');
    expect(await text('#config-state')).toMatch(/^Đã duyệt 4 mục, bởi test-operator lúc /);
    await inject(hub.mqttUrl, ROOM, { codecConfig: { 'Audio/DefaultVolume': '80' } });
    await waitFor('the drift at the hub', async () => {
      const c = await getJson<{ delivery: ConfigDelivery | null }>(`${hub.httpUrl}/api/rooms/${ROOM}/config`);
      return (c.delivery?.drifts.length ?? 0) > 0;
    });
    await openRoom();
    await statusSays('#config-state', 'Cấu hình bị thay đổi ở 1 mục:');
    expect(await text('#config-state li')).toBe('Audio/DefaultVolume: duyệt «50», đang là «80»');
    await page.fill('#template-name', 'Điểm cầu huyện');
    await page.click('#config-save-template');
    await statusSays('#config-status', 'Đã lưu mẫu');
    expect(await text('#config-status')).toBe('Đã lưu mẫu «Điểm cầu huyện».');
    expect(await page.locator('#config-template option').allTextContents()).toEqual(['Điểm cầu huyện (sim)']);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'room-config-drift', true);
  });

  test('keep off until a time: confirmed, done, and the room holds it', async () => {
    const { page } = browser;
    await openRoom();
    const until = formatTime(new Date(Date.now() + 3 * 60 * MIN));
    await page.fill('#power-until', until);
    await page.click('#power-off-until');
    expect(await text('#confirm-text')).toBe(
      `Tắt nguồn thiết bị của UBND huyện Hàm Yên và giữ tắt đến ${until}? Phòng sẽ không tự bật lại trước thời điểm đó.`,
    );
    await page.click('#confirm-ok');
    await statusSays('#power-status', 'Đã thực hiện');
    expect(await text('#power-status')).toBe(`Đã thực hiện: giữ tắt đến ${until}.`);
    await waitFor(
      'the room off',
      async () =>
        (await getJson<RoomView>(`${hub.httpUrl}/api/rooms/${ROOM}`)).readings?.power.state === 'off',
    );
    const entry = (await audit()).find((e) => e.action === 'power.override');
    expect(entry).toMatchObject({ result: 'ok', details: { state: 'off' } });
  });

  test('a Poly room: standby and wake are refused in words, saying its codec sleeps on its own', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/room/${POLY}`);
    await page.reload();
    await page.waitForSelector('#power-control');
    const refusal =
      'Điểm cầu từ chối: codec Poly không nhận lệnh chờ hay đánh thức từ xa (giao diện REST của Poly không có lệnh này); codec tự chuyển sang chờ theo thời gian chờ cài trên thiết bị và thức dậy khi được dùng';
    for (const button of ['#action-codec-standby', '#action-codec-wake']) {
      await page.evaluate(() => {
        document.querySelector('#power-status')!.textContent = '';
      });
      await page.click(button);
      await page.click('#confirm-ok');
      await statusSays('#power-status', 'Điểm cầu từ chối');
      expect(await text('#power-status')).toBe(refusal);
      // Nothing to force: no reason would make the codec sleep.
      expect(await page.locator('#force-reason, #power-force').count()).toBe(0);
    }
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'room-action-poly-standby', true);
  });
});
