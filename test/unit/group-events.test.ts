/**
 * The events a hub of a group judges: each once, whether this hub stored it, the relay brought it or
 * the store's catch-up read it; the ones the relay missed are read back in the order stored, the
 * ids committed out of order (PostgreSQL hands ids out at insert) included.
 */
import { expect, test } from '@jest/globals';
import { GroupEvents } from '../../hub/incidents/group-events.js';
import type { StoredEvent } from '../../hub/store/store.js';
import { createLogger } from '../../shared/logger.js';

const SETTLE_MS = 10_000;

const event = (id: number): StoredEvent => ({
  id,
  roomId: 'so-y-te',
  bootId: 'boot',
  seq: id,
  type: 'codec.down',
  severity: 'critical',
  data: {},
  ts: '2026-12-06T05:00:00.000Z',
  receivedAt: '2026-12-06T05:00:00.000Z',
});

/** A store whose rows become visible when the test says: a row committed late shows late. */
function world() {
  const visible = new Map<number, StoredEvent>();
  const reads: number[] = [];
  let failing = false;
  let t = Date.parse('2026-12-06T05:00:00.000Z');
  const applied: number[] = [];
  const events = new GroupEvents({
    store: {
      async listEventsAfter(afterId, limit) {
        reads.push(afterId);
        if (failing) throw new Error('connection refused');
        return [...visible.values()]
          .filter((e) => e.id > afterId)
          .sort((x, y) => x.id - y.id)
          .slice(0, limit);
      },
      lastEventId: async () => Math.max(0, ...visible.keys()),
    },
    apply: (e) => applied.push(e.id),
    now: () => new Date(t),
    log: createLogger('test', 'silent'),
    settleMs: SETTLE_MS,
  });
  return {
    events,
    applied,
    reads,
    commit: (...ids: number[]) => {
      for (const id of ids) visible.set(id, event(id));
    },
    fail: (on: boolean) => {
      failing = on;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

test('follows from the events stored at its start; an event heard live and read back is applied once', async () => {
  const w = world();
  w.commit(1, 2);
  await w.events.start();
  w.commit(3, 4, 5);
  // The relay brought 4; 3 and 5 were sent while it was down.
  w.events.heard(event(4));
  await w.events.catchUp();
  w.events.heard(event(5));
  await w.events.catchUp();
  expect(w.applied).toEqual([4, 3, 5]);
});

test('an id committed after a higher one was read is still applied, once, and the window behind moves on', async () => {
  const w = world();
  await w.events.start();
  // 7 was handed out first and commits last (another hub's slower transaction).
  w.commit(6, 8);
  await w.events.catchUp();
  expect(w.applied).toEqual([6, 8]);
  w.commit(7);
  w.advance(2000);
  await w.events.catchUp();
  expect(w.applied).toEqual([6, 8, 7]);
  // Reads go back over the last ids read until every id below them has had time to commit.
  expect(w.reads).toEqual([0, 0]);
  w.advance(SETTLE_MS);
  await w.events.catchUp();
  w.advance(2000);
  await w.events.catchUp();
  expect(w.reads.slice(2)).toEqual([0, 8]);
  w.events.heard(event(8));
  expect(w.applied).toEqual([6, 8, 7]);
});

test('reads page after page, in the order stored', async () => {
  const w = world();
  await w.events.start();
  const ids = Array.from({ length: 1234 }, (_, i) => i + 1);
  w.commit(...ids);
  await w.events.catchUp();
  expect(w.applied).toEqual(ids);
});

test('a store that does not answer is tried again from where it was; asks before a read begins join it', async () => {
  const w = world();
  await w.events.start();
  w.commit(1);
  w.fail(true);
  await w.events.catchUp();
  expect(w.applied).toEqual([]);
  w.fail(false);
  const asked = [w.events.catchUp(), w.events.catchUp(), w.events.catchUp()];
  await Promise.all(asked);
  expect(w.applied).toEqual([1]);
  expect(w.reads).toEqual([0, 0]);
});
