/**
 * Issue 9: random and malformed payloads published by rooms on their own topics, through the real
 * embedded broker: the hub stays up, answers its API, and counts every message it got.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { RunningHub } from '../../hub/hub.js';
import { roomChannels, roomTopic } from '../../shared/topics.js';
import { getJson, startTestHub, testMqttClient } from '../helpers/hub-harness.js';
import { waitFor } from '../helpers/wait.js';

const rooms = ['tinh-uy', 'hdnd-tinh', 'ubnd-tinh', 'so-gtvt', 'so-khcn'];
/** Within the broker's per-room burst allowance, so the flood limit does not cut the test short. */
const PER_ROOM = 150;

describe('fuzzing through the embedded broker', () => {
  let hub: RunningHub & { removeData(): void };
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.stop();
    hub?.removeData();
  });

  test(`${rooms.length * PER_ROOM} random payloads from rooms: the hub counts each and keeps serving`, async () => {
    const counted = () =>
      hub.ingest.counters.accepted + Object.values(hub.ingest.counters.rejected).reduce((a, b) => a + b, 0);
    const before = counted();
    const payloads = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        fc.anything({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
        fc.string().map((s) => Buffer.from(s)),
      ),
      { numRuns: rooms.length * PER_ROOM, seed: 42 },
    );
    await Promise.all(
      rooms.map(async (room, r) => {
        const client = await testMqttClient(hub.mqttUrl, {}, { room });
        try {
          for (let i = 0; i < PER_ROOM; i++) {
            const channel = roomChannels[i % roomChannels.length]!;
            await client.publishAsync(roomTopic(room, channel), payloads[r * PER_ROOM + i]!, { qos: 1 });
          }
        } finally {
          await client.endAsync();
        }
      }),
    );
    await waitFor('every message counted', () => counted() === before + rooms.length * PER_ROOM);
    expect(hub.ingest.counters.rejected.internal).toBe(0);
    const health = await getJson<{ status: string }>(`${hub.httpUrl}/api/health`);
    expect(health.status).toBe('ok');
  });
});
