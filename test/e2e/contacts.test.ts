/**
 * Contacts in Chromium: an operator adds a room's technician (a wrong phone number refused beside
 * its field), edits the number, imports a file whose bad rows are each named by line and column
 * (and nothing written), then finds that technician's phone, as a `tel:` link, from the room's
 * incident.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import type { RunningHub } from '../../hub/hub.js';
import { loginAsOperator, screenshot, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { getJson, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-na-hang';
const HEADER = 'kind,id,name,unit,position,phone,email,updatedAt,confirmedAt,bounced';

describe('dashboard: contacts added, edited, imported, and found from an incident', () => {
  let hub: RunningHub & { removeData(): void };
  let agent: Agent;
  let browser: TestBrowser;

  beforeAll(async () => {
    [hub, browser] = await Promise.all([
      startTestHub({ 'incidents.raiseAfterSec': 0, 'incidents.checkSec': 1 }),
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

  const card = () => browser.page.locator(`li[data-contact="rooms/${ROOM}"]`);
  const field = (name: string) => `#c-rooms-${ROOM}-${name}`;

  test('add a technician: a wrong phone number is refused beside its field, then saved', async () => {
    const { page } = browser;
    await page.goto(`${hub.httpUrl}/#/contacts`);
    await waitFor('the directory', async () => (await page.locator('.contacts li').count()) === 30);
    await card().getByRole('button', { name: 'Thêm liên hệ cho UBND huyện Na Hang' }).click();
    await page.fill(field('name'), 'Hoàng Văn Dũng');
    await page.fill(field('unit'), 'UBND huyện Na Hang');
    await page.fill(field('position'), 'Chuyên viên CNTT');
    await page.fill(field('phone'), '12345');
    await page.fill(field('email'), 'dung@nahang.tuyenquang.gov.vn');
    await card().locator('button[type=submit]').click();
    await waitFor('the refusal beside the phone', async () =>
      (await page.locator(`${field('phone')}-error`).textContent())?.startsWith('Số điện thoại chưa đúng'),
    );
    expect(await page.locator(field('phone')).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'contacts-phone-refused');
    await page.fill(field('phone'), '0912 345 678');
    await card().locator('button[type=submit]').click();
    await waitFor(
      'the saved card',
      async () => (await card().locator('a[href="tel:0912345678"]').count()) === 1,
    );
    expect(await page.locator('#contacts-status').textContent()).toBe(
      'Đã lưu liên hệ của UBND huyện Na Hang.',
    );
  });

  test('edit the number', async () => {
    const { page } = browser;
    await card().getByRole('button', { name: 'Sửa liên hệ của UBND huyện Na Hang' }).click();
    expect(await page.locator(field('name')).inputValue()).toBe('Hoàng Văn Dũng');
    await page.fill(field('phone'), '0987 654 321');
    await card().locator('button[type=submit]').click();
    await waitFor(
      'the new number',
      async () => (await card().locator('a[href="tel:0987654321"]').count()) === 1,
    );
  });

  test('a file with bad rows is refused whole, each row named by line and column', async () => {
    const { page } = browser;
    const bad = [
      HEADER,
      'room,so-y-te,Lê Thị Hoa,Sở Y tế,,0912000111,hoa@syt.gov.vn,,,',
      'room,atlantis,Ai Đó,Không rõ,,0912000222,aido@tq.gov.vn,,,',
      'room,so-tu-phap,Trần Văn Nam,Sở Tư pháp,,091,nam@stp.gov.vn,,,',
    ].join('\n');
    await page.setInputFiles('#contacts-file', {
      name: 'danh-ba.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad),
    });
    await page.click('#contacts-import button[type=submit]');
    const rows = page.locator('#import-errors tbody tr');
    await waitFor('the bad rows', async () => (await rows.count()) === 2);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
      '3',
      'mã điểm cầu hoặc đơn vị',
      'không có điểm cầu hoặc đơn vị này',
    ]);
    expect(await rows.nth(1).locator('td').allTextContents()).toEqual([
      '4',
      'điện thoại',
      'không phải số điện thoại (ví dụ 0912 345 678)',
    ]);
    expect(await page.locator('#import-result').textContent()).toContain('không dòng nào được ghi');
    await screenshot(page, 'contacts-import-refused');
    const directory = await getJson<{ rooms: { roomId: string; contact: unknown }[] }>(
      `${hub.httpUrl}/api/contacts`,
    );
    expect(directory.rooms.find((r) => r.roomId === 'so-y-te')!.contact).toBeNull();

    const good = [HEADER, 'room,so-y-te,Lê Thị Hoa,Sở Y tế,,0912000111,hoa@syt.gov.vn,,,'].join('\n');
    await page.setInputFiles('#contacts-file', {
      name: 'danh-ba.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(good),
    });
    await page.click('#contacts-import button[type=submit]');
    await waitFor(
      'the import',
      async () => (await page.locator('#import-result').textContent()) === 'Đã nhập 1 liên hệ.',
    );
    await waitFor('the imported card', async () =>
      (await page.locator('li[data-contact="rooms/so-y-te"]').textContent())?.includes('Lê Thị Hoa'),
    );
  });

  test('the technician’s phone is found from the room’s incident, as a tel: link', async () => {
    const { page } = browser;
    await inject(hub.mqttUrl, ROOM, { codec: 'down' });
    await page.goto(`${hub.httpUrl}/#/incidents`);
    const incident = page.locator('.incident', { hasText: 'UBND huyện Na Hang' });
    await waitFor('the incident', async () => (await incident.count()) === 1, 15_000);
    expect(await incident.textContent()).toContain('Cán bộ kỹ thuật: Hoàng Văn Dũng');
    expect(await incident.locator('a[href="tel:0987654321"]').textContent()).toBe('0987 654 321');
    await incident.locator(`a[href="#/room/${ROOM}"]`).click();
    await page.waitForURL(`${hub.httpUrl}/#/room/${ROOM}`);
    await waitFor(
      'the room’s contacts',
      async () => (await page.locator('a[href="tel:0987654321"]').count()) > 0,
    );
    await inject(hub.mqttUrl, ROOM, { codec: 'up' });
  });
});
