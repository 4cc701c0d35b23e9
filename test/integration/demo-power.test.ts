/** `npm start`'s promise: idle rooms switch off after the demo's quiet time, healthy, and come back for a meeting. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync } from 'mqtt';
import { type Demo, startDemo } from '../../demo/demo.js';
import type { RoomView } from '../../hub/fleet-state.js';
import { injectTopic, scheduleTopic } from '../../shared/topics.js';
import { type ApiSession, apiRequest, login } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ephemeral = {
  'mqtt.port': 0,
  'mqtt.host': '127.0.0.1',
  'http.port': 0,
  'http.host': '127.0.0.1',
  readinessCheckSec: 1,
};

describe('the demo with power control', () => {
  const data = tempDir('hnth-demo-');
  let demo: Demo;
  let session: ApiSession;
  const rooms = async () =>
    (await apiRequest(demo.httpUrl, 'GET', '/api/rooms', undefined, session)).body as RoomView[];

  beforeAll(async () => {
    demo = await startDemo({
      env: {
        HNTH_DATA_DIR: data.path,
        HNTH_LOG_LEVEL: 'silent',
        HNTH_TELEMETRY_INTERVAL: '0.5',
        HNTH_POWER_TICK: '0.2',
        HNTH_SIM_CODEC_BOOT_SEC: '1',
      },
      hubOverrides: ephemeral,
      logLevel: 'silent',
      quietMin: 0.02,
      rebootMs: 500,
    });
    session = await login(demo.httpUrl, demo.operator.username, demo.operator.password);
  });
  afterAll(async () => {
    await demo?.stop();
    data.remove();
  });

  test('a room halted by its critical UPS goes offline as expected, then boots again as when the mains return', async () => {
    const before = (await rooms()).find((r) => r.id === 'so-y-te')!;
    const client = await connectAsync(demo.mqttUrl, { reconnectPeriod: 0, ...demo.injector });
    await client.publishAsync(injectTopic('so-y-te'), JSON.stringify({ mains: false, ups: 5 }), { qos: 1 });
    await client.endAsync();
    const halted = await waitFor('so-y-te halted', async () => {
      const r = (await rooms()).find((x) => x.id === 'so-y-te')!;
      return !r.online && r;
    });
    expect(halted.readiness).toMatchObject({ level: 'OFFLINE', power: { state: 'off-ups' } });
    const back = await waitFor('so-y-te back', async () => {
      const r = (await rooms()).find((x) => x.id === 'so-y-te')!;
      return r.online && r.bootId !== before.bootId && r;
    });
    expect(back.readings?.power.mains).toBe(true);
  });

  test('every idle room switches off and stays READY, and a booked room comes back on before its meeting', async () => {
    await waitFor(
      '28 rooms off, none with a problem',
      async () =>
        (await rooms()).every((r) => r.readiness.power.state === 'off' && r.readiness.level === 'READY'),
      20_000,
    );
    expect((await rooms()).every((r) => r.readiness.power.decision === 'idle')).toBe(true);
    // The demo's broker login stands in for the hub's calendar publishing the room's schedule.
    const client = await connectAsync(demo.mqttUrl, { reconnectPeriod: 0, ...demo.injector });
    const start = Date.now() + 15 * 60_000;
    await client.publishAsync(
      scheduleTopic('tinh-uy'),
      JSON.stringify({
        v: 1,
        ts: new Date().toISOString(),
        items: [
          {
            id: 'm1',
            kind: 'meeting',
            start: new Date(start).toISOString(),
            end: new Date(start + 3_600_000).toISOString(),
            emergency: false,
          },
        ],
      }),
      { qos: 1, retain: true },
    );
    await client.endAsync();
    await waitFor('tinh-uy on for its meeting', async () => {
      const r = (await rooms()).find((x) => x.id === 'tinh-uy')?.readiness;
      return r?.power.state === 'on' && r.power.decision === 'scheduled' && r.level === 'READY';
    });
    expect((await rooms()).filter((r) => r.readiness.power.state === 'off')).toHaveLength(27);
  });
});

test('a bad demo quiet time is named', async () => {
  await expect(startDemo({ env: { HNTH_DEMO_QUIET_MIN: 'soon' }, hubOverrides: ephemeral })).rejects.toThrow(
    /HNTH_DEMO_QUIET_MIN must be a number of minutes/,
  );
});
