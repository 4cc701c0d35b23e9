/**
 * Incidents that tell the truth after the hub was down (issue 18, item 9): a room keeps producing
 * edges into its outbox while the hub is stopped; the hub comes back on the same data and port, the
 * room replays, and the incidents carry the faults' own times: one that began and ended meanwhile is
 * recorded as recovered before the hub saw it, one still present opens at its start, and one open
 * before the restart stays the same incident. 40 °C opens as critical.
 */
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { SimHardware } from '../../agent/sim/sim-hardware.js';
import type { Incident } from '../../hub/incidents/incidents-repo.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { createLogger } from '../../shared/logger.js';
import { brokerPassword, getJson, startTestHub } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'so-tnmt';
const data = tempDir('hnth-incident-outage-');
afterAll(() => data.remove());

const settings = (port: number) => ({
  dataDir: path.join(data.path, 'hub'),
  'mqtt.port': port,
  'incidents.raiseAfterSec': 1,
  'incidents.clearAfterSec': 1,
  'incidents.checkSec': 1,
  'incidents.startupGraceSec': 2,
});

describe('incidents after a hub outage', () => {
  test('are dated by the faults, not by the replay, and what was open stays one incident', async () => {
    let hub = await startTestHub(settings(0));
    const port = Number(new URL(hub.mqttUrl).port);
    const config = loadAgentConfig({
      env: {
        HNTH_MQTT_URL: hub.mqttUrl,
        HNTH_MQTT_USERNAME: ROOM,
        HNTH_MQTT_PASSWORD: await brokerPassword(hub.mqttUrl, ROOM)!,
        HNTH_TELEMETRY_INTERVAL: '0.2',
        HNTH_DATA_DIR: path.join(data.path, 'agent'),
      },
      args: ['--room', ROOM, '--simulate'],
    });
    config.mqtt.reconnectMaxMs = 500;
    const sim = new SimHardware(3);
    const agent = new Agent(config, { source: sim, sim, log: createLogger(ROOM, 'silent') });
    const incidents = () => getJson<Incident[]>(`${hub.httpUrl}/api/incidents?room=${ROOM}&state=all`);
    try {
      await agent.start();
      await agent.connected;
      // Before the outage: the room at 40 °C, an incident the restart must not close and reopen.
      sim.inject({ temperature: 40 });
      const hot = await waitFor('the climate incident', async () =>
        (await incidents()).find((i) => i.cause === 'climate.out-of-range'),
      );
      expect(hot.severity).toBe('critical');

      await hub.stop();
      // While the hub is down: the mains lost and back, then the codec down (and still down).
      const edge = (what: string, check: () => boolean) => waitFor(what, check);
      sim.inject({ mains: false });
      await edge('mains lost at the room', () => agent.readings.power.mains === false);
      const lostAt = Date.now();
      // The fault must last past raiseAfterSec to be one: the room's own samples say when it has.
      await edge(
        'a second on battery',
        () => agent.readings.power.mains === false && Date.now() - lostAt > 1100,
      );
      sim.inject({ mains: true });
      await edge('mains back at the room', () => agent.readings.power.mains === true);
      sim.inject({ codec: 'down' });
      await edge('codec down at the room', () => agent.readings.codec.state === 'down');

      hub = await startTestHub(settings(port));
      const events = await waitFor('the replay stored', async () => {
        const e = await getJson<StoredEvent[]>(`${hub.httpUrl}/api/rooms/${ROOM}/events?limit=100`);
        return e.some((x) => x.type === 'codec.down') && e;
      });
      const ts = (type: string) => events.find((e) => e.type === type)!.ts;
      const found = await waitFor('the incidents of the outage', async () => {
        const all = await incidents();
        const mains = all.find((i) => i.cause === 'mains.lost' && i.closedAt);
        const codec = all.find((i) => i.cause === 'codec.down');
        return mains && codec && { all, mains, codec };
      });
      expect(found.mains).toMatchObject({ openedAt: ts('mains.lost'), closedAt: ts('mains.restored') });
      expect(found.codec).toMatchObject({ openedAt: ts('codec.down'), closedAt: null });
      // Restarting changed nothing of what was open.
      expect(found.all.filter((i) => i.cause === 'climate.out-of-range')).toEqual([
        expect.objectContaining({ id: hot.id, openedAt: hot.openedAt, closedAt: null }),
      ]);
    } finally {
      await agent.stop();
      await hub.stop();
      hub.removeData();
    }
  });
});
