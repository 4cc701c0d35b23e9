/**
 * Two hubs of a group on one PostgreSQL: what happens on one shows on the other's `/ws`, a message
 * too big for a notification included, never twice on the hub it happened on, and after the
 * relay's listening connection was cut.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { RELAY_APPLICATION } from '../../hub/api/live-relay.js';
import type { RunningHub } from '../../hub/hub.js';
import type { Meeting } from '../../hub/schedule/meeting-rules.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { type EventMessage, SCHEMA_VERSION } from '../../shared/schemas.js';
import { roomTopic } from '../../shared/topics.js';
import { apiRequest, liveClient, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';
import { waitFor } from '../helpers/wait.js';

let db: TestDatabase;
let a: RunningHub & { removeData(): void };
let b: RunningHub & { removeData(): void };
let onA: Awaited<ReturnType<typeof liveClient>>;
let onB: Awaited<ReturnType<typeof liveClient>>;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await startTestHub({ 'store.url': db.url });
  b = await startTestHub({ 'store.url': db.url });
  onA = await liveClient(a.httpUrl);
  onB = await liveClient(b.httpUrl);
});
afterAll(async () => {
  onA?.close();
  onB?.close();
  for (const hub of [a, b]) {
    await hub?.stop();
    hub?.removeData();
  }
  await db?.drop();
});

let slot = 0;
/** A meeting booked through `hub`'s API, each in its own two hours, days ahead. */
async function book(hub: RunningHub, title: string): Promise<Meeting> {
  const start = new Date(Date.now() + 72 * 3_600_000 + slot++ * 3 * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  const res = await apiRequest(hub.httpUrl, 'POST', '/api/meetings', {
    title,
    kind: 'committee',
    hostRoomId: 'ubnd-tinh',
    roomIds: ['ubnd-tinh', 'so-tnmt'],
    start: start.toISOString(),
    end: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
    emergency: null,
  });
  expect(res.status).toBe(201);
  return res.body as Meeting;
}

/** The `meeting` messages a client received about `id`. */
function about(client: typeof onA, id: string) {
  return client.messages.filter(
    (m) => m.type === 'meeting' && (m.meeting as Meeting).id === id,
  ) as unknown as {
    action: string;
    meeting: Meeting;
  }[];
}

describe('the live relay between two hubs', () => {
  test('a meeting booked through hub A’s API appears on hub B’s /ws, its title only to those who may read it', async () => {
    // A room's technician on B whose room is not in the meeting: the title is not theirs to read (art. 13.1c).
    const outside = await liveClient(b.httpUrl, { role: 'technician', roomId: 'so-ngoai-vu' });
    try {
      const meeting = await book(a, 'Họp giao ban tháng 12');
      const seen = await waitFor('the booking on B', () => about(onB, meeting.id)[0]);
      expect(seen).toMatchObject({
        action: 'created',
        meeting: { id: meeting.id, title: 'Họp giao ban tháng 12' },
      });
      const seenOutside = await waitFor('the booking on B, outside', () => about(outside, meeting.id)[0]);
      expect(seenOutside.meeting).toMatchObject({ id: meeting.id, title: null });
    } finally {
      outside.close();
    }
  });

  test('an event too big for a notification (over 8000 bytes), stored on A, arrives whole on B; old rows are pruned', async () => {
    const room = 'ubnd-tinh';
    // 3 bytes a letter in UTF-8: some 12 kB (under ingest's 16 kB), well over PostgreSQL's notification limit.
    const data = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`note${i}`, 'ệ'.repeat(200)]));
    const message: EventMessage = {
      v: SCHEMA_VERSION,
      type: 'call.started',
      severity: 'info',
      data,
      ts: new Date().toISOString(),
      bootId: 'live-relay-boot',
      seq: 1,
    };
    // A row left from long ago, which the next big message prunes.
    await db.direct.query(
      "INSERT INTO live_relay (sender, body, created_at) VALUES ('hub-gone', '{}', now() - interval '2 minutes')",
    );
    const agent = await testMqttClient(a.mqttUrl, {}, { room });
    try {
      await agent.publishAsync(roomTopic(room, 'events'), JSON.stringify(message), { qos: 1 });
    } finally {
      await agent.endAsync();
    }
    const isIt = (m: { type: string; event?: unknown }) =>
      m.type === 'event' && (m.event as StoredEvent).bootId === 'live-relay-boot';
    const seen = (await waitFor('the event on B', () => onB.messages.find(isIt))) as unknown as {
      event: StoredEvent;
    };
    expect(seen.event.data).toEqual(data);
    expect(seen).toEqual(onA.messages.find(isIt));
    // It travelled as a stored row, not in the notification.
    const { rows } = await db.direct.query<{ sender: string; body: string }>(
      'SELECT sender, body FROM live_relay',
    );
    expect(rows.some((r) => r.body.includes('live-relay-boot'))).toBe(true);
    expect(rows.map((r) => r.sender)).not.toContain('hub-gone');
  });

  test('the hub a message happened on shows it once: its own is not echoed back', async () => {
    const first = await book(a, 'Họp của A');
    await waitFor('A’s booking on B', () => about(onB, first.id).length > 0);
    // A hears the notices in the order sent: once B's later one has arrived, A's own has been heard too.
    const second = await book(b, 'Họp của B');
    await waitFor('B’s booking on A', () => about(onA, second.id).length > 0);
    expect(about(onA, first.id)).toHaveLength(1);
    expect(about(onB, second.id)).toHaveLength(1);
    expect(about(onB, first.id)).toHaveLength(1);
    expect(about(onA, second.id)).toHaveLength(1);
  });

  test('the relay listens again after its connection was terminated, and carries the next message', async () => {
    const listeners = async () =>
      (
        await db.direct.query<{ pid: number; state: string; query: string }>(
          'SELECT pid, state, query FROM pg_stat_activity WHERE datname = $1 AND application_name = $2',
          [db.name, RELAY_APPLICATION],
        )
      ).rows;
    const listening = (rows: { pid: number; state: string; query: string }[]) =>
      rows.filter((r) => r.state === 'idle' && r.query.startsWith('LISTEN'));
    const before = await waitFor('both hubs listening', async () => {
      const rows = listening(await listeners());
      return rows.length === 2 && rows;
    });
    await db.direct.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1)', [
      before.map((r) => r.pid),
    ]);
    const old = new Set(before.map((r) => r.pid));
    await waitFor('both hubs listening on new connections', async () => {
      const rows = listening(await listeners()).filter((r) => !old.has(r.pid));
      return rows.length === 2;
    });
    const meeting = await book(a, 'Họp sau khi mất kết nối');
    await waitFor('the booking on B', () => about(onB, meeting.id).length > 0);
    const again = await book(b, 'Họp từ B sau khi mất kết nối');
    await waitFor('B’s booking on A', () => about(onA, again.id).length > 0);
  });
});
