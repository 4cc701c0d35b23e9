/**
 * The SQLite store in its own thread, as the hub uses it: calls handed over together commit
 * together, a bad call fails alone without taking the others with it, closing commits what was
 * handed over, and a database that cannot be opened is a clear error naming the file.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import type { StoredTransition } from '../../hub/store/store.js';
import { WorkerStore } from '../../hub/store/worker-store.js';
import { createLogger } from '../../shared/logger.js';
import type { EventMessage, TelemetryMessage } from '../../shared/schemas.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('hnth-worker-store-');
afterAll(() => dir.remove());
const log = createLogger('test', 'silent');
const open = (name: string) => WorkerStore.open(path.join(dir.path, name, 'hnth.db'), log);

const event = (seq: number): EventMessage => ({
  v: 1,
  type: 'mains.lost',
  severity: 'critical',
  data: { upsChargePct: 90 },
  ts: '2026-11-30T03:00:00.000Z',
  bootId: 'boot-a',
  seq,
});

const telemetry = (i: number) =>
  ({ ts: new Date(Date.UTC(2026, 10, 30, 3, 0, i)).toISOString() }) as unknown as TelemetryMessage;

describe('the store in its own thread', () => {
  test('a bad call among others fails alone, naming the call; the others are committed', async () => {
    const store = await open('a');
    try {
      const at = new Date('2026-11-30T03:00:01Z');
      const bad = { roomId: 'tinh-uy', level: 'READY', reasons: [] } as unknown as StoredTransition;
      const results = await Promise.allSettled([
        store.insertEvent('tinh-uy', event(0), at),
        store.insertTransition(bad),
        store.insertEvent('tinh-uy', event(2), at),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/insertTransition: /);
      expect((await store.listEvents('tinh-uy', 10)).map((e) => e.seq)).toEqual([2, 0]);
      // A repeat after a replay is told apart from a first store.
      expect(await store.insertEvent('tinh-uy', event(2), at)).toBeNull();
    } finally {
      await store.close();
    }
  });

  test('closing commits every write handed over, and later calls are refused', async () => {
    const store = await open('b');
    const writes = Array.from({ length: 200 }, (_, i) => store.insertSample('tinh-uy', telemetry(i)));
    expect(store.backlog().pending).toBe(200);
    await store.close();
    await Promise.all(writes);
    await expect(store.listEvents('tinh-uy', 1)).rejects.toThrow(/closed/);

    const reopened = await open('b');
    const from = new Date('2026-11-30T00:00:00Z');
    const samples = await reopened.listSamples('tinh-uy', from, new Date('2026-12-01T00:00:00Z'), 1000);
    expect(samples).toHaveLength(200);
    expect(reopened.backlog()).toEqual({ pending: 0, oldestSince: null });
    await reopened.close();
  });

  test('a database that cannot be opened is refused, naming the file', async () => {
    // A folder where the database file should be.
    const file = path.join(dir.path, 'c', 'hnth.db');
    mkdirSync(file, { recursive: true });
    await expect(WorkerStore.open(file, log)).rejects.toThrow(new RegExp(`store ${file}: `));
  });
});
