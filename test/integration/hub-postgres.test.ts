/**
 * A hub whose store is PostgreSQL (`store.url`, HNTH_DB_URL), on the machine's server: what a room
 * reports lands in PostgreSQL and is acknowledged after it is there, the dashboard's API reads it
 * back, a restarted hub knows when each room was last heard from it, and a store URL that cannot be
 * reached stops the hub with the reason, naming the server and never the password.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Agent } from '../../agent/agent.js';
import { AUDIT_KEY_FILE, loadOrCreateAuditKey } from '../../hub/security/audit-key.js';
import { rooms } from '../../shared/fleet.js';
import { apiRequest, getJson, inject, startTestAgent, startTestHub } from '../helpers/hub-harness.js';
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
    // Everything is in PostgreSQL, the repositories' rows too: no SQLite file is made beside it.
    expect(existsSync(path.join(data.path, 'hnth.db'))).toBe(false);

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

  test('two hubs recording at the same time keep one audit chain, which either verifies whole', async () => {
    // A database of their own: the hubs of the other tests keep their audit rows with other keys.
    const group = await createTestDatabase();
    // The hubs of a group share the chain, so they share its key: the first hub's, copied.
    const keyDirs = ['a', 'b'].map((h) => path.join(data.path, `audit-${h}`));
    loadOrCreateAuditKey(keyDirs[0]!);
    mkdirSync(keyDirs[1]!, { recursive: true, mode: 0o700 });
    copyFileSync(path.join(keyDirs[0]!, AUDIT_KEY_FILE), path.join(keyDirs[1]!, AUDIT_KEY_FILE));
    const hubs = await Promise.all(
      ['a', 'b'].map((h, i) =>
        startTestHub({
          dataDir: path.join(data.path, `hub-${h}`),
          'audit.dir': keyDirs[i],
          'store.url': group.url,
        }),
      ),
    );
    try {
      // Each hub writes the contact of half the rooms, all at once: one audit row each.
      const half = rooms.length / 2;
      const answers = await Promise.all(
        rooms.map((room, i) =>
          apiRequest(hubs[i < half ? 0 : 1]!.httpUrl, 'PUT', `/api/contacts/rooms/${room.id}`, {
            name: 'Nguyễn Văn A',
            unit: 'Văn phòng',
            position: 'Kỹ thuật viên',
            phone: '0912345678',
            email: 'a@example.gov.vn',
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(rooms.map(() => 200));
      const { rows } = await group.direct.query<{ details: string }>(
        "SELECT details FROM audit_log WHERE action = 'contact.set'",
      );
      expect(rows.map((r) => JSON.parse(r.details).id).sort()).toEqual(rooms.map((r) => r.id).sort());
      const count = Number((await group.direct.query('SELECT COUNT(*) AS n FROM audit_log')).rows[0].n);
      for (const hub of hubs) {
        const verdict = await apiRequest(hub.httpUrl, 'GET', '/api/audit/verification');
        expect(verdict.body).toMatchObject({ ok: true, rows: count, complete: true });
      }
    } finally {
      for (const hub of hubs) {
        await hub.stop();
        hub.removeData();
      }
      await group.drop();
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
