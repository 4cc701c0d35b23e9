/**
 * Issue 18.2: an honest agent's replay after a hub outage no longer trips the embedded broker's
 * flood limit. The hub is down while the room's mains flaps 60 times (60 events on disk); when the
 * hub is back the agent replays them paced under the limit (outbox.sendPerSec, sendBurst at half
 * the broker's), so the broker never disconnects it and every event is stored once. Limits are a
 * tenth of the defaults so the replay takes seconds, not minutes; their ratio is the defaults'.
 */
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Agent } from '../../agent/agent.js';
import { loadAgentConfig } from '../../agent/config.js';
import { SimHardware } from '../../agent/sim/sim-hardware.js';
import { createLogger } from '../../shared/logger.js';
import { startTestHub } from '../helpers/hub-harness.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-yen-son';
const EDGES = 60;

describe('a replay after a hub outage on the embedded broker', () => {
  const data = tempDir('hnth-replay-');
  let agent: Agent | undefined;
  const hubs: { stop(): Promise<void> }[] = [];
  afterAll(async () => {
    await agent?.stop();
    for (const h of hubs) await h.stop();
    data.remove();
  });

  test(`${EDGES} events kept through the outage are all stored, and the room is never taken for a flood`, async () => {
    const port = await freePort();
    const hubSettings = {
      dataDir: path.join(data.path, 'hub'),
      'mqtt.port': port,
      'mqtt.floodPerSec': 10,
      'mqtt.floodBurst': 20,
    };
    const first = await startTestHub(hubSettings);
    hubs.push(first);
    const config = loadAgentConfig({
      env: {
        HNTH_MQTT_URL: first.mqttUrl,
        HNTH_MQTT_USERNAME: ROOM,
        HNTH_MQTT_PASSWORD: first.security.credentials.issue(ROOM, 'test'),
        HNTH_DATA_DIR: path.join(data.path, 'agent'),
        HNTH_TELEMETRY_INTERVAL: '1',
      },
      args: ['--room', ROOM, '--simulate'],
    });
    config.mqtt.reconnectMaxMs = 1000;
    config.outbox.sendPerSec = 5;
    config.outbox.sendBurst = 10;
    const sim = new SimHardware(3);
    agent = new Agent(config, { source: sim, sim, log: createLogger(ROOM, 'silent') });
    await agent.start();
    await agent.connected;
    await waitFor('the room online at the hub', () => first.fleet.view(ROOM)?.online);

    await first.stop();
    hubs.pop();
    for (let i = 0; i < EDGES; i++) {
      sim.inject({ mains: i % 2 === 1 });
      await agent.sampleNow();
    }
    const second = await startTestHub(hubSettings);
    hubs.push(second);
    const mainsEdges = async () =>
      (await second.store.listEvents(ROOM, 1000)).filter(
        (e) => e.type === 'mains.lost' || e.type === 'mains.restored',
      );
    await waitFor(`all ${EDGES} edges stored`, async () => (await mainsEdges()).length >= EDGES, 30_000);
    expect(await mainsEdges()).toHaveLength(EDGES);
    expect((await second.security.audit.list(100)).filter((e) => e.action === 'mqtt.flood')).toEqual([]);
  }, 60_000);
});
