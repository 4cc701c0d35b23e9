/**
 * A stuck store does not stall ingest (issue 9, backpressure). Another connection holds the
 * database's write lock (as an operator's `sqlite3` shell left in a transaction, or a backup,
 * would): while it does, the room's readings still reach the dashboard and the hub answers, the
 * event the room sent is not acknowledged (so the room keeps it), the incident it calls for is not
 * opened (it cannot be stored) yet the hub stays up, and the health answer says the store is
 * waiting. Once the lock goes, the event is stored once and acknowledged, and the incident opened once.
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
const openIncidents = () =>
  getJson<{ cause: string }[]>(`${hub.httpUrl}/api/incidents?state=open&room=${room}`);

beforeAll(async () => {
  // An incident as soon as its sign shows, and checked every second.
  hub = await startTestHub({ dataDir: data.path, 'incidents.raiseAfterSec': 0, 'incidents.checkSec': 1 });
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
  test('ingest and the dashboard go on; the event and the incident wait for the lock, then each is stored once', async () => {
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
      // The incident was decided while the lock was held and could not be stored: none is open.
      expect(await openIncidents()).toEqual([]);
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
    // Decided again once the database takes writes: opened, and once.
    const incidents = await waitFor(
      'the mains incident opened',
      async () => {
        const list = await openIncidents();
        return list.length > 0 && list;
      },
      30_000,
    );
    expect(incidents.map((i) => i.cause)).toContain('mains.lost');
    expect(incidents.filter((i) => i.cause === 'mains.lost')).toHaveLength(1);
  }, 90_000);
});
