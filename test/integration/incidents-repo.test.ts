/**
 * The incidents repository, on SQLite and on PostgreSQL: one open incident per room and cause (also
 * when two hubs open it at once), the time to recover recorded on closing, the history by date range
 * for the report, and an acknowledgement given once.
 */
import { expect, test } from '@jest/globals';
import { IncidentsRepo, incidentsMigrations } from '../../hub/incidents/incidents-repo.js';
import { onEachStore } from '../helpers/sql-stores.js';

onEachStore('the incidents repository', incidentsMigrations, (store) => {
  const repo = () => new IncidentsRepo(store.sql);

  test('one open incident per room and cause; closing records the time to recover', async () => {
    const r = repo();
    const a = await r.open('so-y-te', 'mains.lost', 'critical', '2026-03-01T01:00:00.000Z');
    expect(a).toMatchObject({ roomId: 'so-y-te', closedAt: null, recoverSec: null, rooms: [], ack: null });
    expect(await r.open('so-y-te', 'mains.lost', 'critical', '2026-03-01T01:05:00.000Z')).toBeNull();
    expect(await r.open('so-y-te', 'codec.down', 'critical', '2026-03-01T01:05:00.000Z')).not.toBeNull();
    expect(
      await r.open(null, 'network.unreachable', 'critical', '2026-03-02T00:00:00.000Z', ['so-y-te']),
    ).toMatchObject({ roomId: null, rooms: ['so-y-te'] });
    expect(await r.open(null, 'network.unreachable', 'critical', '2026-03-02T00:01:00.000Z')).toBeNull();
    expect(await r.close('so-y-te', 'mains.lost', '2026-03-01T01:12:30.000Z')).toMatchObject({
      id: a!.id,
      closedAt: '2026-03-01T01:12:30.000Z',
      recoverSec: 750,
    });
    expect(await r.close('so-y-te', 'mains.lost', '2026-03-01T01:13:00.000Z')).toBeNull();
    expect(await r.close(null, 'network.unreachable', '2026-03-02T00:10:00.000Z')).toMatchObject({
      recoverSec: 600,
    });
    // Closed, the same room and cause opens again; a clock stepped back never gives a negative time.
    const again = await r.open('so-y-te', 'mains.lost', 'critical', '2026-03-03T00:00:00.000Z');
    expect(again!.id).not.toBe(a!.id);
    expect(await r.close('so-y-te', 'mains.lost', '2026-03-02T23:59:00.000Z')).toMatchObject({
      recoverSec: 0,
    });
    expect((await r.openIncidents()).map((i) => i.cause)).toEqual(['codec.down']);
  });

  test('two hubs opening the same incident at once: one opens it, the other is told it is open', async () => {
    const other = new IncidentsRepo(await store.another());
    const both = await Promise.all([
      repo().open('so-y-te', 'mains.lost', 'critical', '2026-03-01T01:00:00.000Z'),
      other.open('so-y-te', 'mains.lost', 'critical', '2026-03-01T01:00:01.000Z'),
    ]);
    expect(both.filter((i) => i !== null)).toHaveLength(1);
    const closed = await Promise.all([
      repo().close('so-y-te', 'mains.lost', '2026-03-01T01:10:00.000Z'),
      other.close('so-y-te', 'mains.lost', '2026-03-01T01:10:00.000Z'),
    ]);
    expect(closed.filter((i) => i !== null)).toHaveLength(1);
    expect(await repo().list()).toHaveLength(1);
  });

  test('a range selects incidents that overlap it, newest first; state, room and limit filter', async () => {
    const r = repo();
    await r.open('so-y-te', 'mains.lost', 'critical', '2026-03-01T01:00:00.000Z');
    await r.close('so-y-te', 'mains.lost', '2026-03-01T01:12:30.000Z');
    await r.open('so-y-te', 'codec.down', 'critical', '2026-03-01T01:05:00.000Z');
    await r.open(null, 'network.unreachable', 'critical', '2026-03-02T00:00:00.000Z');
    await r.close(null, 'network.unreachable', '2026-03-02T00:10:00.000Z');
    await r.open('tinh-uy', 'link.degraded', 'warning', '2025-12-31T23:00:00.000Z');
    await r.close('tinh-uy', 'link.degraded', '2026-01-01T01:00:00.000Z');
    await r.open('tinh-uy', 'climate.out-of-range', 'warning', '2025-06-01T00:00:00.000Z');
    await r.close('tinh-uy', 'climate.out-of-range', '2025-06-01T02:00:00.000Z');
    const year = await r.list({ from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(year.map((i) => `${i.roomId}:${i.cause}`)).toEqual([
      'null:network.unreachable',
      'so-y-te:codec.down',
      'so-y-te:mains.lost',
      'tinh-uy:link.degraded',
    ]);
    expect((await r.list({ state: 'open' })).map((i) => i.cause)).toEqual(['codec.down']);
    expect(await r.list({ roomId: 'tinh-uy', state: 'closed' })).toHaveLength(2);
    expect((await r.list({ to: '2025-12-31T00:00:00.000Z' })).map((i) => i.cause)).toEqual([
      'climate.out-of-range',
    ]);
    expect((await r.list({ limit: 2 })).map((i) => i.cause)).toEqual(['network.unreachable', 'codec.down']);
    expect(await r.list()).toHaveLength(5);
  });

  test('an incident is acknowledged once, with who and a note', async () => {
    const r = repo();
    const open = await r.open('so-y-te', 'codec.down', 'critical', '2026-03-01T01:05:00.000Z');
    const ack = await r.acknowledge(open!.id, 'operator Hà', 'đã gọi điểm cầu', '2026-03-01T01:10:00.000Z');
    expect(ack).toEqual({
      ok: true,
      incident: {
        ...open,
        ack: { at: '2026-03-01T01:10:00.000Z', by: 'operator Hà', note: 'đã gọi điểm cầu' },
      },
    });
    expect(await r.get(open!.id)).toEqual(ack.ok ? ack.incident : null);
    expect(await r.acknowledge(open!.id, 'operator B', 'again', '2026-03-01T01:11:00.000Z')).toEqual({
      ok: false,
      code: 'already-acked',
    });
    expect(await r.acknowledge(9999, 'x', 'y', '2026-03-01T01:11:00.000Z')).toEqual({
      ok: false,
      code: 'not-found',
    });
    expect(await r.get(9999)).toBeNull();
  });
});
