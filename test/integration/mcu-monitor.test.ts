/** The hub's own view of the MCU: a real sipp peer as the MCU's SIP side, ping to loopback as its host. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { RunningHub } from '../../hub/hub.js';
import type { McuState } from '../../hub/mcu/mcu-monitor.js';
import { apiRequest, getJson, liveClient, startTestHub } from '../helpers/hub-harness.js';
import { type RunningSipp, startSipp } from '../helpers/sipp.js';
import { waitFor } from '../helpers/wait.js';

describe('MCU monitor in the hub', () => {
  let sipp: RunningSipp;
  let hub: RunningHub & { removeData(): void };

  beforeAll(async () => {
    sipp = await startSipp('options-200', 'udp');
    hub = await startTestHub({
      'mcu.sipUri': `sip:127.0.0.1:${sipp.port};transport=udp`,
      'mcu.host': '127.0.0.1',
      'mcu.intervalSec': 0.3,
      'mcu.pingCount': 2,
    });
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
    await sipp?.stop();
  });

  test('a reachable MCU is READY with its round trip and loss, on GET /api/mcu and on /ws', async () => {
    const live = await liveClient(hub.httpUrl);
    try {
      const mcu = await waitFor('MCU READY', async () => {
        const state = await getJson<McuState>(`${hub.httpUrl}/api/mcu`);
        return state.level === 'READY' ? state : undefined;
      });
      expect(mcu).toMatchObject({
        configured: true,
        reachable: true,
        lossPct: 0,
        reasons: [],
        sip: { statusCode: 200, detail: '200 OK' },
      });
      expect(mcu.rttMs).toEqual(expect.any(Number));
      await waitFor('mcu message on /ws', () => live.messages.some((m) => m.type === 'mcu'));
      expect(live.messages.find((m) => m.type === 'mcu')).toMatchObject({
        type: 'mcu',
        mcu: { configured: true },
      });
    } finally {
      live.close();
    }
  });

  test('when the MCU stops answering SIP it becomes NOT_READY, saying why', async () => {
    await sipp.stop();
    const mcu = await waitFor('MCU NOT_READY', async () => {
      const state = await getJson<McuState>(`${hub.httpUrl}/api/mcu`);
      return state.level === 'NOT_READY' ? state : undefined;
    });
    expect(mcu).toMatchObject({ reachable: false, sip: { statusCode: null } });
    expect(mcu.reasons[0]).toMatch(/^MCU not answering SIP: .*ECONNREFUSED/);
  });
});

test('a hub without an MCU configured reports UNKNOWN rather than failing', async () => {
  const hub = await startTestHub();
  try {
    const res = await apiRequest(hub.httpUrl, 'GET', '/api/mcu');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ configured: false, level: 'UNKNOWN', reachable: null });
  } finally {
    await hub.stop();
    hub.removeData();
  }
});
