/**
 * Issue 9, backpressure: a dashboard that stops reading must not hold the hub's memory or stall the
 * others. Past its allowance of unsent data the hub cuts it off; ingest and the other dashboards
 * carry on.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { WebSocket } from 'ws';
import type { RunningHub } from '../../hub/hub.js';
import type { TelemetryMessage } from '../../shared/schemas.js';
import { getJson, liveClient, login, operatorLogin, startTestHub } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const telemetry = (i: number): TelemetryMessage => ({
  v: 1,
  ts: new Date(Date.UTC(2026, 10, 30, 3, 0, 0, i)).toISOString(),
  power: { mains: true, upsChargePct: 100, state: 'on' },
  climate: { tempC: 20 + (i % 10), humidityPct: 55 },
  codec: { state: 'up', inCall: false },
  link: { latencyMs: 30, jitterMs: 4, lossPct: 0 },
});

describe('a dashboard that stops reading', () => {
  let hub: RunningHub & { removeData(): void };
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
  });

  test('is cut off, while ingest and the other dashboards carry on', async () => {
    const { username, password } = operatorLogin(hub.httpUrl);
    const session = await login(hub.httpUrl, username, password);
    const stuck = new WebSocket(`${hub.httpUrl.replace(/^http/, 'ws')}/ws`, {
      headers: { cookie: session.cookie },
    });
    await new Promise((resolve, reject) => {
      stuck.once('open', resolve);
      stuck.once('error', reject);
    });
    stuck.pause(); // reads nothing more: the kernel's buffers fill, then the hub's queue for it
    const healthy = await liveClient(hub.httpUrl);
    await waitFor('two dashboards connected', async () => {
      const h = await getJson<{ wsClients: number }>(`${hub.httpUrl}/api/health`);
      return h.wsClients === 2;
    });

    // About 30 MB of room updates (500 bytes each), far past the kernel's buffers and the hub's
    // 4 MiB allowance for one dashboard.
    const updates = 60_000;
    for (let i = 0; i < updates; i++) {
      hub.fleet.applyTelemetry('tinh-uy', telemetry(i), new Date());
      if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(
      'the stuck dashboard cut off',
      async () => (await getJson<{ wsClients: number }>(`${hub.httpUrl}/api/health`)).wsClients === 1,
      20_000,
    );
    // The healthy dashboard got every one of them, in order.
    const seen = await waitFor(
      'every update on the healthy dashboard',
      () => {
        const mine = healthy.messages.filter(
          (m) => m.type === 'room' && (m.room as { id: string }).id === 'tinh-uy',
        );
        return mine.length >= updates && mine;
      },
      20_000,
    );
    const temps = seen
      .slice(-10)
      .map((m) => (m.room as { readings: { climate: { tempC: number } } }).readings.climate.tempC);
    expect(temps).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    healthy.close();
    stuck.terminate();
  }, 60_000);
});
