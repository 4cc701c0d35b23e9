/**
 * The notification log's repository, on SQLite and on PostgreSQL: deliveries read back as stored,
 * with the room they concern (newest first, a meeting's oldest first), postponed ones come due at their time and are finished
 * once by their digest, and a verdict's last event is found by its rehearsal.
 */
import { expect, test } from '@jest/globals';
import { NotificationsRepo, notificationsMigrations } from '../../hub/notify/notifications-repo.js';
import type { Notice } from '../../hub/notify/notify-routing.js';
import { violationOf } from '../../hub/store/sql.js';
import { onEachStore } from '../helpers/sql-stores.js';

const notice: Notice = {
  incidentId: 7,
  event: 'opened',
  roomId: 'ubnd-na-hang',
  cause: 'link.degraded',
  faultKind: 'line',
  severity: 'warning',
  at: '2026-11-30T16:00:00.000Z',
  recoverSec: null,
};

const row = {
  createdAt: '2026-11-30T16:00:00.000Z',
  incidentId: 7,
  roomId: 'ubnd-na-hang',
  event: 'opened',
  severity: 'warning',
  channel: 'email' as const,
  role: 'technician',
  target: 'an@nahang.gov.vn',
  subject: 'Sự cố: đường truyền suy giảm',
};

const sent = { status: 'sent' as const, attempts: 1, error: null, finishedAt: '2026-11-30T16:00:01.000Z' };

onEachStore('the notifications repository', notificationsMigrations, (store) => {
  const repo = () => new NotificationsRepo(store.sql);

  test('a delivery reads back as stored, an incident’s by default, newest first', async () => {
    const r = repo();
    await r.insert({ ...row, ...sent });
    await r.insert({
      ...row,
      target: 'noc@stttt.gov.vn',
      role: 'operator',
      status: 'failed',
      attempts: 3,
      error: '421 busy',
      finishedAt: '2026-11-30T16:00:09.000Z',
    });
    const [second, first] = await r.latest(10);
    expect(first).toEqual({
      id: expect.any(Number),
      ...row,
      topic: 'incident',
      meetingId: null,
      ref: null,
      ...sent,
      dueAt: null,
    });
    expect(second).toMatchObject({
      target: 'noc@stttt.gov.vn',
      status: 'failed',
      attempts: 3,
      error: '421 busy',
    });
    expect(second!.id).toBeGreaterThan(first!.id);
    expect(await r.latest(1)).toEqual([second]);
  });

  test('a meeting’s notices, oldest first, and the last verdict sent about a rehearsal', async () => {
    const r = repo();
    const letter = { ...row, incidentId: null, topic: 'verdict' as const, meetingId: 'm1', ref: 'r-T-2h' };
    await r.insert({ ...letter, event: 'no-go', severity: 'critical', ...sent });
    // The operator's copy concerns no one room; the technician's, their room.
    await r.insert({ ...letter, roomId: null, role: 'operator', event: 'go', severity: 'info', ...sent });
    await r.insert({ ...letter, roomId: 'so-y-te', event: 'go', severity: 'info', ...sent });
    await r.insert({ ...letter, meetingId: 'm2', ref: 'r-other', event: 'at-risk', ...sent });
    await r.insert({ ...row, ...sent });
    expect((await r.forMeeting('m1')).map((n) => [n.event, n.role, n.roomId])).toEqual([
      ['no-go', 'technician', 'ubnd-na-hang'],
      ['go', 'operator', null],
      ['go', 'technician', 'so-y-te'],
    ]);
    expect(await r.forMeeting('nothing')).toEqual([]);
    expect(await r.lastEvent('verdict', 'r-T-2h')).toBe('go');
    expect(await r.lastEvent('escalation', 'r-T-2h')).toBeNull();
  });

  test('a postponed delivery is due from its time on, and is finished once, by its digest', async () => {
    const r = repo();
    const due = '2026-11-30T23:00:00.000Z';
    await r.postpone(row, due, notice);
    await r.postpone({ ...row, target: 'noc@stttt.gov.vn' }, '2026-12-01T23:00:00.000Z', notice);
    expect(await r.due('2026-11-30T22:59:59.999Z')).toEqual([]);
    const ready = await r.due(due);
    expect(ready).toEqual([
      {
        id: expect.any(Number),
        channel: 'email',
        role: 'technician',
        target: row.target,
        dueAt: due,
        notice,
      },
    ]);
    const [postponed] = (await r.latest(10)).filter((n) => n.target === row.target);
    expect(postponed).toMatchObject({
      status: 'postponed',
      attempts: 0,
      finishedAt: null,
      dueAt: due,
      roomId: row.roomId,
    });

    const outcome = {
      status: 'sent' as const,
      attempts: 1,
      error: null,
      finishedAt: '2026-11-30T23:00:02.000Z',
    };
    await r.finish([ready[0]!.id], outcome);
    // A second digest of the same rows (another pass, another hub) changes nothing.
    await r.finish([ready[0]!.id], { ...outcome, status: 'failed', error: 'late' });
    expect(await r.due('2026-12-02T00:00:00.000Z')).toEqual([
      expect.objectContaining({ target: 'noc@stttt.gov.vn' }),
    ]);
    expect((await r.latest(10)).find((n) => n.id === ready[0]!.id)).toMatchObject({ ...outcome, dueAt: due });
  });

  test('a finished row must say how it ended, a postponed one when it is due: the store refuses otherwise', async () => {
    // Read by its code: an error thrown by better-sqlite3 may come from another realm than this test's.
    const refused = await repo()
      .insert({ ...row, ...sent, finishedAt: null as unknown as string })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(violationOf(refused)).toBe('check');
    expect(await repo().latest(10)).toEqual([]);
  });
});
