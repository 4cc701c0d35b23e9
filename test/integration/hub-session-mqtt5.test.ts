/**
 * A hub alone on an external broker over MQTT 5 keeps its session while it restarts: a room's event
 * sent while the hub was away is delivered when it is back, as on MQTT 3.1.1. (On MQTT 5 a session
 * without an expiry ends at the disconnect, whatever `clean: false` says.) A hub of a group does not
 * keep one: the broker deals a dead hub no share of the events.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { connectAsync, type MqttClient } from 'mqtt';
import { type EventMessage, SCHEMA_VERSION } from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';
import { startTestHub } from '../helpers/hub-harness.js';
import { type RunningMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const ROOM = 'ubnd-lam-binh';
const data = tempDir('hnth-session5-');
let mosquitto: RunningMosquitto;
let room: MqttClient;

beforeAll(async () => {
  mosquitto = await startMosquitto();
  room = await connectAsync(mosquitto.url, { protocolVersion: 5, clientId: ROOM });
});
afterAll(async () => {
  await room?.endAsync();
  await mosquitto?.stop();
  data.remove();
});

const settings = (clientId: string, group: string) => ({
  dataDir: path.join(data.path, clientId),
  'mqtt.url': mosquitto.url,
  'mqtt.protocolVersion': 5,
  'mqtt.clientId': clientId,
  'mqtt.sharedGroup': group,
});

const event = (seq: number): EventMessage => ({
  v: SCHEMA_VERSION,
  type: 'codec.down',
  severity: 'critical',
  data: {},
  ts: new Date().toISOString(),
  bootId: 'boot-session5',
  seq,
});

async function sentWhileAway(clientId: string, group: string, seq: number): Promise<boolean> {
  const first = await startTestHub(settings(clientId, group));
  await first.stop();
  await room.publishAsync(roomTopic(ROOM, 'events'), JSON.stringify(event(seq)), { qos: 1 });
  const again = await startTestHub(settings(clientId, group));
  try {
    // Anything the broker kept is delivered as the session resumes; a marker sent now comes after it.
    await room.publishAsync(roomTopic(ROOM, 'events'), JSON.stringify(event(seq + 1)), { qos: 1 });
    await waitFor('the marker stored', async () =>
      (await again.store.listEvents(ROOM, 10)).some((e) => e.seq === seq + 1),
    );
    return (await again.store.listEvents(ROOM, 10)).some((e) => e.seq === seq);
  } finally {
    await again.stop();
  }
}

test('a hub alone: the event sent while it restarted is delivered when it is back', async () => {
  expect(await sentWhileAway('hub-alone', '', 1)).toBe(true);
});

test('a hub of a group: its session ended with it, the broker kept nothing for it', async () => {
  expect(await sentWhileAway('hub-grouped', 'hnth-hub', 11)).toBe(false);
});
