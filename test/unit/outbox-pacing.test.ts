/**
 * Issue 18.2: an honest agent's replay after an outage stays under the broker's per-room limit.
 * The outbox sends at most `sendBurst` records at once, then `sendPerSec`; the broker's own rule
 * (the hub's defaults, 20/s and 200 at once) is run over the times the records went out, and never
 * refuses one.
 */
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Outbox, type OutboxRecord } from '../../agent/link/outbox.js';
import { SendPacing } from '../../agent/link/send-pacing.js';
import { createLogger } from '../../shared/logger.js';
import { type Bucket, takeToken } from '../../shared/token-bucket.js';
import { VirtualClock } from '../fakes/virtual-clock.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
afterAll(() => dir.remove());
const log = createLogger('test', 'silent');

describe('the outbox’s replay pacing', () => {
  test('1,000 events replayed after an outage: 50 at once, then 10 a second, none over the broker’s limit', async () => {
    const clock = new VirtualClock('2026-11-30T01:00:00Z');
    const sentAt: number[] = [];
    const send = async (_r: OutboxRecord) => {
      sentAt.push(clock.now().getTime());
    };
    const box = new Outbox(
      path.join(dir.path, 'replay', 'outbox.log'),
      1 << 24,
      send,
      log,
      undefined,
      new SendPacing({ perSec: 10, burst: 50 }, clock),
    );
    box.open();
    for (let seq = 1; seq <= 1000; seq++) box.push('events', `e${seq}`);
    box.setConnected(true);
    await clock.advance(0);
    expect(sentAt).toHaveLength(50);
    await clock.advance(1000);
    expect(sentAt).toHaveLength(60);
    await clock.advance(95_000);
    expect(sentAt).toHaveLength(1000);
    // The embedded broker's rule, run over the same times: every record is let through.
    let bucket: Bucket | undefined;
    const refused = sentAt.filter((at) => {
      const taken = takeToken(bucket, at, { perSec: 20, burst: 200 });
      bucket = taken.bucket;
      return !taken.allowed;
    });
    expect(refused).toEqual([]);
    box.close();
  });

  test('closing the outbox while it waits for the pacing leaves no timer behind', async () => {
    const clock = new VirtualClock('2026-11-30T01:00:00Z');
    const box = new Outbox(
      path.join(dir.path, 'close', 'outbox.log'),
      1 << 20,
      async () => {},
      log,
      undefined,
      new SendPacing({ perSec: 1, burst: 1 }, clock),
    );
    box.open();
    box.push('events', 'e1');
    box.push('events', 'e2');
    box.setConnected(true);
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    box.close();
    expect(clock.pending).toBe(0);
  });
});
