/**
 * `npm start -- --scenario` plays its morning on the whole demo (hub, 28 simulated rooms, the
 * simulated MCU), with fast settings: every step the hub confirms, in order, and what the dashboard
 * then holds (the meeting, its rehearsal from off with every room go, the incident opened and closed).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type Demo, startDemo } from '../../demo/demo.js';
import { FAULT_ROOM, playMorning } from '../../demo/scenario.js';
import { type ApiSession, apiRequest, login } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the demo’s scripted morning', () => {
  const data = tempDir('hnth-scenario-');
  let demo: Demo;
  let session: ApiSession;
  const lines: string[] = [];

  beforeAll(async () => {
    demo = await startDemo({
      env: {
        HNTH_DATA_DIR: data.path,
        HNTH_LOG_LEVEL: 'silent',
        HNTH_TELEMETRY_INTERVAL: '0.5',
        HNTH_POWER_TICK: '0.2',
        HNTH_SIM_CODEC_BOOT_SEC: '1',
      },
      hubOverrides: {
        'mqtt.port': 0,
        'mqtt.host': '127.0.0.1',
        'http.port': 0,
        'http.host': '127.0.0.1',
        readinessCheckSec: 1,
        'incidents.raiseAfterSec': 0,
        'incidents.clearAfterSec': 0,
        'incidents.checkSec': 1,
        'schedule.inspectionCron': '',
      },
      logLevel: 'silent',
      quietMin: 0.02,
    });
    session = await login(demo.httpUrl, demo.operator.username, demo.operator.password);
    await playMorning(demo, { say: (line) => lines.push(line), pauseMs: 0, stepTimeoutMs: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await demo?.stop();
    data.remove();
  });

  test('every step is narrated in order, each confirmed by the hub', () => {
    const steps = lines.filter((l) => /^\d\. /.test(l)).map((l) => l.slice(0, 2));
    expect(steps).toEqual(['1.', '2.', '3.', '4.', '5.']);
    expect(lines.filter((l) => l.startsWith('   ✓ ') && l.includes('Đạt / go'))).toHaveLength(6);
    expect(lines.at(-1)).toMatch(/^■ Hết kịch bản/);
  });

  test('the hub holds the morning: the meeting, its rehearsal from off, the incident and its recovery', async () => {
    const meetings = (await apiRequest(demo.httpUrl, 'GET', '/api/meetings', undefined, session)).body as {
      title: string;
    }[];
    expect(meetings.map((m) => m.title)).toEqual(['Giao ban trực tuyến (kịch bản)']);
    const runs = (await apiRequest(demo.httpUrl, 'GET', '/api/rehearsals', undefined, session)).body as {
      verdict: string;
      results: { verdict: string }[];
    }[];
    expect(runs[0]).toMatchObject({ verdict: 'go' });
    const incidents = (
      await apiRequest(demo.httpUrl, 'GET', `/api/incidents?room=${FAULT_ROOM}`, undefined, session)
    ).body as { cause: string; closedAt: string | null }[];
    expect(incidents).toEqual([
      expect.objectContaining({ cause: 'mains.lost', closedAt: expect.any(String) }),
    ]);
  });

  test('the incident’s line says what became of its notices, as the notification log has them', async () => {
    const { notifications } = (
      await apiRequest(demo.httpUrl, 'GET', '/api/notifications', undefined, session)
    ).body as { notifications: { incidentId: number | null; event: string; status: string }[] };
    const opened = notifications.filter((n) => n.incidentId !== null && n.event === 'opened');
    // The demo has no mail relay: nothing is sent, and the line must not say otherwise.
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.filter((n) => n.status === 'sent')).toEqual([]);
    const line = lines.find((l) => l.includes('"Mất điện lưới" đã mở'));
    expect(line).toContain('thông báo: 0 đã gửi, ');
    // Said once the first delivery was recorded: at least that one, at most what the log has now.
    const notSent = Number(/, (\d+) không gửi được/.exec(line ?? '')?.[1]);
    expect(notSent).toBeGreaterThanOrEqual(1);
    expect(notSent).toBeLessThanOrEqual(opened.filter((n) => n.status !== 'postponed').length);
  });
});
