/**
 * The speak sessions' repository on a real SQLite file: what one connection saved, a new one (a
 * restarted hub) loads the same; ended requests and closed sessions are gone; a write the database
 * refuses leaves what was stored untouched.
 */
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  act,
  cancelFloor,
  openSession,
  requestFloor,
  type SpeakSession,
} from '../../hub/speak/speak-queue.js';
import { SpeakRepo } from '../../hub/speak/speak-repo.js';
import { openDatabase } from '../../hub/store/database.js';
import { tempDir } from '../helpers/temp-dir.js';

const at = (min: number) => new Date(Date.UTC(2026, 10, 30, 2, min)).toISOString();

function ok<T extends { ok: boolean }>(o: T): Extract<T, { ok: true }> {
  if (!o.ok) throw new Error(JSON.stringify(o));
  return o as Extract<T, { ok: true }>;
}

describe('SpeakRepo on a SQLite file', () => {
  const data = tempDir('hnth-speak-repo-');
  const file = path.join(data.path, 'hnth.db');
  afterAll(() => data.remove());

  /** Opens the file as a hub starting does, runs `body`, closes it. */
  function withRepo<T>(body: (repo: SpeakRepo) => T): T {
    const db = openDatabase(file);
    try {
      return body(new SpeakRepo(db));
    } finally {
      db.close();
    }
  }

  let tinh: SpeakSession;

  test('a fresh database has no sessions and no request id used yet', () => {
    expect(withRepo((repo) => repo.load())).toEqual({ sessions: [], lastRequestId: 0 });
  });

  test('a session saved with its queue loads back the same from a new connection', () => {
    tinh = openSession('ubnd-tinh', at(0), 'op');
    tinh = ok(requestFloor(tinh, 'ubnd-na-hang', at(1), '1')).session;
    tinh = ok(requestFloor(tinh, 'so-y-te', at(2), '2')).session;
    tinh = ok(requestFloor(tinh, 'ubnd-yen-son', at(3), '3')).session;
    tinh = ok(act(tinh, '2', 'grant', at(4))).session;
    const other = ok(requestFloor(openSession('hdnd-tinh', at(5), null), 'so-tttt', at(6), '4')).session;
    withRepo((repo) => {
      repo.save(tinh, 3);
      repo.save(other, 4);
    });

    const loaded = withRepo((repo) => repo.load());
    expect(loaded.lastRequestId).toBe(4);
    expect(loaded.sessions).toEqual([tinh, other]);
    expect(loaded.sessions[0]!.requests.find((r) => r.id === '2')).toMatchObject({
      state: 'granted',
      grantedAt: at(4),
    });
  });

  test('ended requests leave the table; the order counter stays where it was', () => {
    tinh = ok(act(tinh, '2', 'finish', at(7))).session;
    tinh = ok(cancelFloor(tinh, 'ubnd-yen-son', at(8))).session;
    withRepo((repo) => repo.save(tinh, 4));
    const [loaded] = withRepo((repo) => repo.load()).sessions;
    expect(loaded).toEqual({ ...tinh, requests: [tinh.requests[0]] });
    expect(loaded!.lastOrder).toBe(3);
  });

  test('the id counter never goes back, even when an older counter is saved', () => {
    withRepo((repo) => repo.save(tinh, 2));
    expect(withRepo((repo) => repo.load()).lastRequestId).toBe(4);
  });

  test('a change the database refuses is not half stored', () => {
    // Two active requests of one room in one session break the table's rule: the whole save is undone.
    const broken: SpeakSession = {
      ...tinh,
      lastOrder: 9,
      requests: [...tinh.requests, { ...tinh.requests[0]!, id: '9', order: 9 }],
    };
    expect(() => withRepo((repo) => repo.save(broken, 9))).toThrow(/UNIQUE/);
    const loaded = withRepo((repo) => repo.load());
    expect(loaded.sessions[0]).toEqual({ ...tinh, requests: [tinh.requests[0]] });
    expect(loaded.lastRequestId).toBe(4);
  });

  test('closing a session removes it and its queue', () => {
    expect(withRepo((repo) => repo.remove('ubnd-tinh'))).toBe(true);
    expect(withRepo((repo) => repo.remove('ubnd-tinh'))).toBe(false);
    expect(withRepo((repo) => repo.load()).sessions.map((s) => s.hostRoomId)).toEqual(['hdnd-tinh']);
    const db = openDatabase(file);
    const left = db
      .prepare("SELECT count(*) AS n FROM speak_requests WHERE host_room_id = 'ubnd-tinh'")
      .get();
    db.close();
    expect(left).toEqual({ n: 0 });
  });
});
