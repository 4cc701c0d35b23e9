/**
 * A hub of a group reading the speak queue again (`follow()`, every few seconds and when its relay
 * listens again) tells its own dashboards of each session another hub changed, opened or closed,
 * since the relay may have lost that hub's news of it; and tells them nothing when nothing changed,
 * nor what the relay brought them already (`heardFromGroup`), nor a read older than that news.
 */
import { describe, expect, test } from '@jest/globals';
import { openSession, queue, requestFloor, type SpeakSession } from '../../hub/speak/speak-queue.js';
import type { StoredSpeak } from '../../hub/speak/speak-repo.js';
import {
  type SessionNews,
  type SessionView,
  SpeakService,
  type SpeakSessionStore,
} from '../../hub/speak/speak-service.js';
import { builtInFleet } from '../../shared/fleet.js';
import { createLogger } from '../../shared/logger.js';

const at = (min: number) => new Date(Date.UTC(2026, 11, 6, 2, min)).toISOString();

/** The group's store as another hub left it: `follow()` only loads it. */
class OtherHubsStore implements SpeakSessionStore {
  stored: StoredSpeak = { sessions: [], lastRequestId: 0 };
  private onRead = () => {};
  /** Until it opens, a load has read the store and not yet answered. */
  private gate: Promise<void> = Promise.resolve();
  load = async () => {
    // Made here, as a database driver makes its rows (structuredClone's would be of another realm
    // under jest, never equal to the relay's parsed copies).
    const read = JSON.parse(JSON.stringify(this.stored)) as StoredSpeak;
    this.onRead();
    await this.gate;
    return read;
  };
  /** Holds the loads' answers until `answer()`; `read` resolves once the next load has read. */
  holdAnswers(): { read: Promise<void>; answer: () => void } {
    let answer = () => {};
    this.gate = new Promise((resolve) => {
      answer = resolve;
    });
    const read = new Promise<void>((resolve) => {
      this.onRead = resolve;
    });
    return { read, answer };
  }
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

/** The session as a dashboard is shown it. */
function view(s: SpeakSession): SessionView {
  return { hostRoomId: s.hostRoomId, openedBy: s.openedBy, openedAt: s.openedAt, queue: queue(s) };
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

  test('a change whose news the relay brought is not shown again by the read that news asks for', async () => {
    const { store, found, speak } = setup();
    const opened = openSession('ubnd-tinh', at(0), 'op');
    store.stored = { sessions: [opened], lastRequestId: 0 };
    await speak.follow();
    found.length = 0;

    const queued = asked(opened, 'so-y-te', '1');
    store.stored = { sessions: [queued], lastRequestId: 1 };
    // The relay's copy has been through JSON, like every relayed message.
    await speak.heardFromGroup(JSON.parse(JSON.stringify(view(queued))));
    expect(found).toEqual([]);

    // What the relay did not bring is still shown.
    store.stored = { sessions: [asked(queued, 'so-tu-phap', '2')], lastRequestId: 2 };
    await speak.follow();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ queue: [{ id: '1' }, { id: '2', roomId: 'so-tu-phap' }] });
  });

  test('a session closed as the relay brought it is not shown closed again', async () => {
    const { store, found, speak } = setup();
    store.stored = { sessions: [openSession('ubnd-tinh', at(0), 'op')], lastRequestId: 0 };
    await speak.follow();
    found.length = 0;
    store.stored = { sessions: [], lastRequestId: 0 };
    await speak.heardFromGroup({ hostRoomId: 'ubnd-tinh', closed: true });
    expect(found).toEqual([]);
  });

  test('a read begun before the relay brought newer news does not take the dashboards back', async () => {
    const { store, found, speak } = setup();
    const opened = openSession('ubnd-tinh', at(0), 'op');
    store.stored = { sessions: [opened], lastRequestId: 0 };
    await speak.follow();
    found.length = 0;

    const held = store.holdAnswers();
    const olderRead = speak.follow();
    await held.read; // the session with no request yet
    const queued = asked(opened, 'so-y-te', '1');
    store.stored = { sessions: [queued], lastRequestId: 1 };
    const newsRead = speak.heardFromGroup(view(queued));
    held.answer();
    await Promise.all([olderRead, newsRead]);
    // Neither the older read (the queue before the request) nor the queue the relay showed already.
    expect(found).toEqual([]);
    expect(speak.stateOf('so-y-te')).toMatchObject({ state: 'waiting', position: 1 });
  });
});
