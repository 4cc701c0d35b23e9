/**
 * The speak sessions' repository, on SQLite and on PostgreSQL: what one connection saved, another
 * (a restarted hub, a second hub) loads the same; ended requests and closed sessions are gone; the
 * id counter never goes back; a write the database refuses leaves what was stored untouched; a room's
 * message is applied once, and changes made at once take turns.
 */
import { expect, test } from '@jest/globals';
import {
  act,
  cancelFloor,
  openSession,
  requestFloor,
  type SpeakSession,
} from '../../hub/speak/speak-queue.js';
import { SpeakRepo, speakMigrations } from '../../hub/speak/speak-repo.js';
import { violationOf } from '../../hub/store/sql.js';
import { onEachStore } from '../helpers/sql-stores.js';

const at = (min: number) => new Date(Date.UTC(2026, 10, 30, 2, min)).toISOString();

function ok<T extends { ok: boolean }>(o: T): Extract<T, { ok: true }> {
  if (!o.ok) throw new Error(JSON.stringify(o));
  return o as Extract<T, { ok: true }>;
}

/** A session at ubnd-tinh: three rooms asked, the second is speaking. */
function tinhUnderWay(): SpeakSession {
  let tinh = openSession('ubnd-tinh', at(0), 'op');
  tinh = ok(requestFloor(tinh, 'ubnd-na-hang', at(1), '1')).session;
  tinh = ok(requestFloor(tinh, 'so-y-te', at(2), '2')).session;
  tinh = ok(requestFloor(tinh, 'ubnd-yen-son', at(3), '3')).session;
  return ok(act(tinh, '2', 'grant', at(4))).session;
}

onEachStore('the speak sessions repository', speakMigrations, (store) => {
  const repo = () => new SpeakRepo(store.sql);

  test('a fresh store has no sessions and no request id used yet', async () => {
    expect(await repo().load()).toEqual({ sessions: [], lastRequestId: 0 });
  });

  test('a session saved with its queue loads back the same from another connection', async () => {
    const tinh = tinhUnderWay();
    const other = ok(requestFloor(openSession('hdnd-tinh', at(5), null), 'so-tttt', at(6), '4')).session;
    await repo().save(tinh, 3);
    await repo().save(other, 4);

    const loaded = await new SpeakRepo(await store.another()).load();
    expect(loaded.lastRequestId).toBe(4);
    expect(loaded.sessions).toEqual([tinh, other]);
    expect(loaded.sessions[0]!.requests.find((r) => r.id === '2')).toMatchObject({
      state: 'granted',
      grantedAt: at(4),
    });
  });

  test('ended requests leave the table; the order counter stays where it was', async () => {
    let tinh = tinhUnderWay();
    await repo().save(tinh, 3);
    tinh = ok(act(tinh, '2', 'finish', at(7))).session;
    tinh = ok(cancelFloor(tinh, 'ubnd-yen-son', at(8))).session;
    await repo().save(tinh, 3);
    const [loaded] = (await repo().load()).sessions;
    expect(loaded).toEqual({ ...tinh, requests: [tinh.requests[0]] });
    expect(loaded!.lastOrder).toBe(3);
  });

  test('the id counter never goes back, even when an older counter is saved', async () => {
    const tinh = tinhUnderWay();
    await repo().save(tinh, 4);
    await repo().save(tinh, 2);
    expect((await repo().load()).lastRequestId).toBe(4);
  });

  test('a change the database refuses is not half stored', async () => {
    const tinh = tinhUnderWay();
    await repo().save(tinh, 3);
    // Two active requests of one room in one session break the table's rule: the whole save is undone.
    const broken: SpeakSession = {
      ...tinh,
      lastOrder: 9,
      requests: [...tinh.requests, { ...tinh.requests[0]!, id: '9', order: 9 }],
    };
    const err = await repo()
      .save(broken, 9)
      .catch((e: unknown) => e);
    expect(violationOf(err)).toBe('unique');
    expect(await repo().load()).toEqual({ sessions: [tinh], lastRequestId: 3 });
  });

  test('closing a session removes it and its queue', async () => {
    await repo().save(tinhUnderWay(), 3);
    await repo().save(openSession('hdnd-tinh', at(5), null), 3);
    expect(await repo().remove('ubnd-tinh')).toBe(true);
    expect(await repo().remove('ubnd-tinh')).toBe(false);
    expect((await repo().load()).sessions.map((s) => s.hostRoomId)).toEqual(['hdnd-tinh']);
    expect(
      await store.sql.one(
        'SELECT CAST(COUNT(*) AS INTEGER) AS n FROM speak_requests WHERE host_room_id = ?',
        ['ubnd-tinh'],
      ),
    ).toEqual({ n: 0 });
  });

  test('a room’s message is applied once, however many hubs of the group receive it', async () => {
    const host = 'ubnd-lam-binh';
    expect(
      await repo().change(() => ({ save: openSession(host, at(10), 'op'), result: 'opened' })),
    ).toMatchObject({ applied: true, result: 'opened' });
    const heard = { roomId: 'so-y-te', ts: at(11), action: 'request', at: at(11) };
    let decided = 0;
    const request = ({ sessions, lastRequestId }: Awaited<ReturnType<SpeakRepo['load']>>) => {
      decided++;
      const session = sessions.find((x) => x.hostRoomId === host)!;
      const id = lastRequestId + 1;
      return {
        save: ok(requestFloor(session, 'so-y-te', at(11), String(id))).session,
        lastRequestId: id,
        result: id,
      };
    };
    const first = await repo().change(request, heard);
    expect(first).toMatchObject({ applied: true });
    const second = await repo().change(request, heard);
    expect(second.applied).toBe(false);
    expect(decided).toBe(1);
    expect(second.stored.sessions.find((x) => x.hostRoomId === host)?.requests.map((r) => r.roomId)).toEqual([
      'so-y-te',
    ]);
  });

  test('changes made at once on two connections take turns: neither is lost, no id is given twice', async () => {
    const host = 'ubnd-chiem-hoa';
    await repo().change(() => ({ save: openSession(host, at(20), 'op'), result: null }));
    const ask = (roomId: string) =>
      new SpeakRepo(store.sql).change(({ sessions, lastRequestId }) => {
        const session = sessions.find((x) => x.hostRoomId === host)!;
        const id = lastRequestId + 1;
        return {
          save: ok(requestFloor(session, roomId, at(21), String(id))).session,
          lastRequestId: id,
          result: id,
        };
      });
    await Promise.all([ask('so-y-te'), ask('so-noi-vu'), ask('ubnd-na-hang')]);
    const requests = (await repo().load()).sessions.find((x) => x.hostRoomId === host)!.requests;
    expect(requests.map((r) => r.roomId).sort()).toEqual(['so-noi-vu', 'so-y-te', 'ubnd-na-hang']);
    expect(new Set(requests.map((r) => r.id)).size).toBe(3);
    expect(new Set(requests.map((r) => r.order)).size).toBe(3);
  });
});
