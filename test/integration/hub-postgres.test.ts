/**
 * A hub whose store is PostgreSQL (`store.url`, HNTH_DB_URL), on the machine's server: what a room
 * reports lands in PostgreSQL and is acknowledged after it is there, the dashboard's API reads it
 * back, a restarted hub knows when each room was last heard from it, and a store URL that cannot be
 * reached stops the hub with the reason, naming the server and never the password.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import type { Agent } from '../../agent/agent.js';
import { rooms } from '../../shared/fleet.js';
import { getJson, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
import { freePort } from '../helpers/mosquitto.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const room = rooms[2]!.id;
let db: TestDatabase;
const data = tempDir('hnth-hub-pg-');

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  data.remove();
});

interface StoredEventView {
  type: string;
  seq: number;
}

describe('a hub on a PostgreSQL store', () => {
  test('stores the room’s events and samples in PostgreSQL, reads them back, and knows them after a restart', async () => {
    const hub = await startTestHub({ dataDir: data.path, 'store.url': db.url, telemetrySampleSec: 1 });
    let agent: Agent | null = null;
    try {
      agent = await startTestAgent(hub.mqttUrl, room, 0.2);
      await inject(hub.mqttUrl, room, { mains: false });
      const rows = await waitFor('mains.lost in PostgreSQL', async () => {
        const { rows } = await db.direct.query<{ seq: string }>(
          "SELECT seq FROM events WHERE room_id = $1 AND type = 'mains.lost'",
          [room],
        );
        return rows.length > 0 && rows;
      });
      expect(rows).toHaveLength(1);
      const events = await getJson<StoredEventView[]>(`${hub.httpUrl}/api/rooms/${room}/events?limit=50`);
      expect(events.filter((e) => e.type === 'mains.lost')).toHaveLength(1);
      await waitFor('a telemetry sample in PostgreSQL', async () => {
        const { rows } = await db.direct.query('SELECT 1 FROM telemetry_samples WHERE room_id = $1', [room]);
        return rows.length > 0;
      });
      await agent.stop();
      agent = null;
    } finally {
      await agent?.stop();
      await hub.stop();
    }
    // The SQLite file keeps the calendar and incidents; the rooms' reports are all in PostgreSQL.
    const local = new Database(path.join(data.path, 'hnth.db'), { readonly: true });
    expect(
      local.prepare("SELECT name FROM sqlite_master WHERE name IN ('events', 'telemetry_samples')").all(),
    ).toEqual([]);
    local.close();

    const again = await startTestHub({ dataDir: data.path, 'store.url': db.url });
    try {
      // Restored from PostgreSQL: when the room was last heard, though it is not online now.
      expect(again.fleet.view(room)?.lastSeen).not.toBeNull();
      expect(again.fleet.view(room)?.online).toBe(false);
    } finally {
      await again.stop();
      again.removeData();
    }
  });

  test('a store that cannot be reached stops the hub with the reason, naming the server, not the password', async () => {
    const port = await freePort();
    const started = startTestHub({ 'store.url': `postgres://hnth:s3cret-pw@127.0.0.1:${port}/hnth` });
    await expect(started).rejects.toThrow(`127.0.0.1:${port}/hnth`);
    await expect(started).rejects.not.toThrow(/s3cret-pw/);
  });

  test('a store URL that is not a postgres:// URL is a configuration error naming the setting', async () => {
    await expect(startTestHub({ 'store.url': 'mysql://root@127.0.0.1/hnth' })).rejects.toThrow(
      /store\.url.*postgres:\/\//,
    );
  });
});
