/**
 * A stuck store does not stall ingest (issue 9, backpressure). Another connection holds the
 * database's write lock (as an operator's `sqlite3` shell left in a transaction, or a backup,
 * would): while it does, the room's readings still reach the dashboard and the hub answers, the
 * event the room sent is not acknowledged (so the room keeps it), and the health answer says the
 * store is waiting. Once the lock goes, the event is stored once and acknowledged.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import type { Agent } from '../../agent/agent.js';
import { rooms } from '../../shared/fleet.js';
import { decodeMessage } from '../../shared/schemas.js';
import { ackTopic } from '../../shared/topics.js';
import { getJson, inject, startTestAgent, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const room = rooms[0]!.id;
const data = tempDir('hnth-stall-');
let hub: Awaited<ReturnType<typeof startTestHub>>;
let agent: Agent;
let watcher: MqttClient;
const acked: number[] = [];

interface Health {
  store: { state: string; pendingWrites: number; oldestPendingSec: number };
}
const health = () => getJson<Health>(`${hub.httpUrl}/api/health`);

beforeAll(async () => {
  hub = await startTestHub({ dataDir: data.path });
  watcher = await testMqttClient(hub.mqttUrl);
  watcher.on('message', (_topic, payload) => {
    const ack = decodeMessage('acks', payload);
    if (ack.ok) acked.push(...ack.message.seqs);
  });
  await watcher.subscribeAsync(ackTopic(room), { qos: 1 });
  agent = await startTestAgent(hub.mqttUrl, room, 0.2);
  await waitFor(
    'the room online, its start acknowledged',
    () => hub.fleet.view(room)?.online && acked.length > 0,
  );
  // The operator's session is made now: logging in writes to the database.
  await health();
});
afterAll(async () => {
  await watcher?.endAsync();
  await agent?.stop();
  await hub?.stop();
  hub?.removeData();
  data.remove();
});

describe('a store whose database is locked by someone else', () => {
  test('ingest and the dashboard go on; the event waits for the lock, then is stored once and acknowledged', async () => {
    const intruder = new Database(path.join(data.path, 'hnth.db'));
    intruder.exec('BEGIN IMMEDIATE');
    try {
      const ackedBefore = acked.length;
      await inject(hub.mqttUrl, room, { mains: false, temperature: 33.5 });
      // The readings arrive while the store cannot write.
      await waitFor(
        'mains lost on the dashboard',
        () => hub.fleet.view(room)?.readings?.power.mains === false,
      );
      expect(hub.fleet.view(room)?.readings?.climate.tempC).toBe(33.5);
      const waiting = await waitFor('the event waiting for the store', async () => {
        const h = await health();
        return h.store.pendingWrites > 0 && h;
      });
      expect(waiting.store.pendingWrites).toBeGreaterThan(0);
      // Past a few seconds the health answer names it, and the hub still answers at once.
      await waitFor(
        'the store reported waiting',
        async () => (await health()).store.state === 'waiting',
        20_000,
      );
      expect(acked.length).toBe(ackedBefore);
    } finally {
      intruder.exec('COMMIT');
      intruder.close();
    }
    const lost = await waitFor('mains.lost stored', async () =>
      (await hub.store.listEvents(room, 50)).filter((e) => e.type === 'mains.lost'),
    );
    expect(lost).toHaveLength(1);
    await waitFor('mains.lost acknowledged to the room', () => acked.includes(lost[0]!.seq));
    await waitFor('the store caught up', async () => (await health()).store.pendingWrites === 0);
    expect((await health()).store.state).toBe('ok');
  });
});
