import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectAsync } from 'mqtt';
import type { Agent } from '../../agent/agent.js';
import { decodeMessage } from '../../shared/schemas.js';
import { allRoomsFilter } from '../../shared/topics.js';
import { startTestAgent } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';
import { fleetPathSuite } from './fleet-path.suite.js';

fleetPathSuite('real Mosquitto through HNTH_MQTT_URL', async () => {
  const mosquitto = await startMosquitto();
  return { hubOverrides: { 'mqtt.url': mosquitto.url }, stop: () => mosquitto.stop() };
});

describe('agent session on a real Mosquitto', () => {
  let mosquitto: RunningMosquitto;
  let agent: Agent;

  beforeAll(async () => {
    mosquitto = await startMosquitto();
    agent = await startTestAgent(mosquitto.url, 'ubnd-ham-yen');
  });
  afterAll(async () => {
    await agent?.stop();
    await mosquitto?.stop();
  });

  test('after the broker restarts, the agent reconnects and publishes `online` again, retained', async () => {
    await mosquitto.restart();
    // The new broker kept nothing: a retained `online` can only come from the agent's reconnect.
    const late = await connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    try {
      const statuses: { payload: Buffer; retain: boolean }[] = [];
      late.on('message', (_topic, payload, packet) => statuses.push({ payload, retain: packet.retain }));
      await late.subscribeAsync(allRoomsFilter('status'));
      const first = await waitFor('an online status on the new broker', () => statuses[0], 15_000);
      const decoded = decodeMessage('status', first.payload);
      expect(decoded.ok && decoded.message).toMatchObject({ state: 'online', bootId: agent.bootId });
    } finally {
      await late.endAsync();
    }
    const fresh = await connectAsync(mosquitto.url, { reconnectPeriod: 0 });
    try {
      const retained: Buffer[] = [];
      fresh.on('message', (_topic, payload, packet) => packet.retain && retained.push(payload));
      await fresh.subscribeAsync(allRoomsFilter('status'));
      await waitFor('the status kept as retained for a new subscriber', () => retained[0]);
    } finally {
      await fresh.endAsync();
    }
  });
});
