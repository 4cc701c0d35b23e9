/**
 * Two hubs of a group on one PostgreSQL (`store.url`): the same booking POSTed to both at the same
 * moment is made once. The other hub answers as a single hub does to a room already booked: 409,
 * the overlap rule (art. 8.3) naming the meeting that holds the room. Each hub reads the other's
 * meeting back.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { apiRequest, startTestHub } from '../helpers/hub-harness.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg-database.js';

const H = 3_600_000;
let db: TestDatabase;
let hubs: Awaited<ReturnType<typeof startTestHub>>[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  hubs = [await startTestHub({ 'store.url': db.url }), await startTestHub({ 'store.url': db.url })];
});
afterAll(async () => {
  for (const hub of hubs) {
    await hub.stop();
    hub.removeData();
  }
  await db.drop();
});

describe('two hubs on one PostgreSQL', () => {
  test('the same booking sent to both at once: exactly one 201, the other the overlap refusal', async () => {
    const [a, b] = hubs as [(typeof hubs)[0], (typeof hubs)[0]];
    for (let round = 0; round < 5; round++) {
      const start = new Date(Date.now() + (72 + round * 4) * H);
      const booking = {
        title: `Giao ban vòng ${round}`,
        kind: 'committee',
        hostRoomId: 'ubnd-tinh',
        roomIds: ['ubnd-tinh', 'ubnd-yen-son'],
        start: start.toISOString(),
        end: new Date(start.getTime() + 2 * H).toISOString(),
        emergency: null,
      };
      const answers = await Promise.all([
        apiRequest(a.httpUrl, 'POST', '/api/meetings', booking),
        apiRequest(b.httpUrl, 'POST', '/api/meetings', booking),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      const made = answers.find((r) => r.status === 201)!.body as { id: string };
      expect(answers.find((r) => r.status === 409)!.body).toMatchObject({
        rule: 'no-overlap',
        article: '8.3',
        field: 'roomIds',
        error: expect.stringContaining(`meeting ${made.id}`),
      });
      for (const hub of [a, b]) {
        const listed = await apiRequest(
          hub.httpUrl,
          'GET',
          `/api/meetings?room=ubnd-yen-son&from=${encodeURIComponent(start.toISOString())}`,
        );
        expect((listed.body as { id: string }[]).map((m) => m.id)).toContain(made.id);
      }
    }
  });
});
