/**
 * A hub of a group reading the speak queue again (`follow()`, every few seconds and when its relay
 * listens again) tells its own dashboards of each session another hub changed, opened or closed,
 * since the relay may have lost that hub's news of it; and tells them nothing when nothing changed.
 */
import { describe, expect, test } from '@jest/globals';
import { openSession, requestFloor, type SpeakSession } from '../../hub/speak/speak-queue.js';
import type { StoredSpeak } from '../../hub/speak/speak-repo.js';
import { type SessionNews, SpeakService, type SpeakSessionStore } from '../../hub/speak/speak-service.js';
import { builtInFleet } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';

const at = (min: number) => new Date(Date.UTC(2026, 11, 6, 2, min)).toISOString();

/** The group's store as another hub left it: `follow()` only loads it. */
class OtherHubsStore implements SpeakSessionStore {
  stored: StoredSpeak = { sessions: [], lastRequestId: 0 };
  load = async () => structuredClone(this.stored);
  remove = async () => false;
  change = async (): Promise<never> => {
    throw new Error('follow() only reads');
  };
}

function setup() {
  const store = new OtherHubsStore();
  const found: SessionNews[] = [];
  const toGroup: SessionNews[] = [];
  const speak = new SpeakService(
    builtInFleet,
    store,
    {
      publishState() {},
      sessionChanged: (news) => toGroup.push(news),
      sessionFound: (news) => found.push(news),
      roomChanged() {},
    },
    createLogger('test', 'silent'),
    () => new Date(at(30)),
  );
  return { store, found, toGroup, speak };
}

function asked(session: SpeakSession, roomId: string, id: string): SpeakSession {
  const outcome = requestFloor(session, roomId, at(Number(id)), id);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.session;
}

describe('reading the speak queue again', () => {
  test('a session another hub opened, then a request it queued, each reach this hub’s dashboards once', async () => {
    const { store, found, toGroup, speak } = setup();
    const opened = openSession('ubnd-tinh', at(0), 'op');
    store.stored = { sessions: [opened], lastRequestId: 0 };
    await speak.follow();
    expect(found).toEqual([{ hostRoomId: 'ubnd-tinh', openedBy: 'op', openedAt: at(0), queue: [] }]);

    store.stored = { sessions: [asked(opened, 'so-y-te', '1')], lastRequestId: 1 };
    await speak.follow();
    expect(found).toHaveLength(2);
    expect(found[1]).toMatchObject({ hostRoomId: 'ubnd-tinh', queue: [{ id: '1', roomId: 'so-y-te' }] });
    // The group heard of it from the hub that changed it: not told again from here.
    expect(toGroup).toEqual([]);
  });

  test('nothing changed since the last read: the dashboards are told nothing', async () => {
    const { store, found, speak } = setup();
    store.stored = {
      sessions: [asked(openSession('ubnd-tinh', at(0), 'op'), 'so-y-te', '1')],
      lastRequestId: 1,
    };
    await speak.follow();
    found.length = 0;
    await speak.follow();
    await speak.follow();
    expect(found).toEqual([]);
  });

  test('a session another hub closed is shown closed; the sessions left unchanged are not', async () => {
    const { store, found, speak } = setup();
    const tinh = openSession('ubnd-tinh', at(0), 'op');
    const hdnd = openSession('hdnd-tinh', at(1), null);
    store.stored = { sessions: [tinh, hdnd], lastRequestId: 0 };
    await speak.follow();
    found.length = 0;
    store.stored = { sessions: [hdnd], lastRequestId: 0 };
    await speak.follow();
    expect(found).toEqual([{ hostRoomId: 'ubnd-tinh', closed: true }]);
  });
});
