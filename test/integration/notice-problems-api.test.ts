/**
 * `GET /api/notifications/problems` on a test hub: a meeting's booking notices that found no
 * technician on file name their rooms, as the deliveries stored them (no incident involved); a
 * delivery stored before rooms were kept still counts, without a name.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { NoticeProblem } from '../../hub/api/notice-problems.js';
import type { RunningHub } from '../../hub/hub.js';
import { NotificationsRepo } from '../../hub/notify/notifications-repo.js';
import { openDatabase } from '../../hub/store/database.js';
import { hubMigrations } from '../../hub/store/hub-migrations.js';
import { sqliteStore } from '../../hub/store/sql.js';
import { apiRequest, getJson, startTestHub } from '../helpers/hub-harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait.js';

const H = 3_600_000;
const data = tempDir('hnth-notice-problems-');
let hub: RunningHub & { removeData(): void };

/** An incident's notice from before rooms were kept: its row has none. */
async function seedOldDelivery(): Promise<void> {
  const db = openDatabase(path.join(data.path, 'hnth.db'));
  const store = sqliteStore(db);
  await store.migrate(hubMigrations);
  const at = new Date(Date.now() - H).toISOString();
  await new NotificationsRepo(store.sql).insert({
    createdAt: at,
    topic: 'incident',
    incidentId: 1,
    meetingId: null,
    roomId: null,
    ref: null,
    event: 'opened',
    severity: 'critical',
    channel: 'email',
    role: 'technician',
    target: '',
    subject: 'Sự cố',
    status: 'skipped',
    attempts: 0,
    error: 'no technician on file',
    finishedAt: at,
  });
  db.close();
}

beforeAll(async () => {
  await seedOldDelivery();
  hub = await startTestHub({ dataDir: data.path });
});
afterAll(async () => {
  await hub?.stop();
  hub?.removeData();
  data.remove();
});

test('a booking’s notices to rooms with no technician on file name those rooms', async () => {
  const start = new Date(Date.now() + 5 * 24 * H);
  start.setUTCMinutes(0, 0, 0);
  const booked = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
    title: 'Giao ban trực tuyến UBND tỉnh',
    kind: 'committee',
    hostRoomId: 'ubnd-tinh',
    roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
    start: start.toISOString(),
    end: new Date(start.getTime() + 2 * H).toISOString(),
    emergency: null,
  });
  expect(booked.status).toBe(201);
  const problem = await waitFor('the booking’s missing technicians', async () => {
    const { problems } = await getJson<{ problems: NoticeProblem[] }>(
      `${hub.httpUrl}/api/notifications/problems`,
    );
    return problems.find((p) => p.code === 'no-technician' && p.count === 3);
  });
  // The old row counts; only the rooms the deliveries stored are named.
  expect(problem.roomIds.sort()).toEqual(['ubnd-tinh', 'ubnd-yen-son']);
});

test('a technician may not read them', async () => {
  const res = await apiRequest(hub.httpUrl, 'GET', '/api/notifications/problems', undefined, {
    as: { role: 'technician', roomId: 'ubnd-tinh' },
  });
  expect(res.status).toBe(403);
});
