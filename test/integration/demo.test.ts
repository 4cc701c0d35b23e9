/**
 * `npm start` stays usable with security on: the 28 simulated rooms log in with their issued
 * credentials, the printed operator password opens the dashboard, and the simulator's faults can
 * be injected with the demo's broker login.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { type Demo, startDemo } from '../../demo/demo.js';
import type { RoomView } from '../../hub/fleet-state.js';
import { injectTopic } from '../../shared/topics.js';
import { type ApiSession, apiRequest, login } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

describe('the demo with security on', () => {
  const data = tempDir('hnth-demo-');
  let demo: Demo;
  let session: ApiSession;

  beforeAll(async () => {
    demo = await startDemo({
      env: {},
      logLevel: 'silent',
      hubOverrides: { dataDir: data.path, 'mqtt.port': 0, 'http.port': 0, 'http.host': '127.0.0.1' },
    });
    session = await login(demo.httpUrl, demo.operator.username, demo.operator.password);
  });
  afterAll(async () => {
    await demo?.stop();
    data.remove();
  });

  test('the operator password is generated at start and opens the dashboard as an operator', async () => {
    expect(demo.operator.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(session.role).toBe('operator');
  });

  test('all 28 rooms come online with their own credentials', async () => {
    const rooms = await waitFor('28 rooms online', async () => {
      const res = await apiRequest(demo.httpUrl, 'GET', '/api/rooms', undefined, session);
      const list = res.body as RoomView[];
      return list.every((r) => r.online) && list;
    });
    expect(rooms).toHaveLength(28);
  });

  test('a fault injected with the demo’s broker login reaches the room', async () => {
    const mqtt = await connectAsync(demo.mqttUrl, { reconnectPeriod: 0, ...demo.injector });
    try {
      await mqtt.publishAsync(injectTopic('ubnd-chiem-hoa'), JSON.stringify({ mains: false }), { qos: 1 });
      await waitFor('mains lost in the room', async () => {
        const res = await apiRequest(demo.httpUrl, 'GET', '/api/rooms/ubnd-chiem-hoa', undefined, session);
        return (res.body as RoomView).readings?.power.mains === false;
      });
    } finally {
      await mqtt.endAsync();
    }
  });

  test('the demo simulates the MCU: the hub finds it reachable, not "not configured"', async () => {
    const mcu = await waitFor('the MCU checked', async () => {
      const res = await apiRequest(demo.httpUrl, 'GET', '/api/mcu', undefined, session);
      const body = res.body as { configured: boolean; reachable: boolean | null; level: string };
      return body.reachable !== null && body;
    });
    expect(mcu).toMatchObject({ configured: true, reachable: true, level: 'READY' });
  });
});
